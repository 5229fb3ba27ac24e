package dev.deltaeval.jobs.plan;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.PlanScope;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.SpecJson;
import dev.deltaeval.model.ModelCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run plan as independent work units (each job's section split per checkpoint, and per task or length as the
 * job decides), and their deterministic assignment to shards: longest estimated cost first, each to the
 * least-loaded shard, ties by id, so every process computes the same assignment without talking to the others.
 */
public final class PlanUnits {
    private PlanUnits() {
    }

    public static List<PlannedUnit> expand(RunPlan p) {
        List<PlannedUnit> units = new ArrayList<>();
        for (String c : p.checkpoints()) {
            ModelCheckpoint ckpt = CheckpointRef.open(Path.of(c)); // every checkpoint is validated before work starts
            PlanScope scope = new PlanScope(c, ckpt, p.output(), p.device(), p.dtype());
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> s : p.sections().entrySet()) {
                units.addAll(Jobs.plan(s.getKey(), s.getValue(), scope, p.source() + ": invalid plan: section \""
                        + s.getKey() + "\""));
            }
        }
        units.sort(Comparator.comparing(PlannedUnit::id));
        for (int i = 1; i < units.size(); i++) {
            if (units.get(i).id().equals(units.get(i - 1).id())) {
                throw new IllegalArgumentException("two checkpoints of the plan have the same name "
                        + units.get(i).model() + "; give them distinct folder names");
            }
        }
        return units;
    }

    /** Shard index (0-based) of every unit, in the order of {@code units}. */
    public static int[] assign(List<PlannedUnit> units, int shards) {
        Integer[] order = new Integer[units.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -units.get(i).cost())
                .thenComparing(i -> units.get(i).id()));
        double[] load = new double[shards];
        int[] shardOf = new int[units.size()];
        for (int i : order) {
            int best = 0;
            for (int s = 1; s < shards; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            shardOf[i] = best;
            load[best] += units.get(i).cost();
        }
        return shardOf;
    }

    public static String describe(List<PlannedUnit> units, int[] shardOf) {
        return java.util.stream.IntStream.range(0, units.size()).mapToObj(i -> String.format(java.util.Locale.ROOT,
                "%-44s shard %d  cost %.3g  %s %s", units.get(i).id(), shardOf[i] + 1, units.get(i).cost(),
                units.get(i).kind(), SpecJson.tree(units.get(i).spec()))).collect(Collectors.joining("\n"));
    }
}
