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
 * @param lastLogProbs  return the log-softmax [B, V] at each row's last real token (the next-token distribution)
 */
public record ForwardRequest(Mode mode, boolean logits, TokenBatch targets, boolean hidden, boolean keepState,
                             boolean lastLogProbs) {

    public ForwardRequest(Mode mode, boolean logits, TokenBatch targets, boolean hidden, boolean keepState) {
        this(mode, logits, targets, hidden, keepState, false);
    }

    public static ForwardRequest logits(Mode mode) {
        return new ForwardRequest(mode, true, null, false, false);
    }

    public static ForwardRequest score(TokenBatch targets) {
        return new ForwardRequest(Mode.CHUNKED, false, targets, false, false);
    }

    /** Only the state after the last token (and what else is added with the with* methods). */
    public static ForwardRequest stateOnly() {
        return new ForwardRequest(Mode.CHUNKED, false, null, false, true, false);
    }

    public ForwardRequest withState() {
        return new ForwardRequest(mode, logits, targets, hidden, true, lastLogProbs);
    }

    public ForwardRequest withHidden() {
        return new ForwardRequest(mode, logits, targets, true, keepState, lastLogProbs);
    }

    public ForwardRequest withLogits() {
        return new ForwardRequest(mode, true, targets, hidden, keepState, lastLogProbs);
    }

    public ForwardRequest withLastLogProbs() {
        return new ForwardRequest(mode, logits, targets, hidden, keepState, true);
    }

}
