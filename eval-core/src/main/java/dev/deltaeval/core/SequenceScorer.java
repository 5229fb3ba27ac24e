package dev.deltaeval.core;

import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ModelException;
import java.util.Arrays;

/**
 * Next-token log-probabilities of one long sequence in segments, carrying the recurrent state from segment to
 * segment: memory is O(segment), the result equals a single pass over the whole sequence.
 */
public final class SequenceScorer {
    private SequenceScorer() {
    }

    /**
     * @param logProbs log p(ids[t+1] | ids[0..t]) for t = 0..n-2
     * @param argmax   the most likely token after ids[0..t]
     */
    public record Scores(float[] logProbs, long[] argmax) {
        public double totalNll() {
            double s = 0;
            for (float lp : logProbs) {
                s -= lp;
            }
            return s;
        }
    }

    public static Scores score(LanguageModel model, long[] ids, int segment) {
        return score(model, ids, segment, done -> { });
    }

    /** As above, telling {@code progress} how many positions are scored after each segment. */
    public static Scores score(LanguageModel model, long[] ids, int segment, java.util.function.IntConsumer progress) {
        if (ids.length < 2) {
            throw new ModelException("need at least 2 tokens to score, got " + ids.length);
        }
        if (segment < 1) {
            throw new ModelException("segment length must be positive, got " + segment);
        }
        int n = ids.length - 1;
        float[] lp = new float[n];
        long[] best = new long[n];
        RecurrentState state = null;
        try {
            for (int from = 0; from < n; from += segment) {
                int to = Math.min(n, from + segment);
                TokenBatch in = TokenBatch.single(Arrays.copyOfRange(ids, from, to));
                TokenBatch tgt = TokenBatch.single(Arrays.copyOfRange(ids, from + 1, to + 1));
                ForwardRequest req = ForwardRequest.score(tgt);
                ForwardOutput out = model.forward(in, state, to < n ? req.withState() : req);
                if (state != null) {
                    state.close();
                }
                state = out.state();
                System.arraycopy(out.targetLogProbs(), 0, lp, from, to - from);
                System.arraycopy(out.argmax(), 0, best, from, to - from);
                progress.accept(to);
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        return new Scores(lp, best);
    }
}
