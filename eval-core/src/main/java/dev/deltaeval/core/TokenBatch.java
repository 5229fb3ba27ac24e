package dev.deltaeval.core;

import java.util.Arrays;

/** A rectangular batch of token ids, row-major [batch, length]. */
public record TokenBatch(long[] ids, int batch, int length) {
    public TokenBatch {
        if (batch <= 0 || length <= 0) {
            throw new ModelException("empty token batch (" + batch + " x " + length + ")");
        }
        if (ids.length != (long) batch * length) {
            throw new ModelException("token batch has " + ids.length + " ids, expected " + batch + " x " + length);
        }
    }

    public static TokenBatch single(long[] ids) {
        return new TokenBatch(ids, 1, ids.length);
    }

    public static TokenBatch of(long[][] rows) {
        int len = rows[0].length;
        long[] flat = new long[rows.length * len];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != len) {
                throw new ModelException("token batch rows differ in length: " + rows[i].length + " vs " + len);
            }
            System.arraycopy(rows[i], 0, flat, i * len, len);
        }
        return new TokenBatch(flat, rows.length, len);
    }

    public long[] row(int i) {
        return Arrays.copyOfRange(ids, i * length, (i + 1) * length);
    }

    /** Columns [from, to) of every row. */
    public TokenBatch slice(int from, int to) {
        long[] out = new long[batch * (to - from)];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(ids, i * length + from, out, i * (to - from), to - from);
        }
        return new TokenBatch(out, batch, to - from);
    }
}
