package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * Fused forms of the memory-bound stages around the recurrence (the pre-norms with their residual add, SwiGLU, the
 * read-out's per-head norm and gate) that a kernel family may bring for the layers it runs. Each computes in fp32 and
 * rounds once to the output dtype; each may decline (empty), and the layer's own DJL form ({@code layers.Ops},
 * {@code HouseholderMixer}, {@code SwiGluMlp}), the reference, then runs.
 */
public interface DenseOps {
    /**
     * fla's RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight, in x's dtype.
     *
     * @param weight [D] fp32
     */
    Optional<NDArray> rmsNorm(NDArray x, NDArray weight, float eps);

    /**
     * The residual add before a pre-norm: {sum, norm} with sum = x + residual in x's dtype (rounded, as the residual
     * stream is kept) and norm = rmsNorm(sum).
     */
    Optional<NDArray[]> addRmsNorm(NDArray x, NDArray residual, NDArray weight, float eps);

    /** silu(gateUp[..., :I]) * gateUp[..., I:] for gateUp [..., 2I], in its dtype. */
    Optional<NDArray> swiGlu(NDArray gateUp);

    /**
     * The read-out's per-head norm: o [B, H, T, dv] fp32 to [B, T, H dv] in {@code gate}'s dtype (or fp32 when
     * {@code half} is false and there is no gate), each (b, t, h) row o / sqrt(mean(o^2) + eps) * weight, times
     * silu(gate) when a gate is given.
     *
     * @param weight [dv] fp32
     * @param gate   [B, T, H dv] in the model's dtype (a column slice is fine), or null
     * @param half   whether the output is fp16 (else fp32)
     */
    Optional<NDArray> headNorm(NDArray o, NDArray weight, NDArray gate, float eps, boolean half);

    /**
     * Scoring: for logits [..., V] (fp16 or fp32) and targets [...] int64 (one id per row, any shape of that many
     * elements), {log-probabilities of the targets [...] fp32, each row's first argmax [...] int64}, the
     * log-probability being logits[target] - (m + log(sum exp(logits - m))), m the row's maximum; NaN for a row
     * holding a NaN.
     */
    Optional<NDArray[]> targetLogProbs(NDArray logits, NDArray targets);
}
