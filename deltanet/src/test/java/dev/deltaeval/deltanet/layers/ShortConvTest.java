package dev.deltaeval.deltanet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.deltaeval.deltanet.ops.ShortConvOp;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both forms of the short convolution (GPU: shifted sums; CPU: Conv1d) against a plain causal loop. */
class ShortConvTest {
    @Test
    void shiftedSumsAndConvolutionEqualThePlainLoop() {
        int b = 2;
        int t = 9;
        int c = 5;
        int w = 4;
        Random r = new Random(11);
        float[] x = new float[b * t * c];
        float[] hist = new float[b * (w - 1) * c];
        float[] wt = new float[c * w];
        float[] bias = new float[c];
        for (float[] a : new float[][] {x, hist, wt, bias}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
            }
        }
        // plain loop over the history followed by the inputs; weight[ch, 0, W-1] multiplies the current token
        float[] want = new float[b * t * c];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = bias[ch];
                    for (int j = 0; j < w; j++) {
                        int pos = ti + j; // position in history ++ x
                        float in = pos < w - 1 ? hist[(bi * (w - 1) + pos) * c + ch]
                                : x[(bi * t + pos - (w - 1)) * c + ch];
                        s += wt[ch * w + j] * in;
                    }
                    want[(bi * t + ti) * c + ch] = (float) s;
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ShortConv conv = new ShortConv(m.create(wt, new Shape(c, 1, w)), m.create(bias));
            NDArray xs = m.create(x, new Shape(b, t, c));
            NDArray cache = m.create(hist, new Shape(b, w - 1, c));
            float[] viaConv = conv.apply(xs, cache, null).y().toFloatArray();
            float[] viaSums = conv.shiftedSums(NDArrays.concat(new NDList(cache, xs), 1), t).toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], viaConv[i], 1e-5, "conv1d at " + i);
                assertEquals(want[i], viaSums[i], 1e-5, "shifted sums at " + i);
            }
            // the next cache is the last W-1 inputs
            float[] next = conv.apply(xs, cache, null).cache().toFloatArray();
            assertEquals(x[(t - (w - 1)) * c], next[0]);
        }
    }

    /**
     * A fused kernel's contract, checked with a fake in plain Java loops (as a native kernel computes it): it gets
     * the taps as [C, W] with the last on the current token, its output (SiLU folded in) is the layer's own, and
     * the cache to continue from is the one the layer's own path leaves, for full rows, short rows with and without
     * a history, and right-padded rows. A kernel that declines leaves everything to the layer's own path.
     */
    @Test
    void aFusedKernelGetsTheLayersTapsAndLeavesTheSameCache() {
        int c = 3;
        int w = 4;
        Random r = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            ShortConv conv = new ShortConv(m.randomNormal(new Shape(c, 1, w)), m.randomNormal(new Shape(c)));
            ShortConvOp plain = (x, history, weight, bias, silu) -> Optional.of(plainLoop(x, history, weight, bias,
                    silu));
            for (int t : new int[] {7, 2}) {
                for (boolean withHistory : new boolean[] {true, false}) {
                    for (boolean padded : new boolean[] {false, true}) {
                        NDArray xs = m.randomNormal(new Shape(2, t, c));
                        NDArray cache = withHistory ? m.randomNormal(new Shape(2, w - 1, c)) : null;
                        NDArray index = padded ? PaddingMask.of(m, new int[] {t, t - 1}, t, 1, w - 1).cacheIndex()
                                : null;
                        String at = "t " + t + (withHistory ? ", history" : "") + (padded ? ", padded" : "");
                        ShortConv.Output own = conv.apply(xs, cache, index);
                        ShortConv.Output fused = conv.apply(xs, cache, index, Optional.of(plain), true);
                        assertTrue(fused.activated(), at);
                        assertArrayEquals(silu(own.y().toFloatArray()), fused.y().toFloatArray(), 1e-5f, at);
                        assertArrayEquals(own.cache().toFloatArray(), fused.cache().toFloatArray(), at);
                        assertEquals(own.cache().getShape(), fused.cache().getShape(), at);
                    }
                }
            }
            NDArray xs = m.randomNormal(new Shape(1, 5, c));
            ShortConv.Output declined = conv.apply(xs, null, null, Optional.of((x, h, wt, b, s) -> Optional.empty()),
                    true);
            assertFalse(declined.activated(), "a declining kernel leaves the SiLU to the layer");
            assertArrayEquals(conv.apply(xs, null, null).y().toFloatArray(), declined.y().toFloatArray());
        }
    }

    private static float[] silu(float[] y) {
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) (y[i] / (1 + Math.exp(-y[i])));
        }
        return out;
    }

    private static NDArray plainLoop(NDArray x, NDArray history, NDArray weight, NDArray bias, boolean silu) {
        long[] d = x.getShape().getShape();
        int b = (int) d[0];
        int t = (int) d[1];
        int c = (int) d[2];
        int w = (int) weight.getShape().get(1);
        float[] xs = x.toFloatArray();
        float[] hs = history == null ? null : history.toFloatArray();
        float[] ws = weight.toFloatArray();
        float[] bs = bias.toFloatArray();
        float[] y = new float[b * t * c];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = bs[ch];
                    for (int i = 0; i < w; i++) {
                        int tau = ti - (w - 1) + i;
                        float in = tau >= 0 ? xs[(bi * t + tau) * c + ch]
                                : hs == null ? 0f : hs[(bi * (w - 1) + (w - 1) + tau) * c + ch];
                        s += ws[ch * w + i] * in;
                    }
                    y[(bi * t + ti) * c + ch] = (float) s;
                }
            }
        }
        return x.getManager().create(silu ? silu(y) : y, x.getShape());
    }
}
