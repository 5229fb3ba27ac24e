package dev.deltaeval.extrapolation;

/** Bad input for a length-extrapolation or rank run; the message is the one line a user sees. */
public final class ExtrapolationException extends dev.deltaeval.common.DeltaEvalException {
    public ExtrapolationException(String message) {
        super(message);
    }
}
