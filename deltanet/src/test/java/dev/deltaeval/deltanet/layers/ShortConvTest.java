package dev.deltaeval.deltanet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
}
