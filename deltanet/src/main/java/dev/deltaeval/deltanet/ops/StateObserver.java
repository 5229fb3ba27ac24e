package dev.deltaeval.deltanet.ops;


/** Receives the recurrent state after every sub-step (for effective-rank analysis; see HostDeltaRule). */
@FunctionalInterface
public interface StateObserver {
    /**
     * @param token token position
     * @param step  Householder step within the token (0..n-1)
     * @param state [B, H, dk, dv] row-major on the host; reused after the call returns (copy to keep it)
     */
    void onState(long token, int step, float[] state);
}
