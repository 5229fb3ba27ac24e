package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The recurrence on the host, sub-step by sub-step, for analyses that need every intermediate state (effective
 * rank): the inputs are copied off the device once per layer (five transfers), the rank-one updates run in plain
 * loops with fp64 accumulation, and only the read-outs and the final state go back. Per sub-step this costs a few
 * dk x dv multiply-adds and no engine call, where the device recurrence pays a dozen NDArray calls per sub-step.
 */
public final class HostDeltaRule {
    private HostDeltaRule() {
    }

    public static RecurrenceResult run(RecurrenceInputs in, NDArray initialState, StateObserver observer) {
        NDManager m = in.q().getManager();
        int b = (int) in.batch();
        int h = (int) in.heads();
        int t = (int) in.tokens();
        int n = in.n();
        int dk = (int) in.dk();
        int dv = (int) in.dv();
        float[] q = in.q().toType(DataType.FLOAT32, false).toFloatArray();       // [B,H,T,dk]
        float[] k = in.k().toType(DataType.FLOAT32, false).toFloatArray();       // [B,H,T*n,dk]
        float[] v = in.v().toType(DataType.FLOAT32, false).toFloatArray();       // [B,H,T*n,dv]
        float[] beta = in.beta().toType(DataType.FLOAT32, false).toFloatArray(); // [B,H,T*n]
        float[] g = in.g() == null ? null : in.g().toType(DataType.FLOAT32, false).toFloatArray(); // [B,H,T]
        int per = dk * dv;
        float[] s = initialState == null ? new float[b * h * per]
                : initialState.toType(DataType.FLOAT32, false).toFloatArray();  // [B,H,dk,dv]
        float[] o = new float[b * h * t * dv];
        double[] u = new double[dv];
        for (int tok = 0; tok < t; tok++) {
            for (int bh = 0; bh < b * h; bh++) {
                if (g != null) {
                    float decay = (float) Math.exp(g[bh * t + tok]);
                    for (int i = bh * per; i < (bh + 1) * per; i++) {
                        s[i] *= decay;
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                int row = tok * n + j;
                for (int bh = 0; bh < b * h; bh++) {
                    int sk = bh * per;
                    int kk = (bh * t * n + row) * dk;
                    int vv = (bh * t * n + row) * dv;
                    double bt = beta[bh * t * n + row];
                    for (int e = 0; e < dv; e++) {
                        double stk = 0; // (S^T k)_e
                        for (int a = 0; a < dk; a++) {
                            stk += (double) s[sk + a * dv + e] * k[kk + a];
                        }
                        u[e] = bt * (v[vv + e] - stk);
                    }
                    for (int a = 0; a < dk; a++) {
                        double ka = k[kk + a];
                        int rowAt = sk + a * dv;
                        for (int e = 0; e < dv; e++) {
                            s[rowAt + e] = (float) (s[rowAt + e] + ka * u[e]);
                        }
                    }
                }
                if (observer != null) {
                    observer.onState(tok, j, s);
                }
            }
            for (int bh = 0; bh < b * h; bh++) {
                int sk = bh * per;
                int qq = (bh * t + tok) * dk;
                int oo = (bh * t + tok) * dv;
                for (int e = 0; e < dv; e++) {
                    double acc = 0;
                    for (int a = 0; a < dk; a++) {
                        acc += (double) s[sk + a * dv + e] * q[qq + a];
                    }
                    o[oo + e] = (float) acc;
                }
            }
        }
        NDArray out = m.create(o, new Shape(b, h, t, dv));
        NDArray state = m.create(s, new Shape(b, h, dk, dv));
        return new RecurrenceResult(out, state);
    }
}
