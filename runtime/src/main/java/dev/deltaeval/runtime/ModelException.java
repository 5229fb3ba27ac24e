package dev.deltaeval.runtime;

/** A problem running a model (device, engine, precision, tokenizer, bad inputs), with a one-line message. */
public class ModelException extends dev.deltaeval.common.DeltaEvalException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
