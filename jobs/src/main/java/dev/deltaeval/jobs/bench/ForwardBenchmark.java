package dev.deltaeval.jobs.bench;

import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.StageClock;
import dev.deltaeval.runtime.StageTimes;
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
}
