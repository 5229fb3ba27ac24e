package dev.deltaeval.rank;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.config.ModelConfig;

/**
 * The recurrent state of one GatedDeltaProduct layer (fla 0.2.2 layout, no forget gate) from the layer's input,
 * in plain loops written from model.md section 2.3 and nothing else: RMSNorm, per-step projections, causal short
 * convolutions with SiLU, beta = 2 sigmoid (negative eigenvalues allowed), l2-normalised keys, and the delta rule
 * S += k (beta (v - S^T k))^T sub-step by sub-step.
 */
final class PlainDeltaProduct {
    private PlainDeltaProduct() {
    }

    /** @return the final state [heads, dk, dv] of layer {@code layer} for the input x [T, H] */
    static float[] finalState(SafetensorsFile w, ModelConfig c, int layer, float[] x, int t) {
        int hs = c.hiddenSize();
        int heads = c.numHeads();
        int dk = c.headKDim();
        int dv = c.headVDim();
        int n = c.numHouseholder();
        String p = "model.layers." + layer + ".";
        float[] norm = w.readFloat(p + "attn_norm.weight").toFloatArray();
        double[][] xn = new double[t][hs];
        for (int i = 0; i < t; i++) {
            double ms = 0;
            for (int j = 0; j < hs; j++) {
                ms += (double) x[i * hs + j] * x[i * hs + j];
            }
            double r = 1 / Math.sqrt(ms / hs + c.normEps());
            for (int j = 0; j < hs; j++) {
                xn[i][j] = x[i * hs + j] * r * norm[j];
            }
        }
        double[][][] k = new double[n][][];
        double[][][] v = new double[n][][];
        double[][][] beta = new double[n][][];
        for (int j = 0; j < n; j++) {
            k[j] = convSilu(project(xn, w.readFloat(p + "attn.k_projs." + j + ".weight").toFloatArray(), hs),
                    c.useShortConv() ? w.readFloat(p + "attn.k_conv1ds." + j + ".weight").toFloatArray() : null);
            v[j] = convSilu(project(xn, w.readFloat(p + "attn.v_projs." + j + ".weight").toFloatArray(), hs),
                    c.useShortConv() ? w.readFloat(p + "attn.v_conv1ds." + j + ".weight").toFloatArray() : null);
            beta[j] = project(xn, w.readFloat(p + "attn.b_projs." + j + ".weight").toFloatArray(), hs);
            for (double[] row : beta[j]) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = (c.allowNegEigval() ? 2 : 1) / (1 + Math.exp(-row[i]));
                }
            }
        }
        double[][][] s = new double[heads][dk][dv];
        for (int tok = 0; tok < t; tok++) {
            for (int j = 0; j < n; j++) {
                for (int h = 0; h < heads; h++) {
                    double[] kk = new double[dk];
                    double sq = 0;
                    for (int a = 0; a < dk; a++) {
                        kk[a] = k[j][tok][h * dk + a];
                        sq += kk[a] * kk[a];
                    }
                    double inv = 1 / Math.sqrt(sq + 1e-6);
                    for (int a = 0; a < dk; a++) {
                        kk[a] *= inv;
                    }
                    double b = beta[j][tok][h];
                    double[] u = new double[dv];
                    for (int e = 0; e < dv; e++) {
                        double stk = 0;
                        for (int a = 0; a < dk; a++) {
                            stk += s[h][a][e] * kk[a];
                        }
                        u[e] = b * (v[j][tok][h * dv + e] - stk);
                    }
                    for (int a = 0; a < dk; a++) {
                        for (int e = 0; e < dv; e++) {
                            s[h][a][e] += kk[a] * u[e];
                        }
                    }
                }
            }
        }
        float[] out = new float[heads * dk * dv];
        for (int h = 0; h < heads; h++) {
            for (int a = 0; a < dk; a++) {
                for (int e = 0; e < dv; e++) {
                    out[(h * dk + a) * dv + e] = (float) s[h][a][e];
                }
            }
        }
        return out;
    }

    /** x [T, in] times W^T for W [out, in]. */
    private static double[][] project(double[][] x, float[] weight, int in) {
        int out = weight.length / in;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int j = 0; j < in; j++) {
                    acc += x[i][j] * weight[o * in + j];
                }
                y[i][o] = acc;
            }
        }
        return y;
    }

    /** Causal depthwise convolution, weight [D, 1, W] with w[c, 0, W-1] on the current token, then SiLU. */
    private static double[][] convSilu(double[][] x, float[] weight) {
        int d = x[0].length;
        double[][] y = new double[x.length][d];
        int width = weight == null ? 1 : weight.length / d;
        for (int t = 0; t < x.length; t++) {
            for (int ch = 0; ch < d; ch++) {
                double acc;
                if (weight == null) {
                    acc = x[t][ch];
                } else {
                    acc = 0;
                    for (int i = 0; i < width; i++) {
                        int src = t - (width - 1) + i;
                        if (src >= 0) {
                            acc += weight[ch * width + i] * x[src][ch];
                        }
                    }
                }
                y[t][ch] = acc / (1 + Math.exp(-acc));
            }
        }
        return y;
    }
}
