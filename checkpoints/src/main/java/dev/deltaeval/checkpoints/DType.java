package dev.deltaeval.checkpoints;

import java.util.Locale;

/** The safetensors element types DeltaEval reads. Anything else is rejected with a clear message. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** Parses a safetensors dtype string; {@code where} names the file and tensor for the error message. */
    public static DType parse(String name, String where) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": unsupported dtype " + name
                    + " (expected one of F32, F16, BF16 for weights, I64/I32 for ids)");
        }
    }
}
