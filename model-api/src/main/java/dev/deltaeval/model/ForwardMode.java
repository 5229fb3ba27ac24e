package dev.deltaeval.model;

/**
 * How a forward pass walks the sequence. Both give the same numbers (to rounding); they differ in cost: a
 * parallel pass processes a block of tokens at once (scoring, prefilling), a step-by-step pass one token after
 * another (generation, inspecting the state after every token).
 */
public enum ForwardMode {
    /** All tokens of the block at once (DeltaNet: the chunked WY form; a Transformer: one masked pass). */
    PARALLEL,
    /** One token at a time, carrying the recurrent state. */
    STEPWISE
}
