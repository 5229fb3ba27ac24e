package dev.deltaeval.deltanet.ops;

/**
 * How a kernel wants the recurrence's inputs laid out. The layer builds them from its projection, whose memory is
 * token-major ([B, T, heads, d]); both layouts are views of that memory (one transpose apart), so converting between
 * them moves no data: a kernel that reads {@link #TOKENS_FIRST} (fla's layout, what a native kernel indexes
 * directly) gets the projection's contiguous memory, one that reads {@link #HEADS_FIRST} (per-head batched matmuls)
 * gets a strided view and makes it contiguous itself if it must.
 */
public enum InputLayout {
    /** q [B, H, T, dk], k [B, H, T*n, dk], v [B, H, T*n, dv], beta [B, H, T*n], g [B, H, T]. */
    HEADS_FIRST,
    /** q [B, T, H, dk], k [B, T*n, H, dk], v [B, T*n, H, dv], beta [B, T*n, H], g [B, T, H]: fla's layout. */
    TOKENS_FIRST
}
