package dev.deltaeval.extrapolation;

import dev.deltaeval.core.SequenceScorer;
import dev.deltaeval.model.LanguageModel;
import java.util.List;

/**
 * Scores sequences for length extrapolation. Each sequence runs in segments of {@code segment} tokens with the
 * recurrent state carried across (SequenceScorer), so memory is O(segment) for activations and O(T) for the
 * per-token results, never [T x vocab]; the curves equal a single full pass.
 */
public final class LengthExtrapolation {
    private LengthExtrapolation() {
    }

    /** Told after each finished sequence, with the accumulator (to save for resuming) and the tokens it scored. */
    @FunctionalInterface
    public interface Listener {
        void onSequence(int done, PositionCurves soFar, long tokensScored);
    }

    /**
     * @param from the accumulator to continue (its {@code sequences()} first sequences are skipped as done)
     */
    public static PositionCurves run(LanguageModel model, List<long[]> sequences, int segment, PositionCurves from,
                                     Listener listener) {
        for (int i = from.sequences(); i < sequences.size(); i++) {
            long[] ids = sequences.get(i);
            SequenceScorer.Scores s = SequenceScorer.score(model, ids, segment);
            int n = ids.length - 1;
            double[] loss = new double[n];
            boolean[] correct = new boolean[n];
            for (int t = 0; t < n; t++) {
                loss[t] = -s.logProbs()[t];
                correct[t] = s.argmax()[t] == ids[t + 1];
            }
            from.add(loss, correct);
            if (listener != null) {
                listener.onSequence(i + 1, from, n);
            }
        }
        return from;
    }
}
