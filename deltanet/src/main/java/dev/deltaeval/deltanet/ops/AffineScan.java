package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Prefix composition of affine maps S -> M S + B along the chunk axis, the cross-chunk part of the chunked delta
 * rule: S_{c+1} = M_c S_c + B_c. A work-efficient pairwise scan: each level composes neighbouring pairs, recurses on
 * half as many, then fills in the even positions. The NDArray calls grow with log2(#chunks), not with #chunks, and
 * the work stays linear in #chunks. Only the offsets B of the prefixes are needed (the initial state is folded into
 * the first map), which saves the matrix products of the fill-in step.
 */
public final class AffineScan {
    private AffineScan() {
    }

    /** States at chunk starts and after the last chunk. */
    public record ChunkStates(NDArray starts, NDArray last) {
    }

    /**
     * @param m  [B, H, N, dk, dk]
     * @param bm [B, H, N, dk, dv]
     * @param s0 [B, H, dk, dv] or null for a zero initial state
     * @return starts [B, H, N, dk, dv] (state entering each chunk) and the state after chunk N-1
     */
    public static ChunkStates chunkStarts(NDArray m, NDArray bm, NDArray s0) {
        NDManager mgr = m.getManager();
        Shape ms = m.getShape();
        Shape bs = bm.getShape();
        long nChunks = ms.get(2);
        if (s0 != null) {
            NDArray first = m.get(new NDIndex(":, :, 0:1")).matMul(s0.expandDims(2)).add(bm.get(new NDIndex(":, :, 0:1")));
            bm = nChunks == 1 ? first : NDArrays.concat(new NDList(first, bm.get(new NDIndex(":, :, 1:"))), 2);
        }
        long padded = Long.highestOneBit(nChunks) == nChunks ? nChunks : Long.highestOneBit(nChunks) << 1;
        if (padded != nChunks) {
            long extra = padded - nChunks;
            NDArray eye = mgr.eye((int) ms.get(3)).toType(m.getDataType(), false)
                    .broadcast(new Shape(ms.get(0), ms.get(1), extra, ms.get(3), ms.get(4)));
            m = NDArrays.concat(new NDList(m, eye), 2);
            bm = NDArrays.concat(new NDList(bm, mgr.zeros(new Shape(bs.get(0), bs.get(1), extra, bs.get(3), bs.get(4)),
                    bm.getDataType())), 2);
        }
        NDArray prefix = prefixOffsets(m, bm);
        NDArray last = prefix.get(new NDIndex(":, :, {}", nChunks - 1)).duplicate(); // own storage
        NDArray init = s0 != null ? s0.expandDims(2)
                : mgr.zeros(new Shape(bs.get(0), bs.get(1), 1, bs.get(3), bs.get(4)), bm.getDataType());
        NDArray starts = nChunks == 1 ? init
                : NDArrays.concat(new NDList(init, prefix.get(new NDIndex(":, :, 0:{}", nChunks - 1))), 2);
        return new ChunkStates(starts, last);
    }

    /** Inclusive prefix offsets: result[c] = B of (map_c o ... o map_0), i.e. S_{c+1} for S_0 = 0. N a power of 2. */
    static NDArray prefixOffsets(NDArray m, NDArray b) {
        Shape ms = m.getShape();
        Shape bs = b.getShape();
        long n = ms.get(2);
        if (n == 1) {
            return b;
        }
        NDArray mp = m.reshape(ms.get(0), ms.get(1), n / 2, 2, ms.get(3), ms.get(4));
        NDArray bp = b.reshape(bs.get(0), bs.get(1), n / 2, 2, bs.get(3), bs.get(4));
        NDArray mEven = mp.get(new NDIndex("..., 0, :, :"));
        NDArray mOdd = mp.get(new NDIndex("..., 1, :, :"));
        NDArray bEven = bp.get(new NDIndex("..., 0, :, :"));
        NDArray bOdd = bp.get(new NDIndex("..., 1, :, :"));
        // (odd o even): S -> Mo (Me S + Be) + Bo
        NDArray pairB = mOdd.matMul(bEven).add(bOdd);
        NDArray pairM = n / 2 > 1 ? mOdd.matMul(mEven) : mOdd;
        NDArray oddPrefix = prefixOffsets(pairM, pairB);
        // even position 2i: map_{2i} applied after the prefix ending at 2i-1 (zero offset for i = 0)
        NDArray shifted = n / 2 == 1 ? b.getManager().zeros(oddPrefix.getShape(), b.getDataType())
                : NDArrays.concat(new NDList(
                        b.getManager().zeros(new Shape(bs.get(0), bs.get(1), 1, bs.get(3), bs.get(4)), b.getDataType()),
                        oddPrefix.get(new NDIndex(":, :, 0:{}", n / 2 - 1))), 2);
        NDArray evenPrefix = mEven.matMul(shifted).add(bEven);
        return NDArrays.stack(new NDList(evenPrefix, oddPrefix), 3).reshape(bs);
    }
}
