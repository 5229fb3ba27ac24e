package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The recurrence one token and one Householder step at a time (model.md §2.3): decay first, then n rank-one
 * updates S += k (beta (v - S^T k))^T, then the read-out o = S^T q. Calls grow with T; this is the mode for
 * decoding and the independent check of {@link ChunkedDeltaRule}.
 */
public final class RecurrentDeltaRule {
    private RecurrentDeltaRule() {
    }

    public static RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
        NDManager m = in.q().getManager();
        long b = in.batch();
        long h = in.heads();
        int n = in.n();
        NDArray state = initialState != null ? initialState
                : m.zeros(new Shape(b, h, in.dk(), in.dv()), in.q().getDataType());
        NDList outs = new NDList();
        for (long t = 0; t < in.tokens(); t++) {
            NDArray previous = state;
            try (NDManager step = m.newSubManager()) {
                NDArray s = state;
                if (in.g() != null) {
                    s = s.mul(in.g().get(step, new NDIndex(":, :, {}", t)).exp().reshape(b, h, 1, 1));
                }
                for (int j = 0; j < n; j++) {
                    long r = t * n + j;
                    NDArray k = in.k().get(step, new NDIndex(":, :, {}", r)).expandDims(-1);       // [B,H,dk,1]
                    NDArray v = in.v().get(step, new NDIndex(":, :, {}:{}", r, r + 1));           // [B,H,1,dv]
                    NDArray beta = in.beta().get(step, new NDIndex(":, :, {}", r)).reshape(b, h, 1, 1);
                    NDArray u = v.sub(k.swapAxes(-1, -2).matMul(s)).mul(beta);                    // [B,H,1,dv]
                    s = s.add(k.matMul(u));
                }
                NDArray q = in.q().get(step, new NDIndex(":, :, {}:{}", t, t + 1));              // [B,H,1,dk]
                NDArray o = q.matMul(s);                                                            // [B,H,1,dv]
                o.attach(m);
                s.attach(m);
                outs.add(o);
                state = s;
            }
            if (previous != initialState && previous != state) {
                previous.close();
            }
        }
        NDArray o = outs.size() == 1 ? outs.get(0) : NDArrays.concat(outs, 2);
        return new RecurrenceResult(o, state);
    }
}
