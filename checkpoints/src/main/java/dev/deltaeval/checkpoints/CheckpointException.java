package dev.deltaeval.checkpoints;

/**
 * A problem with checkpoint files: missing, truncated or corrupt files, unknown fields, missing tensors or wrong
 * shapes. The message is one line that names the file, tensor or field and says what was expected, so the CLI
 * can print it as it is.
 */
public class CheckpointException extends dev.deltaeval.common.DeltaEvalException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
