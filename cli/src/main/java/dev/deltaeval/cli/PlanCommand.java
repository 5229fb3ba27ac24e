package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Inspect and schedule run plans.",
        subcommands = {PlanCommand.Expand.class, PlanCommand.Slurm.class})
final class PlanCommand extends GroupCommand {

    @Command(name = "expand", mixinStandardHelpOptions = true,
            description = "The plan's independent work units with their stable ids, estimated costs, shard and "
                    + "command line.")
    static final class Expand implements Callable<Integer> {
        @Parameters(paramLabel = "PLAN")
        Path plan;

        @Option(names = "--shards", defaultValue = "1", paramLabel = "N", description = "Show the assignment to N "
                + "shards (default: ${DEFAULT-VALUE}).")
        int shards;

        @Override
        public Integer call() {
            if (shards < 1) {
                throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
            }
            List<WorkUnit> units = PlanUnits.expand(RunPlan.read(plan));
            System.out.println(PlanUnits.describe(units, PlanUnits.assign(units, shards)));
            return 0;
        }
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = {"A SLURM job-array script that runs the plan's shards, one GPU each: submit it with "
                    + "'sbatch FILE'; the shard that finishes last merges (or run 'deltaeval merge OUTPUT').",
                "The run folder must be on a file system every node sees."})
    static final class Slurm implements Callable<Integer> {
        @Parameters(paramLabel = "PLAN")
        Path plan;

        @Option(names = "--nodes", defaultValue = "1", paramLabel = "N", description = "Nodes (default: 1).")
        int nodes;

        @Option(names = "--gpus-per-node", defaultValue = "1", paramLabel = "G", description = "GPUs per node "
                + "(default: 1); shards = nodes x GPUs.")
        int gpus;

        @Option(names = "--partition", paramLabel = "NAME", description = "SLURM partition.")
        String partition;

        @Option(names = "--time", defaultValue = "24:00:00", paramLabel = "HH:MM:SS", description = "Time limit "
                + "per shard (default: ${DEFAULT-VALUE}).")
        String time;

        @Option(names = "--cpus-per-task", defaultValue = "8", paramLabel = "N", description = "CPUs per shard.")
        int cpus;

        @Option(names = "--mem", defaultValue = "64G", paramLabel = "SIZE", description = "Memory per shard.")
        String mem;

        @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the script here (default: stdout).")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (nodes < 1 || gpus < 1) {
                throw new IllegalArgumentException("--nodes and --gpus-per-node must be at least 1");
            }
            RunPlan p = RunPlan.read(plan);
            int shards = nodes * gpus;
            String script = SlurmScript.render(p, plan.toAbsolutePath(), shards, partition, time, cpus, mem,
                    Path.of("").toAbsolutePath());
            if (out != null) {
                AtomicFiles.writeString(out, script);
                System.err.println("wrote " + out + ": submit with  sbatch " + out);
            } else {
                System.out.print(script);
            }
            return 0;
        }
    }
}
