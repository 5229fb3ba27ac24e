package dev.deltaeval.core.kernels;

import ai.djl.ndarray.NDArray;

/** Receives the recurrent state after every sub-step in recurrent mode (for effective-rank analysis). */
@FunctionalInterface
public interface StateObserver {
    /**
     * @param token token position
     * @param step  Householder step within the token (0..n-1)
     * @param state [B, H, dk, dv]; valid only during the call
     */
    void onState(long token, int step, NDArray state);
}
