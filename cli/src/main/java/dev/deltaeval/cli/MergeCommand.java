package dev.deltaeval.cli;

import dev.deltaeval.jobs.plan.PlanRun;
import java.io.IOException;
import java.nio.file.Path;
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

    @Override
    public Integer call() throws IOException {
        return PlanRun.merge(runDir, DeltaEvalCli.jobContext());
    }
}
