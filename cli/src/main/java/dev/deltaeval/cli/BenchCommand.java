package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.deltanet.config.NamedConfigs;
import dev.deltaeval.deltanet.models.CheckpointInitializer;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.bench.ForwardBenchmark;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (never timed tests).",
        subcommands = {BenchCommand.Forward.class, BenchTasksCommand.class, BenchRankCommand.class})
final class BenchCommand extends GroupCommand {

    @Command(name = "forward", mixinStandardHelpOptions = true,
            description = {"Tokens/s, peak memory and NDArray calls of the scoring forward pass (chunked kernel,",
                "next-token log-probabilities) on random token ids. With --config, a random-weight checkpoint is",
                "written once into the cache directory and reused."})
    static final class Forward implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE|NAME",
                description = "config.json or bundled name, e.g. delta_product_340m_-1_1_2_4k_8h.")
        String config;

        @Option(names = "--checkpoint", paramLabel = "DIR", description = "Benchmark an existing checkpoint instead.")
        Path checkpoint;

        @Option(names = "--batch", defaultValue = "1", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--length", defaultValue = "2048", paramLabel = "N", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int length;

        @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--iterations", defaultValue = "3", paramLabel = "N", description = "Measured iterations (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed for weights and token ids (default: ${DEFAULT-VALUE}).")
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
            if ((config == null) == (checkpoint == null)) {
                throw new IllegalArgumentException("bench forward: give exactly one of --config or --checkpoint");
            }
            Path dir = checkpoint != null ? checkpoint : ensureRandomCheckpoint();
            ModelCheckpoint ckpt = CheckpointRef.open(dir);
            ComputeOptions opts = compute.options(ckpt);
            try (LanguageModel model = ComputeMixin.load(ckpt, opts)) {
                System.err.printf("benchmarking %s: batch %d x %d tokens, %d warm-up + %d iterations%n",
                        ckpt.info().summary(), batch, length, warmup, iterations);
                ForwardBenchmark.Result r = ForwardBenchmark.run(model, batch, length, warmup, iterations, seed,
                        i -> System.err.printf("  iteration %d/%d done%n", i + 1, warmup + iterations));
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("harness", Version.HARNESS);
                json.put("model", config != null ? config : dir.toString());
                json.put("parameters", ckpt.parameterCount());
                json.put("device", opts.deviceLabel());
                json.put("dtype", opts.precision().label());
                json.put("chunk_substeps", opts.chunkSubsteps());
                json.put("threads", Runtime.getRuntime().availableProcessors());
                json.put("result", r);
                if (breakdown) {
                    ForwardBenchmark.Breakdown bd = ForwardBenchmark.breakdown(model, batch, length, 0, iterations,
                            seed);
                    json.put("breakdown", bd);
                    printBreakdown(bd);
                }
                System.out.printf("%s  B=%d T=%d  %.1f tokens/s  (median %.3f s, min %.3f s)  NDArray calls/forward %d  "
                                + "RSS after load %d MiB, peak %d MiB%n", opts.deviceLabel(), batch, length, r.tokensPerSecond(),
                        r.medianSeconds(), r.minSeconds(), r.ndarraysPerForward(), r.rssAfterLoadMb(), r.peakRssMb());
                if (out != null) {
                    AtomicFiles.writeJson(out, json);
                }
            }
            return 0;
        }

        private static void printBreakdown(ForwardBenchmark.Breakdown bd) {
            double sum = bd.stages().values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("breakdown, one forward with a device sync after every stage: %.1f ms (stages sum to "
                    + "%.1f ms)%n", bd.seconds() * 1e3, sum * 1e3);
            bd.stages().forEach((name, s) -> System.out.printf("  %-45s %8.2f ms  %5.1f%%  (x%d)%n", name, s * 1e3,
                    100 * s / sum, bd.marks().get(name)));
        }

        private Path ensureRandomCheckpoint() throws IOException {
            Path base = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "deltaeval", "bench");
            Path cfg = NamedConfigs.resolve(config, Files.createTempDirectory("deltaeval-config"));
            String name = cfg.getFileName().toString().replace(".json", "") + "-seed" + seed;
            Path dir = base.resolve(name);
            if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
                System.err.println("writing random-weight checkpoint " + dir + " (once)");
                CheckpointInitializer.write(cfg, dir, seed, CheckpointInitializer.defaultLayout(dev.deltaeval.checkpoints.JsonFiles.readObject(cfg)),
                        CheckpointInitializer.StoredType.BF16);
            }
            return dir;
        }
    }
}
