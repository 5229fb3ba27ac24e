package dev.deltaeval.rank;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Matrices per second of the singular-value route (EJML, values only) on random Gaussian matrices, on one thread
 * and spread over a pool: the throughput that bounds {@code rank} once the model is fast.
 */
public final class RankBenchmark {
    private RankBenchmark() {
    }

    /**
     * @param seconds         wall time of the measured round
     * @param matricesPerSec  throughput
     * @param meanEffectiveRank a checksum of the work (a random square Gaussian matrix has erank near 0.7 n)
     */
    public record Result(int rows, int cols, int threads, int matrices, double seconds, double matricesPerSec,
                         double meanEffectiveRank) {
    }

    public static Result run(int rows, int cols, int matrices, ExecutorService pool, int threads, long seed)
            throws Exception {
        float[][] data = new float[Math.min(matrices, 64)][rows * cols];
        Random rnd = new Random(seed);
        for (float[] m : data) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) rnd.nextGaussian();
            }
        }
        measure(data, rows, Math.min(matrices, 200), pool, threads); // warm-up: JIT
        long t0 = System.nanoTime();
        double sum = measure(data, rows, matrices, pool, threads);
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Result(rows, cols, threads, matrices, secs, matrices / secs, sum / matrices);
    }

    private static double measure(float[][] data, int rows, int matrices, ExecutorService pool, int threads)
            throws Exception {
        List<Future<Double>> parts = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            parts.add(pool.submit(() -> {
                SingularValues sv = new SingularValues();
                double s = 0;
                for (int i = worker; i < matrices; i += threads) {
                    float[] m = data[i % data.length];
                    s += SpectralMeasures.of(sv.of(m, 0, rows, m.length / rows), SpectralMeasures.DEFAULT_REL_TOL)
                            .effectiveRank();
                }
                return s;
            }));
        }
        double total = 0;
        for (Future<Double> f : parts) {
            total += f.get();
        }
        return total;
    }
}
