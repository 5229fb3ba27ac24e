package dev.deltaeval.model;

/**
 * Host-side results of a forward pass (row-major float arrays), plus the state to continue from.
 *
 * @param logits          [B, T, V] or null
 * @param targetLogProbs  [B, T] log p(target[t] | prefix up to t), or null
 * @param argmax          [B, T] most likely next token at each position, or null (with targets or logits)
 * @param hidden          [L+1, B, T, H] or null
 * @param state           state after the last token, or null; the caller closes it
 * @param lastLogProbs    [B, V] next-token log-probabilities after each row's last real token, or null
 * @param mixerOutputs    [L, B, T, H] each layer's token-mixer output, or null
 * @param ndarraysCreated tensors the engine created for this pass (the measure of per-call overhead; 0 if unknown)
 */
public record ForwardOutput(float[] logits, float[] targetLogProbs, long[] argmax, float[] hidden,
                            RecurrentState state, float[] lastLogProbs, float[] mixerOutputs, long ndarraysCreated) {
}
