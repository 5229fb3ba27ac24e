package dev.deltaeval.core;

import dev.deltaeval.core.layers.HouseholderMixer.Mode;
import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * Greedy decoding with an explicit recurrent state: the prompt (all but its last token) runs once in chunked mode,
 * then every step feeds one token to the recurrent kernel. Each sequence has its own state, so unlike lm-eval's
 * padded SSM wrappers no padding ever enters a state.
 */
public final class GreedyDecoder {
    private final DeltaModel model;

    public GreedyDecoder(DeltaModel model) {
        this.model = model;
    }

    /**
     * @param prompt  token ids (at least one)
     * @param maxNew  tokens to generate at most
     * @param stop    stops after a token for which this is true (the token is kept), e.g. EOS
     * @return the generated tokens (without the prompt)
     */
    public long[] generate(long[] prompt, int maxNew, LongPredicate stop) {
        return generate(prompt, maxNew, stop, null);
    }

    /**
     * @param stopAfter also stops once this is true of the tokens generated so far (e.g. their text contains a stop
     *                  string); null for none
     */
    public long[] generate(long[] prompt, int maxNew, LongPredicate stop,
                           java.util.function.Predicate<long[]> stopAfter) {
        if (prompt.length == 0) {
            throw new ModelException("generation needs a non-empty prompt");
        }
        long[] out = new long[maxNew];
        int produced = 0;
        ModelState state = null;
        try {
            if (prompt.length > 1) {
                ForwardOutput pre = model.forward(TokenBatch.single(Arrays.copyOf(prompt, prompt.length - 1)), null,
                        new ForwardRequest(Mode.CHUNKED, false, null, false, true));
                state = pre.state();
            }
            long next = prompt[prompt.length - 1];
            while (produced < maxNew) {
                ForwardOutput step = model.forward(TokenBatch.single(new long[] {next}), state,
                        new ForwardRequest(Mode.RECURRENT, true, null, false, true));
                if (state != null) {
                    state.close();
                }
                state = step.state();
                next = step.argmax()[0];
                out[produced++] = next;
                if (stop != null && stop.test(next)) {
                    break;
                }
                if (stopAfter != null && stopAfter.test(Arrays.copyOf(out, produced))) {
                    break;
                }
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        return Arrays.copyOf(out, produced);
    }
}
