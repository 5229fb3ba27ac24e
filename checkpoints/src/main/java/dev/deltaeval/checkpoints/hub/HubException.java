package dev.deltaeval.checkpoints.hub;

/** A Hub download that cannot complete; the message names the repository and file and is one line. */
public final class HubException extends dev.deltaeval.common.DeltaEvalException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
