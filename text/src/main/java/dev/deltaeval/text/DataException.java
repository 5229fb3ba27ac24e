package dev.deltaeval.text;

/** Bad evaluation text (missing file, bad JSONL, too little text); the message is the one line a user sees. */
public final class DataException extends dev.deltaeval.common.DeltaEvalException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
