package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The naive reference of {@link ChunkStatePass}: one chunk after another, exactly as a native kernel walks them
 * (V_new = U - W S; S = exp(g_last) S + K~^T V_new), in DJL operators. O(#chunks) calls, so only for tests and
 * for checking fast passes; the built-in scan and the native kernel must agree with it.
 */
public final class LoopStatePass implements ChunkStatePass {
    @Override
    public ChunkStates run(NDArray k, NDArray w, NDArray u, NDArray gSub, NDArray s0) {
        long[] ks = k.getShape().getShape();
        long chunks = ks[2];
        NDArray s = s0 != null ? s0 : k.getManager().zeros(new ai.djl.ndarray.types.Shape(ks[0], ks[1], ks[4],
                u.getShape().get(4)), k.getDataType());
        List<NDArray> starts = new ArrayList<>();
        List<NDArray> vNews = new ArrayList<>();
        for (long c = 0; c < chunks; c++) {
            NDIndex at = new NDIndex(":, :, {}", c);
            starts.add(s);
            NDArray vNew = u.get(at).sub(w.get(at).matMul(s));
            vNews.add(vNew);
            NDArray keysT = k.get(at).swapAxes(-1, -2);                                     // [B,H,dk,C]
            if (gSub == null) {
                s = s.add(keysT.matMul(vNew));
            } else {
                NDArray g = gSub.get(at);                                                  // [B,H,C]
                NDArray gLast = g.get(new NDIndex("..., -1"));                             // [B,H]
                NDArray decay = gLast.expandDims(-1).sub(g).exp();                         // [B,H,C]
                s = s.mul(gLast.exp().expandDims(-1).expandDims(-1))
                        .add(keysT.mul(decay.expandDims(-2)).matMul(vNew));
            }
        }
        return new ChunkStates(NDArrays.stack(new NDList(starts), 2), NDArrays.stack(new NDList(vNews), 2), s);
    }
}
