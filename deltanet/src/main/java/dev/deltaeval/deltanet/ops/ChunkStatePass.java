package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;

/**
 * The cross-chunk half of the chunked delta rule: given each chunk's WY factors, the state entering every chunk,
 * the corrected values and the state after the last chunk. Per chunk c: V_new = U - W S_c and
 * S_{c+1} = exp(g_last) S_c + K~^T V_new (K~ the keys decayed to the chunk's end). the built-in pass composes it from DJL
 * operators (dk x dk transitions in a log-depth scan); a native kernel walks the chunks with the state in registers instead.
 */
public interface ChunkStatePass {
    /**
     * @param k    [B, H, N, C, dk] keys (not decayed)
     * @param w    [B, H, N, C, dk] W of each chunk (decayed when gated)
     * @param u    [B, H, N, C, dv] U of each chunk
     * @param gSub [B, H, N, C] cumulative log decay within each chunk, or null when ungated
     * @param s0   [B, H, dk, dv] initial state, or null for zeros
     */
    ChunkStates run(NDArray k, NDArray w, NDArray u, NDArray gSub, NDArray s0);

    /**
     * @param starts [B, H, N, dk, dv] state entering each chunk
     * @param vNew   [B, H, N, C, dv] U - W S of each chunk
     * @param last   [B, H, dk, dv] state after the last chunk
     */
    record ChunkStates(NDArray starts, NDArray vNew, NDArray last) {
    }
}
