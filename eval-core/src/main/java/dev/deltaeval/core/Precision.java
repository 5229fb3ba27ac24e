package dev.deltaeval.core;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Dtype of the dense projections. The recurrence itself always runs in fp32 (states accumulate over thousands of
 * steps), like fla's kernels, which keep states in fp32 registers.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code auto} is fp16 on a GPU (tensor cores) and fp32 on the CPU; anything else as {@link #parse}. */
    public static Precision resolve(String s, ai.djl.Device device) {
        if (s.trim().equalsIgnoreCase("auto")) {
            return device.isGpu() ? FP16 : FP32;
        }
        return parse(s);
    }

    public static Precision parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "fp32":
            case "float32":
                return FP32;
            case "fp16":
            case "float16":
            case "half":
                return FP16;
            case "bf16":
            case "bfloat16":
                throw new ModelException("--dtype bf16 is not supported: DJL's PyTorch binding aborts the JVM on bf16 "
                        + "arrays; use fp16 on GPU or fp32 (bf16 checkpoints are widened to fp32 on load)");
            default:
                throw new ModelException("unknown dtype \"" + s + "\" (expected auto, fp32 or fp16)");
        }
    }
}
