package dev.deltaeval.core.scoring;

import dev.deltaeval.runtime.ModelException;

/** A request whose log-likelihood would be non-finite; nothing of its batch was handed to the result listener. */
public final class NonFiniteScoreException extends ModelException {
    private static final long serialVersionUID = 1L;
    private final int request;

    public NonFiniteScoreException(int request, String message) {
        super(message);
        this.request = request;
    }

    /** Index of the first such request in the list given to the scorer. */
    public int request() {
        return request;
    }
}
