package dev.deltaeval.gpu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.deltaeval.deltanet.ops.DenseOps;
import java.util.Optional;

/**
 * The dense stages on the library's K5 kernels ({@code dense_ops.cu}): fp16 or fp32 arrays on a GPU; anything else
 * declines and runs in DJL operators.
 */
final class NativeDenseOps implements DenseOps {
    static final NativeDenseOps INSTANCE = new NativeDenseOps();

    private NativeDenseOps() {
    }

    private static boolean takes(NDArray x) {
        DataType t = x.getDataType();
        return x.getDevice().isGpu() && (t == DataType.FLOAT16 || t == DataType.FLOAT32);
    }

    @Override
    public Optional<NDArray> rmsNorm(NDArray x, NDArray weight, float eps) {
        return takes(x) ? Optional.of(NativeOps.rmsNorm(x, null, weight, eps)[1]) : Optional.empty();
    }

    @Override
    public Optional<NDArray[]> addRmsNorm(NDArray x, NDArray residual, NDArray weight, float eps) {
        if (!takes(x) || residual.getDataType() != x.getDataType() || !residual.getShape().equals(x.getShape())) {
            return Optional.empty();
        }
        return Optional.of(NativeOps.rmsNorm(x, residual, weight, eps));
    }

    @Override
    public Optional<NDArray> swiGlu(NDArray gateUp) {
        return takes(gateUp) ? Optional.of(NativeOps.swiGlu(gateUp)) : Optional.empty();
    }

    @Override
    public Optional<NDArray> headNorm(NDArray o, NDArray weight, NDArray gate, float eps, boolean half) {
        if (!o.getDevice().isGpu() || o.getDataType() != DataType.FLOAT32
                || gate != null && gate.getDataType() != (half ? DataType.FLOAT16 : DataType.FLOAT32)) {
            return Optional.empty();
        }
        return Optional.of(NativeOps.headNorm(o, weight, gate, eps, half));
    }

    @Override
    public Optional<NDArray[]> targetLogProbs(NDArray logits, NDArray targets) {
        if (!takes(logits) || targets.getDataType() != DataType.INT64 || !targets.getDevice().equals(logits.getDevice())) {
            return Optional.empty();
        }
        return Optional.of(NativeOps.targetLogProbs(logits, targets));
    }
}
