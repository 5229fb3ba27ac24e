package dev.deltaeval.cli;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.deltanet.models.RandomCheckpoints;
import dev.deltaeval.jobs.bench.ForwardBenchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (never timed tests).",
        subcommands = {BenchCommand.Forward.class, BenchTasksCommand.class, BenchRankCommand.class})
final class BenchCommand extends GroupCommand {

    @Command(name = "forward", mixinStandardHelpOptions = true,
            description = {"Tokens/s, peak memory and NDArray calls of the scoring forward pass (chunked kernel, "
                + "next-token log-probabilities) on random token ids. With --config, a random-weight checkpoint is "
                + "written once into the cache directory and reused."})
    static final class Forward implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE|NAME",
                description = "config.json or bundled name, e.g. delta_product_340m_-1_1_2_4k_8h.")
        String config;

        @Option(names = "--checkpoint", paramLabel = "DIR", description = "Benchmark an existing checkpoint instead.")
        Path checkpoint;

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "CHECKPOINT",
                description = "The same as --checkpoint, as other commands take it.")
        Path checkpointArg;

        @Option(names = {"--batch-size", "--batch"}, defaultValue = "1", paramLabel = "N",
                description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = {"--length", "--max-length", "--max-len"}, defaultValue = "2048", paramLabel = "N",
                description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int length;

        @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
                description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--iterations", defaultValue = "3", paramLabel = "N",
                description = "Measured iterations (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
                description = "Seed for weights and token ids (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "Where random-weight checkpoints are kept (default: ~/.cache/deltaeval/bench).")
        Path cacheDir;

        @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the figures as JSON.")
        Path out;

        @Option(names = "--breakdown", description = {"Also time each stage of the forward pass (projection, short",
            "convolution, the chunked kernel's steps, MLP, head), waiting for the device after every stage."})
        boolean breakdown;

        @Mixin
        ComputeMixin compute;

        @Override
        public Integer call() throws IOException {
            checkpoint = CheckpointArgs.oneOf(checkpoint, checkpointArg);
            if ((config == null) == (checkpoint == null)) {
                throw new DeltaEvalException("bench forward: give exactly one of --config or --checkpoint");
            }
            Path dir = checkpoint != null ? checkpoint : RandomCheckpoints.cached(config, cacheDir != null ? cacheDir
                    : Path.of(System.getProperty("user.home"), ".cache", "deltaeval", "bench"), seed);
            ForwardBenchmark.measure(new ForwardBenchmark.Spec(dir.toString(), config != null ? config : dir.toString(),
                    batch, length, warmup, iterations, seed, out == null ? null : out.toString(), breakdown,
                    compute.request()), DeltaEvalCli.jobContext());
            return 0;
        }
    }
}
