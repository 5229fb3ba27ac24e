package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A layer's recurrence inputs cut into chunks of C = n * Ct sub-steps (Ct tokens), the time axis zero-padded to whole
 * chunks: the layout every chunked kernel works in, DJL's ({@link ChunkedDeltaRule}) and the native ones alike.
 * Padding steps get beta = 0 and g = 0, which leaves the state untouched.
 *
 * @param q      [B, H, N, Ct, dk] queries, one per token
 * @param k      [B, H, N, C, dk] keys, one per sub-step
 * @param v      [B, H, N, C, dv] values
 * @param beta   [B, H, N, C] step sizes
 * @param gTok   [B, H, N, Ct] cumulative log decay within the chunk per token, or null when ungated
 * @param gSub   [B, H, N, C] the same at each of a token's sub-steps, or null when ungated
 * @param tokens the tokens before padding
 * @param ct     tokens per chunk
 * @param n      sub-steps per token
 */
public record ChunkedInputs(NDArray q, NDArray k, NDArray v, NDArray beta, NDArray gTok, NDArray gSub, long tokens,
                            long ct, int n) {

    /** @param chunkSubsteps target chunk length in sub-steps (rounded down to a multiple of n) */
    public static ChunkedInputs of(RecurrenceInputs in, int chunkSubsteps) {
        long b = in.batch();
        long h = in.heads();
        long t = in.tokens();
        int n = in.n();
        long ct = Math.max(1, Math.min(t, chunkSubsteps / n));
        long tp = (t + ct - 1) / ct * ct;
        long chunks = tp / ct;
        long c = ct * n;
        NDArray q = chunkLayout(in.q(), tp - t).reshape(b, h, chunks, ct, in.dk());
        NDArray k = chunkLayout(in.k(), (tp - t) * n).reshape(b, h, chunks, c, in.dk());
        NDArray v = chunkLayout(in.v(), (tp - t) * n).reshape(b, h, chunks, c, in.dv());
        NDArray beta = chunkLayout(in.beta(), (tp - t) * n).reshape(b, h, chunks, c);
        NDArray gTok = null;
        NDArray gSub = null;
        if (in.g() != null) {
            gTok = chunkLayout(in.g(), tp - t).reshape(b, h, chunks, ct).cumSum(3);    // cumulative per token
            gSub = gTok.expandDims(-1).repeat(4, n).reshape(b, h, chunks, c);       // same at every sub-step
        }
        return new ChunkedInputs(q, k, v, beta, gTok, gSub, t, ct, n);
    }

    public long batch() {
        return k.getShape().get(0);
    }

    public long heads() {
        return k.getShape().get(1);
    }

    public long chunks() {
        return k.getShape().get(2);
    }

    /** Sub-steps per chunk. */
    public long c() {
        return ct * n;
    }

    public long dk() {
        return k.getShape().get(4);
    }

    public boolean gated() {
        return gSub != null;
    }

    /** Read-outs in chunks [B, H, N, Ct, dv] as [B, H, T, dv], the padding tokens dropped. */
    public NDArray unchunk(NDArray o) {
        long padded = chunks() * ct;
        NDArray flat = o.reshape(batch(), heads(), padded, o.getShape().get(4));
        return padded == tokens ? flat : flat.get(new NDIndex(":, :, 0:{}", tokens));
    }

    /**
     * {@code x} [B, H, S, ...] (often a transposed view of the projection's [B, S, H, ...] layout) as one contiguous
     * array with {@code extra} zero steps appended on axis 2: exactly one copy. Without it every batched matmul over
     * the strided view would copy its operand again (issue 13's profile: 20% of GPU time in such copies).
     */
    private static NDArray chunkLayout(NDArray x, long extra) {
        long[] dims = x.getShape().getShape().clone(); // getShape() hands out the array's own cached dims
        if (extra == 0 && !x.getDevice().isGpu()) {
            return x; // the CPU's BLAS packs strided operands itself; copying would only change its rounding
        }
        if (extra == 0) {
            // merging H and S is a view only where x is contiguous already; on the transposed view reshape copies
            // into contiguous memory (merging B and H would not copy when B = 1)
            long[] merged = new long[dims.length - 1];
            merged[0] = dims[0];
            merged[1] = dims[1] * dims[2];
            System.arraycopy(dims, 3, merged, 2, dims.length - 3);
            return x.reshape(new Shape(merged)).reshape(new Shape(dims));
        }
        dims[2] = extra;
        return NDArrays.concat(new NDList(x, x.getManager().zeros(new Shape(dims), x.getDataType())), 2);
    }
}
