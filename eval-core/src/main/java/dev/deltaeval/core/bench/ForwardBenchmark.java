package dev.deltaeval.core.bench;

import dev.deltaeval.core.DeltaModel;
import dev.deltaeval.core.ForwardOutput;
import dev.deltaeval.core.ForwardRequest;
import dev.deltaeval.core.TokenBatch;
import java.util.Arrays;
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

    public static Result run(DeltaModel model, int batch, int length, int warmup, int iterations, long seed,
                             IntConsumer onIteration) {
        SplittableRandom rng = new SplittableRandom(seed);
        int vocab = model.config().vocabSize();
        long[] ids = new long[batch * (length + 1)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 3 + rng.nextInt(vocab - 3);
        }
        TokenBatch all = new TokenBatch(ids, batch, length + 1);
        TokenBatch input = all.slice(0, length);
        TokenBatch targets = all.slice(1, length + 1);
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
