package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Elementwise pieces shared by the layers, written once in the exact form fla uses. */
public final class Ops {
    private Ops() {
    }

    /** x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /**
     * What fla's l2norm divides by: sqrt(sum(x^2) + 1e-6) over the last axis (eps inside the square root), kept as
     * a size-1 axis.
     */
    public static NDArray l2Divisor(NDArray x) {
        return x.square().sum(new int[] {-1}, true).add(1e-6f).sqrt();
    }

    /** fla's RMSNorm in fp32: x * rsqrt(mean(x^2) + eps) * weight, cast back to the input dtype. */
    public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        DataType in = x.getDataType();
        NDArray xf = in == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray y = xf.div(xf.square().mean(new int[] {-1}, true).add(eps).sqrt()).mul(weight);
        return in == DataType.FLOAT32 ? y : y.toType(in, false);
    }
}
