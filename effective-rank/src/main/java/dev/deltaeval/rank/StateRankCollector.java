package dev.deltaeval.rank;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.StateInspection;
import dev.deltaeval.model.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a sequence with a state observer (the recurrence then runs on the host, HostDeltaRule) and turns the state S
 * of every layer and head at the selected sub-steps into rank measures. States stream: each selected one is copied,
 * its SVDs run on a worker pool while the model goes on, and it is dropped; a semaphore bounds the copies in
 * flight, so memory does not grow with T.
 */
public final class StateRankCollector {
    private final LanguageModel model;
    private final ExecutorService pool;
    private final double relTol;
    private final int segment;
    private final ThreadLocal<SingularValues> svd = ThreadLocal.withInitial(SingularValues::new);

    /** Receives every captured state (e.g. to save it): layer, sub-step index, [heads, dk, dv] on the host. */
    @FunctionalInterface
    public interface StateTap {
        void onState(int layer, long substep, float[] state);
    }

    /** Told after each segment with the tokens processed so far. */
    @FunctionalInterface
    public interface Progress {
        void tokens(long done);
    }

    /**
     * @param segment tokens per forward call (the state is carried across calls; the recurrent kernel's cost does
     *                not depend on it, only how often progress is reported)
     */
    public StateRankCollector(LanguageModel model, ExecutorService pool, double relTol, int segment) {
        if (segment < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("segment") + " must be at least 1 token, got " + segment);
        }
        this.model = model;
        this.pool = pool;
        this.relTol = relTol;
        this.segment = segment;
    }

    public StateRanks collect(long[] ids, PositionSelector selector, StateTap tap, Progress progress) {
        StateInspection inspection = model.stateInspection().orElseThrow(() -> new IllegalArgumentException(
                "state ranks need a model whose family shows its matrix-valued state; " + model.info().family()
                        + " models do not"));
        StateInspection.StateShape shape = inspection.stateShape();
        int n = shape.updatesPerToken();
        int layers = model.info().numLayers();
        int heads = shape.heads();
        int captures = selector.count(ids.length, n);
        long[] substeps = new long[captures];
        float[][][] erank = new float[layers][captures][heads];
        int[][][] nrank = new int[layers][captures][heads];
        float[][][] pr = new float[layers][captures][heads];
        float[][] last = new float[layers][];
        int[] captureOf = new int[layers]; // next capture slot per layer
        Semaphore inFlight = new Semaphore(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));
        List<Future<?>> pending = new ArrayList<>();
        RecurrentState state = null;
        try {
            for (int from = 0; from < ids.length; from += segment) {
                int to = Math.min(ids.length, from + segment);
                long offset = from;
                boolean lastSegment = to == ids.length;
                ForwardOutput out = inspection.forwardObserved(TokenBatch.single(Arrays.copyOfRange(ids, from, to)),
                        state, ForwardRequest.stateOnly(), (layer, token, step, s) -> {
                            long t = offset + token;
                            boolean isLast = lastSegment && t == ids.length - 1 && step == n - 1;
                            boolean take = selector.takes(t, step, n);
                            if (!take && !isLast && tap == null) {
                                return;
                            }
                            float[] host = s.clone(); // [1, H, dk, dv]: the kernel reuses its array
                            long substep = t * n + step + 1;
                            if (isLast) {
                                last[layer] = host;
                            }
                            if (!take) {
                                return;
                            }
                            if (tap != null) {
                                tap.onState(layer, substep, host);
                            }
                            int c = captureOf[layer]++;
                            substeps[c] = substep;
                            inFlight.acquireUninterruptibly();
                            pending.add(pool.submit(() -> {
                                try {
                                    measure(host, heads, shape.keyDim(), erank[layer][c], nrank[layer][c],
                                            pr[layer][c]);
                                } finally {
                                    inFlight.release();
                                }
                            }));
                        });
                if (state != null) {
                    state.close();
                }
                state = out.state();
                pending.removeIf(Future::isDone);
                if (progress != null) {
                    progress.tokens(to);
                }
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing ranks", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rank computation failed: " + e.getCause(), e.getCause());
        } finally {
            if (state != null) {
                state.close();
            }
        }
        return new StateRanks(substeps, n, erank, nrank, pr, last);
    }

    private void measure(float[] host, int heads, int dk, float[] erank, int[] nrank, float[] pr) {
        int per = host.length / heads;
        int dv = per / dk;
        SingularValues sv = svd.get();
        for (int h = 0; h < heads; h++) {
            SpectralMeasures m = SpectralMeasures.of(sv.of(host, h * per, dk, dv), relTol);
            erank[h] = (float) m.effectiveRank();
            nrank[h] = m.numericalRank();
            pr[h] = (float) m.participationRatio();
        }
    }
}
