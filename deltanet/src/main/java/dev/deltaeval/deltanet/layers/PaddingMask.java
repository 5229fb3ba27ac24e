package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Where a right-padded batch has real tokens. Padded positions get beta = 0 and no decay, which leaves the
 * recurrent state exactly untouched, and each row's convolution cache is taken at its own length.
 *
 * @param tokens     [B, 1, T] 1 for real tokens, 0 for padding
 * @param substeps   [B, 1, T*n] the same per Householder sub-step
 * @param cacheIndex [B, W-1, 1] int64: rows of the padded convolution input that hold each row's last W-1 inputs
 */
public record PaddingMask(NDArray tokens, NDArray substeps, NDArray cacheIndex) {

    /** Lends the arrays to {@code scope} until it closes (results of operations on them then land there too). */
    public void tempAttach(NDManager scope) {
        tokens.tempAttach(scope);
        substeps.tempAttach(scope);
        if (cacheIndex != null) {
            cacheIndex.tempAttach(scope);
        }
    }

    public static PaddingMask of(NDManager m, int[] lengths, int t, int n, int cacheLength) {
        long b = lengths.length;
        long[] lens = new long[lengths.length];
        for (int i = 0; i < lens.length; i++) {
            lens[i] = lengths[i];
        }
        NDArray len = m.create(lens).reshape(b, 1);
        NDArray valid = m.arange(0, t, 1, DataType.INT64).reshape(1, t).lt(len).toType(DataType.FLOAT32, false);
        NDArray tokens = valid.reshape(b, 1, t);
        NDArray substeps = valid.reshape(b, t, 1).repeat(2, n).reshape(b, 1, (long) t * n);
        NDArray cacheIndex = cacheLength == 0 ? null
                : m.arange(0, cacheLength, 1, DataType.INT64).reshape(1, cacheLength).add(len).reshape(b, cacheLength, 1);
        return new PaddingMask(tokens, substeps, cacheIndex);
    }
}
