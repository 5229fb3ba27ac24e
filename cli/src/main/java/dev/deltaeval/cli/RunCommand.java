package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.runtime.engine.DeviceRequest;
import dev.deltaeval.runtime.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a plan: every checkpoint through eval (one unit per task), extrapolate (one unit per "
                + "length) and rank as the plan says, then merges the units into eval/, extrapolation/, rank/ and "
                + "report/ in the plan's output folder.",
            "Units run in units/ID.partial and become units/ID by an atomic rename when finished; a finished unit "
                + "is never run again, an interrupted one resumes from its own cache. With --shard I/N only share I "
                + "runs (deterministic, cost-balanced), so several processes or cluster nodes can share one run "
                + "folder; the shard that completes the last unit merges (or run 'deltaeval merge DIR'). See the "
                + "README for the plan format and 'deltaeval plan slurm' for cluster scripts."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--plan", required = true, paramLabel = "FILE", description = "The plan (JSON).")
    Path plan;

    @Option(names = "--shard", defaultValue = "1/1", paramLabel = "I/N",
            description = "Run only share I of N (1-based; default: ${DEFAULT-VALUE}, everything).")
    String shard;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:K",
            description = "Override the plan's device (e.g. one GPU per shard; a plan without one uses auto).")
    String device;

    @Option(names = "--dtype", paramLabel = "auto|fp32|fp16", description = "Override the plan's dtype.")
    String dtype;

    @Override
    public Integer call() throws IOException {
        int[] in = parseShard(shard);
        RunPlan read = RunPlan.read(plan);
        RunPlan p = read.withCompute(device, dtype);
        // the device is checked once, before any unit starts, rather than failing in every unit
        Engines.resolveRequest(DeviceRequest.parse(p.device() == null ? "auto" : p.device()));
        Path out = Path.of(p.output());
        List<PlannedUnit> units = PlanUnits.expand(p); // also validates every checkpoint before any work starts
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("plan.json"), Files.readString(plan));
        int[] shardOf = PlanUnits.assign(units, in[1]);
        UnitRunner runner = new UnitRunner(out);
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (shardOf[i] == in[0] - 1 && runner.run(units.get(i)) == UnitRunner.Outcome.FAILED) {
                failed.add(units.get(i).id());
            }
        }
        RunMerger.Status status = RunMerger.status(out, units);
        if (status.missing().isEmpty()) {
            RunMerger.merge(out, units, title(p, out));
            printSummary(out);
        } else {
            System.err.println("shard " + shard + " finished; not yet done: " + String.join(", ", status.missing()));
        }
        if (!failed.isEmpty()) {
            System.err.println("deltaeval: error: failed units: " + String.join(", ", failed)
                    + " (see units/ID.failed; rerun to retry)");
            return 1;
        }
        return 0;
    }

    /**
     * One summary for the whole plan: the report's zero-shot table (every checkpoint and task) and extrapolation
     * lines, then where everything was written. Each unit's own console output is in units/ID/console.txt.
     */
    private static void printSummary(Path out) throws IOException {
        Path md = out.resolve("report").resolve("report.md");
        if (Files.isRegularFile(md)) {
            for (String line : Files.readAllLines(md)) {
                if (line.startsWith("|") || line.startsWith("- extrapolation")) {
                    System.out.println(line);
                }
            }
        }
        System.err.println("run complete: report " + out.resolve("report").resolve("report.html") + "; results in "
                + out.resolve("eval") + ", " + out.resolve("extrapolation") + ", " + out.resolve("rank")
                + "; each unit's console output in " + out.resolve("units") + "/<unit id>/console.txt");
    }

    static String title(RunPlan p, Path out) {
        return p.title() != null ? p.title() : "DeltaEval run " + out;
    }

    static int[] parseShard(String s) {
        try {
            String[] parts = s.split("/");
            int i = Integer.parseInt(parts[0].trim());
            int n = Integer.parseInt(parts[1].trim());
            if (parts.length != 2 || n < 1 || i < 1 || i > n) {
                throw new NumberFormatException();
            }
            return new int[] {i, n};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--shard '" + s + "': expected I/N with 1 <= I <= N, e.g. 2/4");
        }
    }
}
