package dev.deltaeval.cli;

import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.tasks.TaskRegistry;
import dev.deltaeval.tasks.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A run plan as independent work units (checkpoint x task, checkpoint x extrapolation length, checkpoint x rank),
 * and their deterministic assignment to shards: longest estimated cost first, each to the least-loaded shard, ties
 * by id, so every process computes the same assignment without talking to the others.
 */
final class PlanUnits {
    private PlanUnits() {
    }

    static List<WorkUnit> expand(RunPlan p) {
        List<String> compute = new ArrayList<>();
        if (p.device() != null) {
            compute.addAll(List.of("--device", p.device()));
        }
        if (p.dtype() != null) {
            compute.addAll(List.of("--dtype", p.dtype()));
        }
        List<WorkUnit> units = new ArrayList<>();
        Path cache = Path.of(p.output()).resolve("cache");
        for (String c : p.checkpoints()) {
            ModelCheckpoint ckpt = CheckpointArg.open(Path.of(c));
            String model = CheckpointArg.label(ckpt);
            double params = ckpt.parameterCount();
            if (p.eval() != null) {
                RunPlan.Eval e = p.eval();
                for (String task : TaskRegistry.expand(e.tasks())) {
                    List<String> a = new ArrayList<>(List.of("eval", c, "--tasks", task, "--output", WorkUnit.OUT,
                            "--log-samples", "--cache-dir", cache.toString()));
                    opt(a, "--data-dir", e.dataDir());
                    opt(a, "--limit", e.limit());
                    opt(a, "--batch-size", e.batchSize());
                    opt(a, "--lm-eval-compat", e.lmEvalCompat());
                    a.addAll(compute);
                    units.add(new WorkUnit("eval/" + model + "/" + task, "eval", model, a,
                            params * evalTokens(task, e)));
                }
            }
            if (p.extrapolate() != null) {
                RunPlan.Extrapolate x = p.extrapolate();
                List<Integer> lens = x.maxLen() == null ? List.of(4096) : x.maxLen();
                for (int len : lens) {
                    List<String> a = new ArrayList<>(List.of("extrapolate", c, "--out", WorkUnit.OUT, "--max-len",
                            String.valueOf(len)));
                    opt(a, "--data", x.data());
                    opt(a, "--field", x.field());
                    opt(a, "--preset", x.preset());
                    opt(a, "--num-sequences", x.numSequences());
                    opt(a, "--train-context", x.trainContext());
                    opt(a, "--segment", x.segment());
                    a.addAll(compute);
                    int seqs = x.numSequences() == null ? 4 : x.numSequences();
                    units.add(new WorkUnit("extrapolate/" + model + "/" + len, "extrapolate", model, a,
                            params * seqs * (double) len));
                }
            }
            if (p.rank() != null) {
                RunPlan.Rank r = p.rank();
                List<String> a = new ArrayList<>(List.of("rank", c, "--out", WorkUnit.OUT));
                opt(a, "--data", r.data());
                opt(a, "--max-len", r.maxLen());
                opt(a, "--positions", r.positions());
                opt(a, "--window", r.window());
                opt(a, "--train-context", r.trainContext());
                a.addAll(compute);
                int len = r.maxLen() == null ? 1024 : r.maxLen();
                units.add(new WorkUnit("rank/" + model, "rank", model, a, params * 2.0 * len));
            }
        }
        units.sort(Comparator.comparing(WorkUnit::id));
        for (int i = 1; i < units.size(); i++) {
            if (units.get(i).id().equals(units.get(i - 1).id())) {
                throw new IllegalArgumentException("two checkpoints of the plan have the same name "
                        + units.get(i).model() + "; give them distinct folder names");
            }
        }
        return units;
    }

    /** Shard index (0-based) of every unit, in the order of {@code units}. */
    static int[] assign(List<WorkUnit> units, int shards) {
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

    /** Tokens a task will run, roughly: the bytes of the documents evaluated over four bytes per token. */
    private static double evalTokens(String task, RunPlan.Eval e) {
        TaskSpec spec = TaskRegistry.get(task);
        Path file = Path.of(e.dataDir() == null ? "data/tasks-sample" : e.dataDir()).resolve(spec.dataFile());
        try {
            long bytes = Files.size(file);
            if (e.limit() != null && e.limit() >= 0 && spec.dataFile().endsWith(".jsonl")) {
                long lines;
                try (var s = Files.lines(file)) {
                    lines = s.filter(l -> !l.isBlank()).count();
                }
                bytes = lines == 0 ? bytes : bytes * Math.min(lines, e.limit()) / lines;
            }
            return Math.max(1, bytes / 4.0);
        } catch (IOException ex) {
            return 1; // the unit itself reports the missing file
        }
    }

    private static void opt(List<String> args, String name, Object value) {
        if (value != null) {
            args.add(name);
            args.add(String.valueOf(value));
        }
    }

    static String describe(List<WorkUnit> units, int[] shardOf) {
        return java.util.stream.IntStream.range(0, units.size()).mapToObj(i -> String.format(java.util.Locale.ROOT,
                "%-44s shard %d  cost %.3g  deltaeval %s", units.get(i).id(), shardOf[i] + 1, units.get(i).cost(),
                String.join(" ", units.get(i).args()))).collect(Collectors.joining("\n"));
    }
}
