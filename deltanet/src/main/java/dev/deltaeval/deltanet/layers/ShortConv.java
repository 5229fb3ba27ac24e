package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import dev.deltaeval.deltanet.ops.ShortConvOp;
import java.util.Optional;

/**
 * fla's ShortConvolution without its activation: a causal depthwise convolution of width W where w[c, 0, W-1]
 * multiplies the current token. The cache holds the last W-1 inputs, so a sequence can continue where a prefix
 * stopped (zeros at the start of a sequence).
 *
 * <p>On a GPU it is computed as W shifted multiply-adds on the [B, T, C] layout the projection produces, not as a
 * convolution: cuDNN wants [B, C, T], and its depthwise path plus the two transposes cost 2.6 ms a layer at 8 x 4096
 * tokens on an H200 (issue 13's profile), several times the W elementwise passes that are all this needs. On the
 * CPU the convolution stays (oneDNN's is fast there, and the CPU's numbers stay as they were).
 */
public final class ShortConv {
    private final NDArray weight; // [C, 1, W]
    private final NDArray fusedWeight; // [C, W] fp32, as fused kernels take it (converted once, not every call)
    private final NDArray fusedBias;   // [C] fp32 or null
    private final NDArray[] taps; // W arrays [C]: taps[j] multiplies the input W-1-j steps back
    private final NDArray bias;   // [C] or null
    private final int width;
    private final long channels;

    /** @param weight [C, 1, W] as fla stores it */
    public ShortConv(NDArray weight, NDArray bias) {
        this.width = (int) weight.getShape().get(2);
        this.channels = weight.getShape().get(0);
        this.taps = new NDArray[width];
        for (int j = 0; j < width; j++) {
            taps[j] = weight.get(new NDIndex(":, 0, {}", j)).duplicate();
        }
        this.weight = weight;
        this.bias = bias;
        this.fusedWeight = weight.reshape(channels, width).toType(DataType.FLOAT32, false);
        this.fusedBias = bias == null ? null : bias.toType(DataType.FLOAT32, false);
    }

    public int cacheLength() {
        return width - 1;
    }

    /**
     * Result of a convolution: the output, the cache to continue from, and whether SiLU was already applied to the
     * output (by a fused kernel).
     */
    public record Output(NDArray y, NDArray cache, boolean activated) {
    }

    /**
     * As {@link #apply(NDArray, NDArray, NDArray)}, on {@code fused} where it takes the arrays, with the SiLU that
     * follows folded in when {@code silu} (then {@link Output#activated()}).
     */
    public Output apply(NDArray x, NDArray cache, NDArray cacheIndex, Optional<ShortConvOp> fused, boolean silu) {
        if (fused.isPresent()) {
            NDArray history = cache == null ? null : cache.toType(x.getDataType(), false);
            Optional<NDArray> y = fused.get().apply(x, history, fusedWeight, fusedBias, silu);
            if (y.isPresent()) {
                return new Output(y.get(), nextCache(x, history, cacheIndex), silu);
            }
        }
        return apply(x, cache, cacheIndex);
    }

    /** The last W-1 inputs of each row (at its real length when right-padded): without concatenating all of x. */
    private NDArray nextCache(NDArray x, NDArray history, NDArray cacheIndex) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        if (cacheIndex == null && t >= width - 1) {
            return x.get(new NDIndex(":, {}:, :", t - (width - 1))).duplicate();
        }
        NDArray h = history != null ? history : x.getManager().zeros(new Shape(b, width - 1, channels), x.getDataType());
        NDArray full = NDArrays.concat(new NDList(h, x), 1);
        return cacheIndex == null ? full.get(new NDIndex(":, {}:, :", t)).duplicate()
                : full.gather(cacheIndex.repeat(2, channels), 1);
    }

    /**
     * @param x     [B, T, C] pre-convolution inputs
     * @param cache [B, W-1, C] previous inputs, or null at the start of a sequence
     * @param cacheIndex [B, W-1, 1] per-row positions of the next cache in the padded input, or null for full rows
     */
    public Output apply(NDArray x, NDArray cache, NDArray cacheIndex) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray history = cache != null ? cache.toType(x.getDataType(), false)
                : x.getManager().zeros(new Shape(b, width - 1, channels), x.getDataType());
        NDArray full = NDArrays.concat(new NDList(history, x), 1);                      // [B, T+W-1, C]
        NDArray y = x.getDevice().isGpu() ? shiftedSums(full, t) : Conv1d.conv1d(full.transpose(0, 2, 1), weight, bias,
                new Shape(1), new Shape(0), new Shape(1), (int) channels).singletonOrThrow().transpose(0, 2, 1);
        // a copy, so the cache does not keep the whole [B, T+W-1, C] input alive
        NDArray next = cacheIndex == null ? full.get(new NDIndex(":, {}:, :", t)).duplicate()
                : full.gather(cacheIndex.repeat(2, channels), 1);
        return new Output(y, next, false);
    }

    /** sum_j taps[j] * full[:, j : j+T, :] (+ bias): the convolution as W elementwise passes, no layout change. */
    NDArray shiftedSums(NDArray full, long t) {
        NDArray y = full.get(new NDIndex(":, {}:{}, :", width - 1, width - 1 + t)).mul(taps[width - 1]);
        for (int j = 0; j < width - 1; j++) {
            y = y.add(full.get(new NDIndex(":, {}:{}, :", j, j + t)).mul(taps[j]));
        }
        return bias == null ? y : y.add(bias);
    }
}
