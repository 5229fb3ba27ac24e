package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.deltaeval.deltanet.config.ModelConfig.QkActivation;
import dev.deltaeval.deltanet.config.ModelConfig.QkNorm;
import dev.deltaeval.deltanet.ops.MixerProjections;
import dev.deltaeval.deltanet.ops.RecurrenceInputs;

/**
 * A layer's projections turned into the recurrence's inputs in DJL operators: head-split, activated, normalised,
 * in fp32 (model.md §2.3). The reference for {@link MixerProjections}' contract, and what runs whenever the
 * first-choice kernel does not read the projections itself.
 */
public final class ProjectionInputs {
    private ProjectionInputs() {
    }

    /**
     * @param activation the queries' and keys' activation (values always take SiLU); with SILU, {@code
     *                   p.activated()} says whether it was applied already
     * @param norm       the queries' and keys' normalisation over the head dimension
     */
    public static RecurrenceInputs of(MixerProjections p, QkActivation activation, QkNorm norm) {
        long b = p.batch();
        long t = p.tokens();
        int n = p.n();
        long nh = p.heads();
        long dk = p.dk();
        long dv = p.dv();
        long keyDim = nh * dk;
        boolean siluAll = activation == QkActivation.SILU;
        // q, k and v alike: one pass, not three
        NDArray qkvActivated = siluAll && !p.activated() ? Ops.silu(p.qkv()) : p.qkv();
        NDList qkv = qkvActivated.split(new long[] {keyDim, keyDim * (n + 1)}, 2);
        // head-split in the projection's [B, T, heads, d] layout; the kernels take [B, heads, T, d] views of it and
        // make each contiguous exactly once, in the layout their matmuls want
        NDArray q = normalize(activate(toFloat(qkv.get(0)).reshape(b, t, nh, dk).transpose(0, 2, 1, 3), activation),
                norm, p.qScale());
        NDArray k = normalize(activate(toFloat(qkv.get(1)).reshape(b, t * n, nh, dk).transpose(0, 2, 1, 3),
                activation), norm, 1f);
        NDArray v = toFloat(siluAll ? qkv.get(2) : Ops.silu(qkv.get(2))).reshape(b, t * n, nh, dv)
                .transpose(0, 2, 1, 3);
        NDArray beta;
        if (p.betaRaw() != null) {
            beta = toFloat(p.betaRaw()).getNDArrayInternal().sigmoid();
            if (p.negativeEigenvalues()) {
                beta = beta.mul(2f);
            }
            beta = beta.reshape(b, t * n, nh).transpose(0, 2, 1);
        } else {
            beta = p.qkv().getManager().ones(new Shape(b, nh, t * n), DataType.FLOAT32);
        }
        NDArray g = null;
        if (p.aRaw() != null) {
            g = Activation.softPlus(toFloat(p.aRaw()).add(p.dtBias())).mul(p.negExpA()).transpose(0, 2, 1);
        }
        if (p.mask() != null) {
            beta = beta.mul(p.substepMask());
            if (g != null) {
                g = g.mul(p.mask());
            }
        }
        return new RecurrenceInputs(q, k, v, beta, g, n);
    }

    private static NDArray activate(NDArray x, QkActivation activation) {
        switch (activation) {
            case RELU:
                return Activation.relu(x);
            case ELU:
                return Activation.elu(x, 1f).add(1f);
            default:
                return x; // SiLU was applied to q, k and v together; identity needs nothing
        }
    }

    /** The configured normalisation over the head dimension, times {@code scale} (folded into the divisor). */
    private static NDArray normalize(NDArray x, QkNorm norm, float scale) {
        NDArray divisor = norm == QkNorm.SUM ? x.sum(new int[] {-1}, true) : Ops.l2Divisor(x);
        NDArray normalized = x.div(divisor);
        return scale == 1f ? normalized : normalized.mul(scale);
    }

    private static NDArray toFloat(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }
}
