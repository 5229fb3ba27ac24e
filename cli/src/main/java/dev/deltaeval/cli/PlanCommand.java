package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.plan.PlanUnits;
import dev.deltaeval.jobs.plan.RunPlan;
import dev.deltaeval.jobs.plan.SlurmPlan;
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
        @Parameters(paramLabel = "PLAN", description = "The plan file (JSON; see docs/runs.md).")
        Path plan;

        @Option(names = "--shards", defaultValue = "1", paramLabel = "N", description = "Show the assignment to N "
                + "shards (default: ${DEFAULT-VALUE}).")
        int shards;

        @Override
        public Integer call() {
            if (shards < 1) {
                throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
            }
            List<PlannedUnit> units = PlanUnits.expand(RunPlan.read(plan));
            System.out.println(PlanUnits.describe(units, PlanUnits.assign(units, shards)));
            return 0;
        }
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = {"A SLURM job-array script that runs the plan's shards in one shared run folder, and a "
                    + "merge job that runs once every shard has ended. Resources follow the plan: a GPU plan "
                    + "(device gpu) asks for one GPU per shard, any other plan for none.",
                "With --submit the log folder is created, the array and the dependent merge job are submitted "
                    + "with sbatch, and their job ids printed. The run folder must be on a file system every node "
                    + "sees. Resubmitting a shard (sbatch --array=K FILE) resumes it from its finished units."})
    static final class Slurm implements Callable<Integer> {
        @Parameters(paramLabel = "PLAN", description = "The plan file (JSON; see docs/runs.md).")
        Path plan;

        @Option(names = "--nodes", defaultValue = "1", paramLabel = "N", description = "Nodes (default: 1).")
        int nodes;

        @Option(names = "--gpus-per-node", defaultValue = "1", paramLabel = "G", description = "GPUs per node for a "
                + "GPU plan (default: 1); shards = nodes x GPUs unless --shards says otherwise.")
        int gpus;

        @Option(names = "--shards", paramLabel = "N", description = "Array tasks (default: nodes x GPUs per node "
                + "for a GPU plan, nodes for a CPU plan).")
        Integer shards;

        @Option(names = "--max-parallel", defaultValue = "0", paramLabel = "M", description = "At most M shards "
                + "running at once (--array=0-N%%M; default: no cap).")
        int maxParallel;

        @Option(names = "--partition", paramLabel = "NAME", description = "SLURM partition.")
        String partition;

        @Option(names = "--time", defaultValue = "24:00:00", paramLabel = "HH:MM:SS", description = "Time limit "
                + "per shard (default: ${DEFAULT-VALUE}).")
        String time;

        @Option(names = "--cpus-per-task", paramLabel = "N", description = "CPUs per shard (default: 8 for a GPU "
                + "plan, 4 for a CPU plan).")
        Integer cpus;

        @Option(names = "--mem", paramLabel = "SIZE", description = "Memory per shard (default: 64G for a GPU plan, "
                + "8G for a CPU plan).")
        String mem;

        @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the script here (default: "
                + "stdout; with --submit: RUN/slurm/array.sbatch).")
        Path out;

        @Option(names = "--submit", description = "Create the log folder and submit the array and the merge job.")
        boolean submit;

        @Option(names = "--launcher", defaultValue = "./deltaeval", paramLabel = "CMD", description = "The command "
                + "each shard runs, from the directory plan slurm ran in (default: ${DEFAULT-VALUE}).")
        String launcher;

        @Override
        public Integer call() throws IOException {
            SlurmPlan.Prepared prepared = SlurmPlan.prepare(plan, new SlurmPlan.Request(nodes, gpus, shards,
                    maxParallel, partition, time, cpus, mem, launcher));
            if (submit) {
                System.out.println(SlurmPlan.submit(prepared, out));
            } else if (out != null) {
                AtomicFiles.writeString(out, prepared.script());
                System.err.println(prepared.howToSubmit(out) + "  (or use --submit)");
            } else {
                System.out.print(prepared.script());
            }
            return 0;
        }
    }
}
