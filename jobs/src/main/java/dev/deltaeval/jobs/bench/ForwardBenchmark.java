package dev.deltaeval.jobs.bench;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Harness;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.StageClock;
import dev.deltaeval.runtime.StageTimes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Times the scoring forward pass (chunked kernel, next-token log-probabilities) on random token ids, JMH-style:
 * warm-up iterations first, then the median of the measured ones. Peak memory is the process high-water mark.
 */
public final class ForwardBenchmark {
    private ForwardBenchmark() {
    }

    /** One benchmark's figures. */
    public record Result(int batch, int length, int warmup, int iterations, double medianSeconds, double minSeconds,
                         double tokensPerSecond, long ndarraysPerForward, long rssAfterLoadMb, long peakRssMb) {
    }

    /**
     * Seconds per stage of one forward pass (the mean over {@code iterations} after {@code warmup}), each stage
     * ended by a device sync: the sum exceeds an unsynchronised forward by the syncs' cost, but shows where the
     * kernels' time goes.
     *
     * @param stages stage name -> seconds per forward, in the order of the forward pass
     * @param marks  stage name -> how often the stage ended per forward (e.g. once per layer)
     */
    public record Breakdown(int batch, int length, double seconds, Map<String, Double> stages,
                            Map<String, Integer> marks) {
    }

    /** Runs the forward pass with a device sync after every stage (see {@link StageTimes}). */
    public static Breakdown breakdown(LanguageModel model, int batch, int length, int warmup, int iterations, long seed) {
        TokenBatch[] io = randomInputs(model, batch, length, seed);
        for (int i = 0; i < warmup; i++) {
            model.forward(io[0], null, ForwardRequest.score(io[1]));
        }
        StageTimes times = new StageTimes();
        model.useStageClock(times);
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < iterations; i++) {
                model.forward(io[0], null, ForwardRequest.score(io[1]));
            }
        } finally {
            model.useStageClock(StageClock.OFF);
        }
        double total = (System.nanoTime() - t0) / 1e9 / iterations;
        Map<String, Double> perForward = new LinkedHashMap<>();
        times.seconds().forEach((k, v) -> perForward.put(k, v / iterations));
        Map<String, Integer> marks = new LinkedHashMap<>();
        times.counts().forEach((k, v) -> marks.put(k, v / iterations));
        return new Breakdown(batch, length, total, perForward, marks);
    }

    /** Random token ids: the input [batch, length] and its next-token targets. */
    private static TokenBatch[] randomInputs(LanguageModel model, int batch, int length, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int vocab = model.info().vocabSize();
        long[] ids = new long[batch * (length + 1)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 3 + rng.nextInt(vocab - 3);
        }
        TokenBatch all = new TokenBatch(ids, batch, length + 1);
        return new TokenBatch[] {all.slice(0, length), all.slice(1, length + 1)};
    }

    public static Result run(LanguageModel model, int batch, int length, int warmup, int iterations, long seed,
                             IntConsumer onIteration) {
        TokenBatch[] io = randomInputs(model, batch, length, seed);
        TokenBatch input = io[0];
        TokenBatch targets = io[1];
        long rssAfterLoad = ProcessMemory.rssMb();
        double[] times = new double[iterations];
        long calls = 0;
        for (int i = 0; i < warmup + iterations; i++) {
            long t0 = System.nanoTime();
            ForwardOutput out = model.forward(input, null, ForwardRequest.score(targets));
            double s = (System.nanoTime() - t0) / 1e9;
            calls = out.ndarraysCreated();
            if (i >= warmup) {
                times[i - warmup] = s;
            }
            if (onIteration != null) {
                onIteration.accept(i);
            }
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return new Result(batch, length, warmup, iterations, median, sorted[0], batch * (double) length / median, calls,
                rssAfterLoad, ProcessMemory.peakRssMb());
    }

    /**
     * What {@code bench forward} measures for one checkpoint, with its console lines and JSON.
     *
     * @param label what the figures call the model (a bundled config name or the folder)
     */
    public record Spec(String checkpoint, String label, int batch, int length, int warmup, int iterations, long seed,
                       String output, boolean breakdown, ComputeRequest compute) {
    }

    /** Loads the checkpoint, measures, prints the figures to {@code ctx} and writes them as JSON if asked. */
    public static void measure(Spec spec, JobContext ctx) throws IOException {
        ModelCheckpoint ckpt = CheckpointRef.open(Path.of(spec.checkpoint()));
        ComputeOptions opts = Compute.resolve(spec.compute(), ckpt);
        try (LanguageModel model = Compute.load(ckpt, opts)) {
            System.err.printf("benchmarking %s: batch %d x %d tokens, %d warm-up + %d iterations%n",
                    ckpt.info().summary(), spec.batch(), spec.length(), spec.warmup(), spec.iterations());
            Result r = run(model, spec.batch(), spec.length(), spec.warmup(), spec.iterations(), spec.seed(),
                    i -> System.err.printf("  iteration %d/%d done%n", i + 1, spec.warmup() + spec.iterations()));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("harness", Harness.VERSION);
            json.put("model", spec.label());
            json.put("parameters", ckpt.parameterCount());
            json.put("device", opts.deviceLabel());
            json.put("dtype", opts.precision().label());
            json.put("chunk_substeps", opts.chunkSubsteps());
            json.put("threads", Runtime.getRuntime().availableProcessors());
            json.put("result", r);
            if (spec.breakdown()) {
                Breakdown bd = breakdown(model, spec.batch(), spec.length(), 0, spec.iterations(), spec.seed());
                json.put("breakdown", bd);
                printBreakdown(bd, ctx.out());
            }
            ctx.out().printf("%s  B=%d T=%d  %.1f tokens/s  (median %.3f s, min %.3f s)  NDArray calls/forward %d  "
                            + "RSS after load %d MiB, peak %d MiB%n", opts.deviceLabel(), spec.batch(), spec.length(),
                    r.tokensPerSecond(), r.medianSeconds(), r.minSeconds(), r.ndarraysPerForward(), r.rssAfterLoadMb(),
                    r.peakRssMb());
            if (spec.output() != null) {
                AtomicFiles.writeJson(Path.of(spec.output()), json);
            }
        }
    }

    private static void printBreakdown(Breakdown bd, PrintStream out) {
        double sum = bd.stages().values().stream().mapToDouble(Double::doubleValue).sum();
        out.printf("breakdown, one forward with a device sync after every stage: %.1f ms (stages sum to "
                + "%.1f ms)%n", bd.seconds() * 1e3, sum * 1e3);
        bd.stages().forEach((name, s) -> out.printf("  %-45s %8.2f ms  %5.1f%%  (x%d)%n", name, s * 1e3,
                100 * s / sum, bd.marks().get(name)));
    }
}
