package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The UT transform's inverse T = (I + A)^-1 for a batch of strictly lower-triangular C x C matrices A (entries up
 * to 2 with beta in [0, 2]).
 * <ul>
 *   <li>{@link #LU_FP64}: a batched LU inverse in fp64. Exact to rounding for any A; on a GPU it runs as a chain of
 *       small latency-bound kernels (issue 13's profile: 120 of 756 ms at 8 x 4096 tokens).</li>
 *   <li>{@link #DOUBLING}: A is nilpotent (A^C = 0), so (I + A)^-1 = (I - A)(I + A^2)(I + A^4)...(I + A^(2^k))
 *       with 2^(k+1) >= C, exactly: 2 log2(C) - 1 batched fp32 matmuls and two fp64 ones, which a GPU runs at full rate. The powers
 *       of A can grow where consecutive keys are nearly parallel and beta is near 2, and then fp32 cancellation
 *       would spoil the sum; so the residual R = (I + A) T - I is computed (one more matmul), any layer whose max |R|
 *       exceeds {@link #RESIDUAL_LIMIT} is redone with {@link #LU_FP64}, and the others get one Newton step
 *       T - T R in fp64, which squares the remaining error. A wrong inverse is never used.</li>
 *   <li>{@link #DOUBLING_FP32}: the same with the residual and the Newton step in fp32, for fp16 models: their
 *       dense layers round at 1e-3 (fp16 drift on the demo's tasks: 0.04 in a log-likelihood), so the fp64 step's
 *       last 1e-5 buys nothing there, while its casts and fp64 products cost a GPU time on every layer. The
 *       residual check and the LU fallback stay.</li>
 * </ul>
 */
public enum UtInverse {
    LU_FP64,
    DOUBLING,
    DOUBLING_FP32;

    /** Largest tolerated max |(I + A) T - I| of the doubling product before falling back to the fp64 inverse. */
    public static final float RESIDUAL_LIMIT = 1e-3f;

    /**
     * The inverse that runs fastest on the device: fp64 LU on a CPU; matmuls on a GPU, where LU is a chain of tiny
     * kernels (checked in fp64 for fp32 models, in fp32 for fp16 ones).
     */
    public static UtInverse forOptions(dev.deltaeval.runtime.ComputeOptions options) {
        return !options.device().isGpu() ? LU_FP64
                : options.precision() == dev.deltaeval.runtime.Precision.FP16 ? DOUBLING_FP32 : DOUBLING;
    }

    /**
     * Every array made here hangs off {@code a}'s manager (DJL attaches a result to its receiver's manager), never
     * off the model's, which owns the identities.
     *
     * @param a     [.., C, C] strictly lower triangular, fp32
     * @param eye   [C, C] identity in a's dtype
     * @param eye64 [C, C] identity in fp64
     */
    public NDArray invert(NDArray a, NDArray eye, NDArray eye64) {
        if (this == LU_FP64) {
            return luFp64(a, eye);
        }
        long c = a.getShape().get(a.getShape().dimension() - 1);
        NDArray t = a.neg().add(eye);
        NDArray power = a;
        for (long m = 1; 2 * m < c; m *= 2) {
            power = power.matMul(power);            // A^(2m)
            t = t.add(t.matMul(power));             // T (I + A^(2m))
        }
        // R = (I + A) T - I and the Newton step T - T R in fp64: the fp32 product carries cancellation error near
        // 1e-5, which moved chunked and recurrent modes up to 7e-4 apart on the fla fixtures; one fp64 step takes
        // it to the fp64 LU's result (the same fp32 logits), for two matmuls instead of LU's chain of small kernels
        if (this == DOUBLING_FP32) {
            NDArray r = a.matMul(t).add(t).sub(eye);
            double residual = r.abs().max().getFloat();
            return residual <= RESIDUAL_LIMIT ? t.sub(t.matMul(r)) : luFp64(a, eye);
        }
        NDArray a64 = a.toType(DataType.FLOAT64, false);
        NDArray t64 = t.toType(DataType.FLOAT64, false);
        NDArray r = a64.matMul(t64).add(t64).sub(eye64);
        double residual = r.abs().max().getDouble();
        if (!(residual <= RESIDUAL_LIMIT)) {
            return luFp64(a, eye);
        }
        return t64.sub(t64.matMul(r)).toType(a.getDataType(), false);
    }

    private static NDArray luFp64(NDArray a, NDArray eye) {
        return a.add(eye).toType(DataType.FLOAT64, false).inverse().toType(a.getDataType(), false);
    }
}
