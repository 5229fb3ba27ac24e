package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.deltaeval.deltanet.ops.DenseOps;
import java.util.Optional;

/**
 * The dense stages of a layer, each on the kernel family's fused op where it brings one and takes the arrays, else
 * in DJL operators (the reference forms, written once here).
 */
public final class DenseStages {
    /** DJL operators only. */
    public static final DenseStages DJL = new DenseStages(Optional.empty());

    private final Optional<DenseOps> fused;

    private DenseStages(Optional<DenseOps> fused) {
        this.fused = fused;
    }

    public static DenseStages of(Optional<DenseOps> fused) {
        return fused.isEmpty() ? DJL : new DenseStages(fused);
    }

    public NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        return fused.flatMap(f -> f.rmsNorm(x, weight, eps)).orElseGet(() -> Ops.rmsNorm(x, weight, eps));
    }

    /** {x + residual, rmsNorm(x + residual)}. */
    public NDArray[] addRmsNorm(NDArray x, NDArray residual, NDArray weight, float eps) {
        return fused.flatMap(f -> f.addRmsNorm(x, residual, weight, eps)).orElseGet(() -> {
            NDArray sum = x.add(residual);
            return new NDArray[] {sum, Ops.rmsNorm(sum, weight, eps)};
        });
    }

    /** silu(gate) * up of a fused [..., 2I] gate|up projection. */
    public NDArray swiGlu(NDArray gateUp) {
        return fused.flatMap(f -> f.swiGlu(gateUp)).orElseGet(() -> {
            int last = gateUp.getShape().dimension() - 1; // DJL's split takes no negative axis
            NDList gu = gateUp.split(new long[] {gateUp.getShape().get(last) / 2}, last);
            return Ops.silu(gu.get(0)).mul(gu.get(1));
        });
    }

    /**
     * The read-out's per-head norm and gate: o [B, H, T, dv] fp32 to [B, T, H dv] in {@code type}.
     *
     * @param gateRaw [B, T, H dv] in {@code type}, or null
     */
    public NDArray headNorm(NDArray o, NDArray weight, NDArray gateRaw, float eps, DataType type) {
        boolean half = type == DataType.FLOAT16;
        if (half || type == DataType.FLOAT32) {
            Optional<NDArray> y = fused.flatMap(f -> f.headNorm(o, weight, gateRaw, eps, half));
            if (y.isPresent()) {
                return y.get();
            }
        }
        long b = o.getShape().get(0);
        long nh = o.getShape().get(1);
        long t = o.getShape().get(2);
        long dv = o.getShape().get(3);
        NDArray normed = Ops.rmsNorm(o.transpose(0, 2, 1, 3), weight, eps);            // [B,T,nh,dv]
        if (gateRaw != null) {
            NDArray gate = gateRaw.getDataType() == DataType.FLOAT32 ? gateRaw : gateRaw.toType(DataType.FLOAT32, false);
            normed = normed.mul(Ops.silu(gate.reshape(b, t, nh, dv)));
        }
        return normed.reshape(b, t, nh * dv).toType(type, false);
    }
}
