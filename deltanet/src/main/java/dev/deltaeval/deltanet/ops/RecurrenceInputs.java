package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;

/**
 * The inputs of the (gated) Householder-product recurrence for one layer, already head-split, normalised and in
 * fp32, on the expanded sub-step timeline (token t, step j at row t*n + j).
 *
 * @param q    [B, H, T, dk] queries, l2-normalised and scaled by dk^-1/2, one per token (read after the last step)
 * @param k    [B, H, T*n, dk] keys, l2-normalised
 * @param v    [B, H, T*n, dv] values
 * @param beta [B, H, T*n] step sizes
 * @param g    [B, H, T] log decay per token (applied before its first step), or null when ungated
 * @param n    Householder steps per token
 */
public record RecurrenceInputs(NDArray q, NDArray k, NDArray v, NDArray beta, NDArray g, int n) {

    public long batch() {
        return q.getShape().get(0);
    }

    public long heads() {
        return q.getShape().get(1);
    }

    public long tokens() {
        return q.getShape().get(2);
    }

    public long dk() {
        return k.getShape().get(3);
    }

    public long dv() {
        return v.getShape().get(3);
    }
}
