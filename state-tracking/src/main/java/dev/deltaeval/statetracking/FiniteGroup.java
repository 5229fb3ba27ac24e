package dev.deltaeval.statetracking;

/**
 * A finite group with its elements numbered as the DeltaProduct repository's generator numbers them (index 0 is the
 * identity), so that a sequence of indices means the same word in both.
 */
public interface FiniteGroup {
    /** The name the generator and the CSV files use, e.g. "S3", "A4_x_Z5". */
    String name();

    int order();

    /** The index of {@code a ∘ b}: b is applied first, as abstract_algebra's Cayley tables say. */
    int mul(int a, int b);

    /** The element as a person reads it, e.g. "(1, 2, 3, 5, 4)" for a permutation. */
    String elementName(int i);
}
