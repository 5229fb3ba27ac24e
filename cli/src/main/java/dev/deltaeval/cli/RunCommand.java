package dev.deltaeval.cli;

import dev.deltaeval.jobs.plan.PlanRun;
import java.io.IOException;
import java.nio.file.Path;
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
        return PlanRun.run(plan, PlanRun.Shard.parse(shard), device, dtype, DeltaEvalCli.jobContext());
    }
}
