package dev.deltaeval.cli;

import dev.deltaeval.jobs.PlannedUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Combines the finished work units of a run folder (sharded or not) into the results, charts "
                + "and report an unsharded run produces, and lists missing and failed units by id.",
            "Exit code 0 when every unit of the plan is done, 1 when some are missing (what exists is merged)."})
final class MergeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", description = "The plan's output folder (holds plan.json and units/).")
    Path runDir;

    /** The first line of a failed unit's record: exit code and error line. */
    private static String failure(Path runDir, String id) throws IOException {
        return Files.readAllLines(runDir.resolve("units").resolve(id + ".failed")).stream().findFirst().orElse("");
    }

    @Override
    public Integer call() throws IOException {
        Path planFile = runDir.resolve("plan.json");
        if (!Files.isRegularFile(planFile)) {
            throw new IllegalArgumentException(runDir + ": no plan.json (not a run folder written by 'deltaeval run')");
        }
        RunPlan p = RunPlan.read(planFile);
        List<PlannedUnit> units = PlanUnits.expand(p);
        RunMerger.Status s = RunMerger.status(runDir, units);
        RunMerger.merge(runDir, units, RunCommand.title(p, runDir));
        System.out.printf("%d of %d units done%n", units.size() - s.missing().size(), units.size());
        for (String id : s.missing()) {
            System.out.println(s.failed().contains(id) ? "failed  " + id + ": " + failure(runDir, id) : "missing " + id);
        }
        System.err.println("merged into " + runDir.resolve("report").resolve("report.html"));
        return s.missing().isEmpty() ? 0 : 1;
    }
}
