package dev.deltaeval.rank;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Hidden-state (and optionally token-mixer output) ranks of a long sequence in segments (chunked mode, state carried): per hidden-state entry the fp64
 * Gram matrix X^T X and column sums are accumulated, so the whole-sequence spectrum needs O(hidden^2) memory, not
 * O(T x hidden); windows of {@code window} tokens get their own spectrum from their Gram matrix.
 */
public final class HiddenRankCollector {
    private final LanguageModel model;
    private final double relTol;
    private final int segment;

    /** Receives each segment's hidden states [L+1, 1, tokens, hidden] (e.g. to save them) and its first token. */
    @FunctionalInterface
    public interface ActivationTap {
        void onSegment(long firstToken, int tokens, float[] hidden);
    }

    public HiddenRankCollector(LanguageModel model, double relTol, int segment) {
        if (segment < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("segment") + " must be at least 1 token, got " + segment);
        }
        this.model = model;
        this.relTol = relTol;
        this.segment = segment;
    }

    public HiddenRanks collect(long[] ids, int window, ActivationTap tap, StateRankCollector.Progress progress) {
        return collect(ids, window, false, tap, progress);
    }

    /**
     * @param mixers also analyse each layer's token-mixer output (before the residual add), as extra entries
     *               "mixer 0" .. "mixer L-1" after the hidden-state entries
     */
    public HiddenRanks collect(long[] ids, int window, boolean mixers, ActivationTap tap,
                               StateRankCollector.Progress progress) {
        if (window < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("window") + " must be at least 1 token, got " + window);
        }
        int layers = model.info().numLayers();
        int entries = layers + 1 + (mixers ? layers : 0);
        int h = model.info().hiddenSize();
        DMatrixRMaj[] gram = new DMatrixRMaj[entries];
        DMatrixRMaj[] winGram = new DMatrixRMaj[entries];
        double[][] colSum = new double[entries][h];
        List<List<SpectralMeasures>> windowed = new ArrayList<>();
        for (int e = 0; e < entries; e++) {
            gram[e] = new DMatrixRMaj(h, h);
            winGram[e] = new DMatrixRMaj(h, h);
            windowed.add(new ArrayList<>());
        }
        List<Long> starts = new ArrayList<>();
        SingularValues sv = new SingularValues();
        long inWindow = 0;
        RecurrentState state = null;
        try {
            for (int from = 0; from < ids.length; from += segment) {
                int to = Math.min(ids.length, from + segment);
                int len = to - from;
                ForwardRequest req = ForwardRequest.stateOnly().withHidden();
                ForwardOutput out = model.forward(TokenBatch.single(Arrays.copyOfRange(ids, from, to)), state,
                        mixers ? req.withMixerOutputs() : req);
                float[] mixed = out.mixerOutputs();
                if (state != null) {
                    state.close();
                }
                state = out.state();
                float[] hid = out.hidden();
                if (tap != null) {
                    tap.onSegment(from, len, hid);
                }
                // rows [from, to) split at window boundaries
                int row = 0;
                while (row < len) {
                    int take = (int) Math.min(len - row, window - inWindow);
                    for (int e = 0; e < entries; e++) {
                        // hidden states [L+1, 1, len, H], then the mixer outputs [L, 1, len, H]
                        float[] src = e <= layers ? hid : mixed;
                        int off = ((e <= layers ? e : e - layers - 1) * len + row) * h;
                        DMatrixRMaj g = SingularValues.gram(src, off, take, h);
                        CommonOps_DDRM.addEquals(gram[e], g);
                        CommonOps_DDRM.addEquals(winGram[e], g);
                        for (int r = 0; r < take; r++) {
                            for (int c = 0; c < h; c++) {
                                colSum[e][c] += src[off + r * h + c];
                            }
                        }
                    }
                    inWindow += take;
                    row += take;
                    if (inWindow == window) {
                        starts.add((long) from + row - window);
                        for (int e = 0; e < entries; e++) {
                            windowed.get(e).add(SpectralMeasures.of(sv.fromGram(winGram[e]), relTol));
                            winGram[e].zero();
                        }
                        inWindow = 0;
                    }
                }
                if (progress != null) {
                    progress.tokens(to);
                }
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        SpectralMeasures[] whole = new SpectralMeasures[entries];
        SpectralMeasures[] cov = new SpectralMeasures[entries];
        SpectralMeasures[][] win = new SpectralMeasures[entries][];
        long n = ids.length;
        for (int e = 0; e < entries; e++) {
            whole[e] = SpectralMeasures.of(sv.fromGram(gram[e]), relTol);
            cov[e] = SpectralMeasures.of(covarianceEigenvalues(sv, gram[e], colSum[e], n), relTol);
            win[e] = windowed.get(e).toArray(new SpectralMeasures[0]);
        }
        List<String> names = new ArrayList<>();
        for (int e = 0; e < entries; e++) {
            names.add(e <= layers ? HiddenRanks.hiddenName(e, layers) : "mixer " + (e - layers - 1));
        }
        return new HiddenRanks(names, whole, cov, window, starts.stream().mapToLong(Long::longValue).toArray(), win);
    }

    /** Eigenvalues of the sample covariance (G - n mu mu^T) / (n - 1), largest first, negatives clamped to 0. */
    static double[] covarianceEigenvalues(SingularValues sv, DMatrixRMaj gram, double[] colSum, long n) {
        int h = colSum.length;
        DMatrixRMaj c = new DMatrixRMaj(h, h);
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < h; j++) {
                c.set(i, j, (gram.get(i, j) - colSum[i] * colSum[j] / n) / Math.max(1, n - 1));
            }
        }
        double[] s = sv.fromGram(c); // sqrt of the eigenvalues
        for (int i = 0; i < s.length; i++) {
            s[i] = s[i] * s[i];
        }
        return s;
    }
}
