package dev.deltaeval.model;

import dev.deltaeval.runtime.ModelException;
import java.util.Arrays;

/**
 * A batch of token ids, row-major [batch, length]. Rows may be right-padded: {@code lengths[i]} is the number of
 * real tokens in row i (null when every row is full). Padding never enters a recurrent state, and outputs at
 * padded positions are meaningless.
 */
public record TokenBatch(long[] ids, int batch, int length, int[] lengths) {
    public TokenBatch {
        if (batch <= 0 || length <= 0) {
            throw new ModelException("empty token batch (" + batch + " x " + length + ")");
        }
        if (ids.length != (long) batch * length) {
            throw new ModelException("token batch has " + ids.length + " ids, expected " + batch + " x " + length);
        }
        if (lengths != null) {
            if (lengths.length != batch) {
                throw new ModelException("token batch has " + lengths.length + " lengths for " + batch + " rows");
            }
            for (int l : lengths) {
                if (l < 1 || l > length) {
                    throw new ModelException("row length " + l + " outside [1, " + length + "]");
                }
            }
        }
    }

    public TokenBatch(long[] ids, int batch, int length) {
        this(ids, batch, length, null);
    }

    /** Rows of different lengths, right-padded with {@code padId}. */
    public static TokenBatch padded(java.util.List<long[]> rows, long padId) {
        int len = 0;
        for (long[] r : rows) {
            len = Math.max(len, r.length);
        }
        long[] flat = new long[rows.size() * len];
        Arrays.fill(flat, padId);
        int[] lengths = new int[rows.size()];
        boolean ragged = false;
        for (int i = 0; i < rows.size(); i++) {
            long[] r = rows.get(i);
            System.arraycopy(r, 0, flat, i * len, r.length);
            lengths[i] = r.length;
            ragged |= r.length != len;
        }
        return new TokenBatch(flat, rows.size(), len, ragged ? lengths : null);
    }

    /** Real tokens in row i. */
    public int rowLength(int i) {
        return lengths == null ? length : lengths[i];
    }

    public boolean isRagged() {
        return lengths != null;
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

    /** The real tokens of row i (without padding). */
    public long[] row(int i) {
        return Arrays.copyOfRange(ids, i * length, i * length + rowLength(i));
    }

    /** The ids of columns [from, to) of every row, padding included, row-major [batch, to - from]. */
    public long[] columnIds(int from, int to) {
        long[] out = new long[batch * (to - from)];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(ids, i * length + from, out, i * (to - from), to - from);
        }
        return out;
    }

    /** Columns [from, to) of every row (full rows only). */
    public TokenBatch slice(int from, int to) {
        if (lengths != null) {
            throw new ModelException("cannot slice a right-padded batch");
        }
        return new TokenBatch(columnIds(from, to), batch, to - from);
    }
}
