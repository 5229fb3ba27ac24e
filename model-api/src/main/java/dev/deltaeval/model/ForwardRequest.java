package dev.deltaeval.model;

/**
 * What a forward pass should return. Everything is off by default; ask only for what you need, since full logits
 * are [B, T, vocab].
 *
 * @param mode          parallel (scoring, prefilling) or step by step (generation)
 * @param logits        return full logits
 * @param targets       per position the token whose log-probability to return (same shape as the input), or null;
 *                      computed block by block without materialising [T x vocab]
 * @param hidden        return hidden states [L+1, B, T, H] (Hugging Face output_hidden_states semantics)
 * @param keepState     return the state after the last token
 * @param lastLogProbs  return the log-softmax [B, V] at each row's last real token (the next-token distribution)
 * @param mixerOutputs  return each layer's token-mixer output [L, B, T, H] (before the residual add)
 */
public record ForwardRequest(ForwardMode mode, boolean logits, TokenBatch targets, boolean hidden, boolean keepState,
                             boolean lastLogProbs, boolean mixerOutputs) {

    public ForwardRequest(ForwardMode mode, boolean logits, TokenBatch targets, boolean hidden, boolean keepState) {
        this(mode, logits, targets, hidden, keepState, false, false);
    }

    public static ForwardRequest logits(ForwardMode mode) {
        return new ForwardRequest(mode, true, null, false, false);
    }

    public static ForwardRequest score(TokenBatch targets) {
        return new ForwardRequest(ForwardMode.PARALLEL, false, targets, false, false);
    }

    /** Only the state after the last token (and what else is added with the with* methods). */
    public static ForwardRequest stateOnly() {
        return new ForwardRequest(ForwardMode.PARALLEL, false, null, false, true);
    }

    public ForwardRequest withState() {
        return new ForwardRequest(mode, logits, targets, hidden, true, lastLogProbs, mixerOutputs);
    }

    public ForwardRequest withHidden() {
        return new ForwardRequest(mode, logits, targets, true, keepState, lastLogProbs, mixerOutputs);
    }

    public ForwardRequest withLogits() {
        return new ForwardRequest(mode, true, targets, hidden, keepState, lastLogProbs, mixerOutputs);
    }

    public ForwardRequest withLastLogProbs() {
        return new ForwardRequest(mode, logits, targets, hidden, keepState, true, mixerOutputs);
    }

    public ForwardRequest withMixerOutputs() {
        return new ForwardRequest(mode, logits, targets, hidden, keepState, lastLogProbs, true);
    }

    public ForwardRequest withMode(ForwardMode m) {
        return new ForwardRequest(m, logits, targets, hidden, keepState, lastLogProbs, mixerOutputs);
    }
}
