package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;

/**
 * The inputs of the (gated) Householder-product recurrence for one layer, already head-split, normalised and in
 * fp32, on the expanded sub-step timeline (token t, step j at row t*n + j), in {@code layout} (shapes below for
 * {@link InputLayout#HEADS_FIRST}; {@link InputLayout#TOKENS_FIRST} swaps the heads and time axes).
 *
 * @param q      [B, H, T, dk] queries, l2-normalised and scaled by dk^-1/2, one per token (read after the last step)
 * @param k      [B, H, T*n, dk] keys, l2-normalised
 * @param v      [B, H, T*n, dv] values
 * @param beta   [B, H, T*n] step sizes
 * @param g      [B, H, T] log decay per token (applied before its first step), or null when ungated
 * @param n      Householder steps per token
 * @param layout the axes' order of every tensor above
 */
public record RecurrenceInputs(NDArray q, NDArray k, NDArray v, NDArray beta, NDArray g, int n, InputLayout layout) {

    /** Inputs in the heads-first layout. */
    public RecurrenceInputs(NDArray q, NDArray k, NDArray v, NDArray beta, NDArray g, int n) {
        this(q, k, v, beta, g, n, InputLayout.HEADS_FIRST);
    }

    /** The same inputs in {@code target}'s layout: views with the heads and time axes swapped, no data moved. */
    public RecurrenceInputs in(InputLayout target) {
        if (target == layout) {
            return this;
        }
        return new RecurrenceInputs(q.transpose(0, 2, 1, 3), k.transpose(0, 2, 1, 3), v.transpose(0, 2, 1, 3),
                beta.transpose(0, 2, 1), g == null ? null : g.transpose(0, 2, 1), n, target);
    }

    private int headsAxis() {
        return layout == InputLayout.HEADS_FIRST ? 1 : 2;
    }

    public long batch() {
        return q.getShape().get(0);
    }

    public long heads() {
        return q.getShape().get(headsAxis());
    }

    public long tokens() {
        return q.getShape().get(3 - headsAxis());
    }

    public long dk() {
        return k.getShape().get(3);
    }

    public long dv() {
        return v.getShape().get(3);
    }
}
