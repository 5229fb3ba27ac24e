package dev.deltaeval.core;

import dev.deltaeval.core.layers.HouseholderMixer.Mode;

/**
 * What a forward pass should return. Everything is off by default; ask only for what you need, since full logits
 * are [B, T, vocab].
 *
 * @param mode          chunked (parallel, for scoring) or recurrent (token by token)
 * @param logits        return full logits
 * @param targets       per position the token whose log-probability to return (same shape as the input), or null;
 *                      computed chunk by chunk without materialising [T x vocab]
 * @param hidden        return hidden states [L+1, B, T, H] (Hugging Face output_hidden_states semantics)
 * @param keepState     return the state after the last token
 */
public record ForwardRequest(Mode mode, boolean logits, TokenBatch targets, boolean hidden, boolean keepState) {

    public static ForwardRequest logits(Mode mode) {
        return new ForwardRequest(mode, true, null, false, false);
    }

    public static ForwardRequest score(TokenBatch targets) {
        return new ForwardRequest(Mode.CHUNKED, false, targets, false, false);
    }

    public ForwardRequest withState() {
        return new ForwardRequest(mode, logits, targets, hidden, true);
    }

    public ForwardRequest withHidden() {
        return new ForwardRequest(mode, logits, targets, true, keepState);
    }

    public ForwardRequest withLogits() {
        return new ForwardRequest(mode, true, targets, hidden, keepState);
    }

    public ForwardRequest withMode(Mode m) {
        return new ForwardRequest(m, logits, targets, hidden, keepState);
    }
}
