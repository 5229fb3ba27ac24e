package dev.deltaeval.jobs.plan;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.runtime.engine.DeviceRequest;
import dev.deltaeval.runtime.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Running a plan, or one shard of it, into its output folder, and merging what has finished: what {@code run} and
 * {@code merge} do, so that their commands only read options.
 */
public final class PlanRun {
    /** Exit code of a run with failed units (they are retried by running again). */
    public static final int EXIT_FAILED_UNITS = 1;

    private PlanRun() {
    }

    /** Which share of the plan one process runs: shard {@code index} (1-based) of {@code count}. */
    public record Shard(int index, int count) {
        public static final Shard ALL = new Shard(1, 1);

        /** "I/N" with 1 <= I <= N, or one line naming the setting. */
        public static Shard parse(String s) {
            try {
                String[] parts = s.split("/");
                int i = Integer.parseInt(parts[0].trim());
                int n = Integer.parseInt(parts[1].trim());
                if (parts.length != 2 || n < 1 || i < 1 || i > n) {
                    throw new NumberFormatException();
                }
                return new Shard(i, n);
            } catch (RuntimeException e) {
                throw new DeltaEvalException(DeltaEvalException.setting("shard") + " '" + s
                        + "': expected I/N with 1 <= I <= N, e.g. 2/4");
            }
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    /**
     * Runs this shard's units of the plan (device and dtype overridden where not null); when every unit of the
     * plan has finished, merges them and prints the summary to {@code ctx}.
     *
     * @return 0, or {@link #EXIT_FAILED_UNITS} when a unit of this shard failed
     */
    public static int run(Path planFile, Shard shard, String device, String dtype, JobContext ctx)
            throws IOException {
        RunPlan p = RunPlan.read(planFile).withCompute(device, dtype);
        // the device is checked once, before any unit starts, rather than failing in every unit
        Engines.resolveRequest(DeviceRequest.parse(p.device() == null ? "auto" : p.device()));
        Path out = Path.of(p.output());
        List<PlannedUnit> units = PlanUnits.expand(p); // also validates every checkpoint before any work starts
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("plan.json"), Files.readString(planFile));
        int[] shardOf = PlanUnits.assign(units, shard.count());
        UnitRunner runner = new UnitRunner(out);
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (shardOf[i] == shard.index() - 1 && runner.run(units.get(i)) == UnitRunner.Outcome.FAILED) {
                failed.add(units.get(i).id());
            }
        }
        RunMerger.Status status = RunMerger.status(out, units);
        if (status.missing().isEmpty()) {
            RunMerger.merge(out, units, title(p, out));
            printSummary(out, ctx);
        } else {
            System.err.println("shard " + shard + " finished; not yet done: " + String.join(", ", status.missing()));
        }
        if (!failed.isEmpty()) {
            System.err.println("deltaeval: error: failed units: " + String.join(", ", failed)
                    + " (see units/ID.failed; rerun to retry)");
            return EXIT_FAILED_UNITS;
        }
        return 0;
    }

    /**
     * Merges the finished units of a run folder (written by {@link #run}) and lists what is missing or failed.
     *
     * @return 0 when every unit has finished, else {@link #EXIT_FAILED_UNITS}
     */
    public static int merge(Path runDir, JobContext ctx) throws IOException {
        Path planFile = runDir.resolve("plan.json");
        if (!Files.isRegularFile(planFile)) {
            throw new DeltaEvalException(runDir + ": no plan.json (not a run folder written by 'deltaeval run')");
        }
        RunPlan p = RunPlan.read(planFile);
        List<PlannedUnit> units = PlanUnits.expand(p);
        RunMerger.Status s = RunMerger.status(runDir, units);
        RunMerger.merge(runDir, units, title(p, runDir));
        ctx.out().printf("%d of %d units done%n", units.size() - s.missing().size(), units.size());
        for (String id : s.missing()) {
            ctx.out().println(s.failed().contains(id) ? "failed  " + id + ": " + failure(runDir, id)
                    : "missing " + id);
        }
        System.err.println("merged into " + runDir.resolve("report").resolve("report.html"));
        return s.missing().isEmpty() ? 0 : EXIT_FAILED_UNITS;
    }

    /** The first line of a failed unit's record: exit code and error line. */
    private static String failure(Path runDir, String id) throws IOException {
        return Files.readAllLines(runDir.resolve("units").resolve(id + ".failed")).stream().findFirst().orElse("");
    }

    /**
     * One summary for the whole plan: the report's zero-shot table (every checkpoint and task) and extrapolation
     * lines, then where everything was written. Each unit's own console output is in units/ID/console.txt.
     */
    private static void printSummary(Path out, JobContext ctx) throws IOException {
        Path md = out.resolve("report").resolve("report.md");
        if (Files.isRegularFile(md)) {
            for (String line : Files.readAllLines(md)) {
                if (line.startsWith("|") || line.startsWith("- extrapolation")) {
                    ctx.out().println(line);
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
}
