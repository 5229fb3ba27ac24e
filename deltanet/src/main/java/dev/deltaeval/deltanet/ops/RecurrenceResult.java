package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;

/**
 * @param o          [B, H, T, dv] read-outs
 * @param finalState [B, H, dk, dv] state after the last token
 */
public record RecurrenceResult(NDArray o, NDArray finalState) {
}
