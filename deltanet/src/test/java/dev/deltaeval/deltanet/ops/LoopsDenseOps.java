package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link DenseOps} as plain loops over the arrays' numbers, from the interface's documented formulas (a fused native
 * form's contract, checked on the fla fixtures through {@link LoopsChunkedKernel}). fp32 arrays only.
 */
final class LoopsDenseOps implements DenseOps {
    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public Optional<NDArray> rmsNorm(NDArray x, NDArray weight, float eps) {
        CALLS.incrementAndGet();
        return Optional.of(x.getManager().create(norm(x.toFloatArray(), weight.toFloatArray(), eps), x.getShape()));
    }

    @Override
    public Optional<NDArray[]> addRmsNorm(NDArray x, NDArray residual, NDArray weight, float eps) {
        CALLS.incrementAndGet();
        float[] a = x.toFloatArray();
        float[] r = residual.toFloatArray();
        float[] sum = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + r[i];
        }
        return Optional.of(new NDArray[] {x.getManager().create(sum, x.getShape()),
            x.getManager().create(norm(sum, weight.toFloatArray(), eps), x.getShape())});
    }

    @Override
    public Optional<NDArray> swiGlu(NDArray gateUp) {
        CALLS.incrementAndGet();
        float[] gu = gateUp.toFloatArray();
        long[] dims = gateUp.getShape().getShape().clone();
        int inter = (int) dims[dims.length - 1] / 2;
        float[] y = new float[gu.length / 2];
        for (int row = 0; row < y.length / inter; row++) {
            for (int i = 0; i < inter; i++) {
                double g = gu[row * 2 * inter + i];
                y[row * inter + i] = (float) (g / (1 + Math.exp(-g)) * gu[row * 2 * inter + inter + i]);
            }
        }
        dims[dims.length - 1] = inter;
        return Optional.of(gateUp.getManager().create(y, new Shape(dims)));
    }

    @Override
    public Optional<NDArray> headNorm(NDArray o, NDArray weight, NDArray gate, float eps, boolean half) {
        if (half || o.getDataType() != DataType.FLOAT32) {
            return Optional.empty();
        }
        CALLS.incrementAndGet();
        int b = (int) o.getShape().get(0);
        int h = (int) o.getShape().get(1);
        int t = (int) o.getShape().get(2);
        int dv = (int) o.getShape().get(3);
        float[] os = o.toFloatArray();
        float[] w = weight.toFloatArray();
        float[] gs = gate == null ? null : gate.toFloatArray();
        float[] y = new float[os.length];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int ti = 0; ti < t; ti++) {
                    int from = ((bi * h + hi) * t + ti) * dv;
                    double squares = 0;
                    for (int e = 0; e < dv; e++) {
                        squares += (double) os[from + e] * os[from + e];
                    }
                    double inv = 1 / Math.sqrt(squares / dv + eps);
                    int to = ((bi * t + ti) * h + hi) * dv;
                    for (int e = 0; e < dv; e++) {
                        double v = os[from + e] * inv * w[e];
                        if (gs != null) {
                            double g = gs[to + e];
                            v *= g / (1 + Math.exp(-g));
                        }
                        y[to + e] = (float) v;
                    }
                }
            }
        }
        return Optional.of(o.getManager().create(y, new Shape(b, t, (long) h * dv)));
    }

    @Override
    public Optional<NDArray[]> targetLogProbs(NDArray logits, NDArray targets) {
        CALLS.incrementAndGet();
        float[] x = logits.toFloatArray();
        long[] ids = targets.toLongArray();
        long[] dims = logits.getShape().getShape();
        int vocab = (int) dims[dims.length - 1];
        float[] lp = new float[ids.length];
        long[] best = new long[ids.length];
        for (int r = 0; r < ids.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                if (x[r * vocab + v] > max) {
                    max = x[r * vocab + v];
                    best[r] = v;
                }
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                sum += Math.exp(x[r * vocab + v] - max);
            }
            lp[r] = (float) (x[r * vocab + (int) ids[r]] - max - Math.log(sum));
        }
        Shape rows = new Shape(java.util.Arrays.copyOf(dims, dims.length - 1));
        return Optional.of(new NDArray[] {logits.getManager().create(lp, rows), logits.getManager().create(best, rows)});
    }

    /** Rows of the last axis: x / sqrt(mean(x^2) + eps) * weight. */
    private static float[] norm(float[] x, float[] w, float eps) {
        int d = w.length;
        float[] y = new float[x.length];
        for (int row = 0; row < x.length / d; row++) {
            double squares = 0;
            for (int e = 0; e < d; e++) {
                squares += (double) x[row * d + e] * x[row * d + e];
            }
            double inv = 1 / Math.sqrt(squares / d + eps);
            for (int e = 0; e < d; e++) {
                y[row * d + e] = (float) (x[row * d + e] * inv * w[e]);
            }
        }
        return y;
    }
}
