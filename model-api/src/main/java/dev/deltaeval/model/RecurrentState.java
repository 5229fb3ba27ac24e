package dev.deltaeval.model;

/**
 * What a model carries from one block of tokens to the next, for a batch of sequences. A state owns its memory
 * (close it when done); {@link #fork()} and {@link #select(long[])} make independent copies, so that one context
 * runs once and is continued by several continuations.
 */
public interface RecurrentState extends AutoCloseable {
    /** Sequences in the batch. */
    long batch();

    /** Tokens consumed since the empty state (per sequence). */
    long tokensSeen();

    /** An independent copy with the same contents. */
    RecurrentState fork();

    /** A new state whose row i is row {@code rows[i]} of this one (rows may repeat). */
    RecurrentState select(long[] rows);

    @Override
    void close();
}
