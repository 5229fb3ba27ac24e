package dev.deltaeval.model;

import dev.deltaeval.runtime.ModelException;

/**
 * The model produced NaN or infinity where a score was to come from (NaN weights, or an fp16 overflow): never a
 * number to report. Carries the first offending batch row, so that callers can name the request and document.
 */
public final class NonFiniteOutputException extends ModelException {
    private static final long serialVersionUID = 1L;
    private final int row;

    public NonFiniteOutputException(String message, int row) {
        super(message);
        this.row = row;
    }

    /** The first batch row with a non-finite value. */
    public int row() {
        return row;
    }
}
