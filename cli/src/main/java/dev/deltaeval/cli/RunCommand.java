package dev.deltaeval.cli;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.plan.GpuShards;
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
                + "README for the plan format and 'deltaeval plan slurm' for cluster scripts.",
            "With --gpus the plan is split over this host's GPUs: one process per GPU runs its shard on its own card "
                + "(logs in OUT/shards/gpuK.log), then the run is merged; a shard that stops is named with its GPU "
                + "and error, and running the same command again resumes it."})
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

    @Option(names = "--gpus", paramLabel = "all|N|I,J,...", description = "One shard per GPU of this host, each in "
            + "its own process on its own card: all visible GPUs, the first N, or these indices (CUDA's, after "
            + "CUDA_VISIBLE_DEVICES). Not with --shard or --device.")
    String gpus;

    @Override
    public Integer call() throws IOException {
        if (gpus != null) {
            if (!shard.equals("1/1") || device != null) {
                throw new DeltaEvalException("--gpus runs one shard per GPU itself: give it without --shard and "
                        + "--device");
            }
            return GpuShards.run(plan, GpuShards.select(gpus, GpuShards::visibleGpus), k -> "gpu:" + k,
                    (part, dev, log) -> GpuShards.Launcher.thisJvm(DeltaEvalCli.class.getName(), shardArgs(part, dev),
                            log), DeltaEvalCli.jobContext());
        }
        return PlanRun.run(plan, PlanRun.Shard.parse(shard), device, dtype, DeltaEvalCli.jobContext());
    }

    /** This command for one shard of {@code --gpus}: the same plan and dtype, the shard's part and device. */
    java.util.List<String> shardArgs(PlanRun.Shard part, String dev) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--plan", plan.toString(),
                "--shard", part.toString(), "--device", dev));
        if (dtype != null) {
            args.addAll(java.util.List.of("--dtype", dtype));
        }
        return args;
    }
}
