package dev.deltaeval.cli.toy;

import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelInfo;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.ModelException;

/**
 * The toy family's model: p(next | prev, cur) = softmax over next of {@link #logit}, prev = -1 at the start of a
 * sequence; the state is the last token, so a continued call must see its context's last token.
 */
public final class ToyTrigramModel implements LanguageModel {
    private final ModelInfo info;
    private final ComputeOptions options;
    private final float scale;

    ToyTrigramModel(ModelInfo info, ComputeOptions options, float scale) {
        this.info = info;
        this.options = options;
        this.scale = scale;
    }

    /** The model's definition (tests compute their expectations from it independently of the harness). */
    public static double logit(float scale, long prev, long cur, long next) {
        return scale * Math.sin(prev * 0.23 + cur * 0.37 + next * 0.11);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public ComputeOptions options() {
        return options;
    }

    @Override
    public ForwardOutput forward(TokenBatch input, RecurrentState initial, ForwardRequest req) {
        if (req.hidden() || req.mixerOutputs()) {
            throw new ModelException("the toy trigram model has no hidden states");
        }
        int b = input.batch();
        int t = input.length();
        int v = info.vocabSize();
        long[] prev0 = initial == null ? null : ((State) initial).last;
        if (prev0 != null && prev0.length != input.batch()) {
            throw new ModelException("state has batch " + prev0.length + ", input has " + input.batch());
        }
        float[] logits = req.logits() ? new float[b * t * v] : null;
        float[] picked = req.targets() != null ? new float[b * t] : null;
        long[] argmax = req.targets() != null || req.logits() ? new long[b * t] : null;
        float[] last = req.lastLogProbs() ? new float[b * v] : null;
        long[] lastTokens = new long[b];
        double[] row = new double[v];
        for (int i = 0; i < b; i++) {
            int real = input.rowLength(i);
            for (int p = 0; p < t; p++) {
                long cur = input.ids()[i * t + p];
                if (p >= real) {
                    continue;
                }
                long prev = p > 0 ? input.ids()[i * t + p - 1] : prev0 == null ? -1 : prev0[i];
                logSoftmax(prev, cur, row);
                int best = 0;
                for (int k = 0; k < v; k++) {
                    best = row[k] > row[best] ? k : best;
                    if (logits != null) {
                        logits[(i * t + p) * v + k] = (float) logit(scale, prev, cur, k);
                    }
                }
                if (argmax != null) {
                    argmax[i * t + p] = best;
                }
                if (picked != null) {
                    picked[i * t + p] = (float) row[(int) req.targets().ids()[i * t + p]];
                }
                if (p == real - 1 && last != null) {
                    for (int k = 0; k < v; k++) {
                        last[i * v + k] = (float) row[k];
                    }
                }
            }
            lastTokens[i] = input.ids()[i * t + real - 1];
        }
        long seen = (initial == null ? 0 : initial.tokensSeen()) + t;
        return new ForwardOutput(logits, picked, argmax, null, req.keepState() ? new State(lastTokens, seen) : null,
                last, null, 0);
    }

    private void logSoftmax(long prev, long cur, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < out.length; k++) {
            out[k] = logit(scale, prev, cur, k);
            max = Math.max(max, out[k]);
        }
        double sum = 0;
        for (double x : out) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        for (int k = 0; k < out.length; k++) {
            out[k] -= lse;
        }
    }

    @Override
    public RecurrentState emptyState(int batch) {
        throw new ModelException("the toy trigram model needs a first token");
    }

    @Override
    public void close() {
        // nothing held
    }

    /** The last token of each row: all this model carries. */
    private record State(long[] last, long tokensSeen) implements RecurrentState {
        @Override
        public long batch() {
            return last.length;
        }

        @Override
        public RecurrentState fork() {
            return new State(last.clone(), tokensSeen);
        }

        @Override
        public RecurrentState select(long[] rows) {
            long[] out = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = last[(int) rows[i]];
            }
            return new State(out, tokensSeen);
        }

        @Override
        public void close() {
            // plain Java arrays
        }
    }
}
