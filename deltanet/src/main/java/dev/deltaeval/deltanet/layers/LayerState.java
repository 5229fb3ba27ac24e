package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;

/**
 * The recurrent state of one layer.
 *
 * @param s         [B, H, dk, dv] fp32 recurrent state (fla's [K, V] orientation)
 * @param convCache [B, W-1, C] last inputs of the fused q|k|v short convolution, or null without short conv
 */
public record LayerState(NDArray s, NDArray convCache) {
    /** Lends the arrays to {@code scope} until it closes (results of operations on them then land there too). */
    public void tempAttach(ai.djl.ndarray.NDManager scope) {
        s.tempAttach(scope);
        if (convCache != null) {
            convCache.tempAttach(scope);
        }
    }
}
