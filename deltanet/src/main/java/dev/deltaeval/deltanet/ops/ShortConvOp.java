package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * A fused causal depthwise short convolution (fla's ShortConvolution, optionally with the SiLU that follows it) that
 * a kernel family may bring for a layer's q/k/v channels; the layer's own, in DJL operators, is the reference and
 * the fallback.
 */
public interface ShortConvOp {
    /**
     * y[b, t, c] = act(bias[c] + sum_i weight[c, i] in[b, t - (W - 1) + i, c]), in = history ++ x, so
     * {@code weight[c, W-1]} multiplies the current token.
     *
     * @param x       [B, T, C] (a column slice of the layer's projection is fine)
     * @param history [B, W-1, C] the previous inputs in x's dtype, or null for zeros (the start of a sequence)
     * @param weight  [C, W] fp32
     * @param bias    [C] fp32, or null
     * @param silu    whether SiLU follows
     * @return y [B, T, C] in x's dtype, or empty when it does not take these arrays (the layer's own then runs)
     */
    Optional<NDArray> apply(NDArray x, NDArray history, NDArray weight, NDArray bias, boolean silu);
}
