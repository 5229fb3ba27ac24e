package dev.deltaeval.runtime;

import ai.djl.ndarray.types.DataType;
import dev.deltaeval.common.DeltaEvalException;
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

    /**
     * Below this many parameters fp16 does not pay on a GPU: the dense projections are too small for tensor cores to
     * matter and the casts around the fp32 recurrence remain (measured on an H200, 2026-12-02: the 6M demo ran at
     * 0.93x fp32's tokens/s at 16 x 512 in fp16, a 392M model at 1.9x).
     */
    public static final long FP16_MIN_PARAMETERS = 100_000_000L;

    /**
     * {@code auto} is fp16 on a GPU for models of at least {@link #FP16_MIN_PARAMETERS} parameters (tensor cores),
     * else fp32; anything else as {@link #parse}.
     *
     * @param parameters the largest model's parameter count, or -1 when unknown (counts as large)
     */
    public static Precision resolve(String s, ai.djl.Device device, long parameters) {
        if (s.trim().equalsIgnoreCase("auto")) {
            return device.isGpu() && (parameters < 0 || parameters >= FP16_MIN_PARAMETERS) ? FP16 : FP32;
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
                throw new ModelException(DeltaEvalException.setting("dtype") + " bf16 is not supported: DJL's PyTorch binding aborts the JVM on bf16 "
                        + "arrays; use fp16 on GPU or fp32 (bf16 checkpoints are widened to fp32 on load)");
            default:
                throw new ModelException("unknown dtype \"" + s + "\" (expected auto, fp32 or fp16)");
        }
    }
}
