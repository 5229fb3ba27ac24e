package dev.deltaeval.cli;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.bench.TaskBenchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = {"Documents/s and tokens/s per task, with state forking and without (each context rerun per "
            + "choice, as a Transformer harness does), and the tokens each mode actually ran. No result cache is used."})
final class BenchTasksCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    @Option(names = "--tasks", split = ",", defaultValue = "piqa,hellaswag,arc_easy,winogrande", paramLabel = "TASK[,TASK...]", hideParamSyntax = true,
            description = "Tasks (default: ${DEFAULT-VALUE}).")
    List<String> tasks;

    @Option(names = {"--data-dir", "--data"}, defaultValue = "data/tasks-sample", paramLabel = "DIR", description = "Task data.")
    Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "First N documents per task (default: all).")
    Integer limit;

    @Mixin
    BatchSizeMixin batchSize;

    @Option(names = "--repeat", defaultValue = "2", paramLabel = "N",
            description = "Runs per task and mode; the last is reported (default: ${DEFAULT-VALUE}). Earlier runs warm "
                    + "up the JIT and shape-specific kernels, which ragged batches of new lengths otherwise pay inside "
                    + "the measurement.")
    int repeat;

    @Option(names = "--modes", split = ",", defaultValue = "forked,unforked", paramLabel = "MODE[,MODE...]", hideParamSyntax = true,
            description = "Which modes to measure (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the figures as JSON.")
    Path out;

    @Option(names = "--breakdown", description = {"Also time the last run's forward-pass stages (device sync after",
        "each) and what lies outside the forward passes (tokenizing, forking, batching, metrics)."})
    boolean breakdown;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        TaskBenchmark.run(new TaskBenchmark.Spec(checkpoint == null ? null : checkpoint.toString(), tasks,
                dataDir.toString(), limit, batchSize.spec, repeat, modes, out == null ? null : out.toString(),
                breakdown, compute.request()), DeltaEvalCli.jobContext());
        return 0;
    }
}
