package dev.deltaeval.cli;

import dev.deltaeval.jobs.bench.RankThroughput;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rank", mixinStandardHelpOptions = true,
        description = {"Matrices/s of the singular-value route on random matrices (one thread and all threads), and "
            + "with --checkpoint the whole recurrent-state rank collection (every layer, head and sub-step) over "
            + "--tokens random token ids: tokens/s and states analysed per second."})
final class BenchRankCommand implements Callable<Integer> {
    @Option(names = "--size", split = ",", defaultValue = "32,64,128", paramLabel = "N[,N...]", hideParamSyntax = true,
            description = "Square matrix sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--matrices", defaultValue = "4000", paramLabel = "N", description = "Matrices per size.")
    int matrices;

    @Option(names = "--threads", paramLabel = "N", description = "Pool size (default: all cores).")
    Integer threads;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Also time a full state-rank collection.")
    Path checkpoint;

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "CHECKPOINT",
            description = "The same as --checkpoint, as other commands take it.")
    Path checkpointArg;

    @Option(names = {"--tokens", "--max-length", "--max-len"}, defaultValue = "1024", paramLabel = "N",
            description = "Tokens for --checkpoint.")
    int tokens;

    @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the figures as JSON.")
    Path out;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws Exception {
        checkpoint = CheckpointArgs.oneOf(checkpoint, checkpointArg);
        RankThroughput.run(new RankThroughput.Spec(sizes, matrices, threads, checkpoint == null ? null
                : checkpoint.toString(), tokens, out == null ? null : out.toString(), compute.request()),
                DeltaEvalCli.jobContext());
        return 0;
    }
}
