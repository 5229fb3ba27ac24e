package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test kernel that reads the layer's projections ({@link MixerProjections}) as a fused native pass does, written
 * as plain loops over their numbers from the record's documented formulas, then runs DJL's chunked math on the
 * layout it built; it brings the dense stages as plain loops too ({@link LoopsDenseOps}). Installed for tests only ({@code --kernels loops}); FlaGoldenTest runs every fla fixture on it,
 * so the contract a native {@code chunk_inputs} implements is checked against fla's logits.
 */
public class LoopsChunkedKernel implements DeltaRuleKernel {
    private static final AtomicInteger FROM_PROJECTIONS = new AtomicInteger();

    /** How many layer calls read the projections so far (a test's proof that the fused path ran). */
    public static int callsFromProjections() {
        return FROM_PROJECTIONS.get();
    }

    /** How many dense stages ran on the loops' fused forms so far. */
    public static int denseCalls() {
        return LoopsDenseOps.CALLS.get();
    }

    @Override
    public String name() {
        return "loops-chunked";
    }

    @Override
    public ForwardMode mode() {
        return ForwardMode.PARALLEL;
    }

    /** The recurrence over the chunk layout: DJL's chunked math (the stepwise form overrides it). */
    RecurrenceResult recur(ChunkedInputs x, NDArray initialState, ChunkConstants constants) {
        return ChunkedDeltaRule.run(x, initialState, constants, null);
    }

    /** Sub-steps a chunk for a call of n sub-steps a token (the parallel form: the options' chunk). */
    int chunkFor(ComputeOptions options, int n) {
        return options.chunkSubsteps();
    }

    @Override
    public Optional<String> unavailable(ComputeOptions options) {
        return Optional.empty();
    }

    @Override
    public OptionalInt autoPreference(ComputeOptions options) {
        return OptionalInt.empty();
    }

    @Override
    public Bound bind(NDManager manager, ComputeOptions options) {
        ChunkConstants constants = new ChunkConstants(manager, UtInverse.forOptions(options));
        String name = name();
        return new Bound() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
                return recur(ChunkedInputs.of(in, chunkFor(options, in.n())), initialState, constants);
            }

            @Override
            public boolean readsProjections() {
                return true;
            }

            @Override
            public Optional<DenseOps> denseOps() {
                return Optional.of(new LoopsDenseOps());
            }

            @Override
            public Optional<RecurrenceResult> runFromProjections(MixerProjections p, NDArray initialState) {
                FROM_PROJECTIONS.incrementAndGet();
                return Optional.of(recur(layout(p, chunkFor(options, p.n())), initialState, constants));
            }
        };
    }

    /** The chunk layout of {@link ChunkedInputs}, element by element from the projections. */
    static ChunkedInputs layout(MixerProjections p, int chunk) {
        int b = (int) p.batch();
        int t = (int) p.tokens();
        int h = p.heads();
        int dk = p.dk();
        int dv = p.dv();
        int n = p.n();
        int ct = Math.max(1, Math.min(t, chunk / n));
        int c = ct * n;
        int chunks = (t + ct - 1) / ct;
        float[] qkv = p.qkv().toFloatArray();
        int width = (int) p.qkv().getShape().get(2);
        float[] betaRaw = p.betaRaw() == null ? null : p.betaRaw().toFloatArray();
        float[] aRaw = p.aRaw() == null ? null : p.aRaw().toFloatArray();
        float[] dtBias = p.dtBias() == null ? new float[h] : p.dtBias().toFloatArray();
        float[] negExpA = p.negExpA() == null ? null : p.negExpA().toFloatArray();
        float[] mask = p.mask() == null ? null : p.mask().toFloatArray();
        float[] q = new float[b * h * chunks * ct * dk];
        float[] k = new float[b * h * chunks * c * dk];
        float[] v = new float[b * h * chunks * c * dv];
        float[] beta = new float[b * h * chunks * c];
        float[] gTok = new float[b * h * chunks * ct];
        float[] gSub = new float[b * h * chunks * c];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int ci = 0; ci < chunks; ci++) {
                    int bhn = (bi * h + hi) * chunks + ci;
                    double g = 0;
                    for (int i = 0; i < ct; i++) {
                        int tok = ci * ct + i;
                        if (tok >= t) { // the last chunk's padding: zeros, the decay carried unchanged
                            gTok[bhn * ct + i] = (float) g;
                            for (int j = 0; j < n; j++) {
                                gSub[bhn * c + i * n + j] = (float) g;
                            }
                            continue;
                        }
                        int row = (bi * t + tok) * width;
                        float m = mask == null ? 1f : mask[bi * t + tok];
                        row(qkv, row + hi * dk, dk, !p.activated(), true, p.qScale(), q, (bhn * ct + i) * dk);
                        for (int j = 0; j < n; j++) {
                            int s = i * n + j;
                            row(qkv, row + h * dk + j * h * dk + hi * dk, dk, !p.activated(), true, 1f, k,
                                    (bhn * c + s) * dk);
                            row(qkv, row + (n + 1) * h * dk + (j * h + hi) * dv, dv, !p.activated(), false, 1f, v,
                                    (bhn * c + s) * dv);
                            double bv = 1;
                            if (betaRaw != null) {
                                double z = betaRaw[(bi * t + tok) * n * h + j * h + hi];
                                bv = (p.negativeEigenvalues() ? 2 : 1) / (1 + Math.exp(-z));
                            }
                            beta[bhn * c + s] = (float) (bv * m);
                        }
                        if (aRaw != null) {
                            double z = aRaw[(bi * t + tok) * h + hi] + dtBias[hi];
                            double softplus = z > 20 ? z : Math.log1p(Math.exp(z));
                            g += softplus * negExpA[hi] * m;
                        }
                        gTok[bhn * ct + i] = (float) g;
                        for (int j = 0; j < n; j++) {
                            gSub[bhn * c + i * n + j] = (float) g;
                        }
                    }
                }
            }
        }
        NDManager m = p.qkv().getManager();
        return new ChunkedInputs(m.create(q, new Shape(b, h, chunks, ct, dk)), m.create(k, new Shape(b, h, chunks, c, dk)),
                m.create(v, new Shape(b, h, chunks, c, dv)), m.create(beta, new Shape(b, h, chunks, c)),
                aRaw == null ? null : m.create(gTok, new Shape(b, h, chunks, ct)),
                aRaw == null ? null : m.create(gSub, new Shape(b, h, chunks, c)), t, ct, n);
    }

    /** SiLU (when asked), then the L2 norm times {@code scale} (when asked), of {@code d} numbers from {@code from}. */
    private static void row(float[] src, int from, int d, boolean silu, boolean l2, float scale, float[] dst, int to) {
        double[] x = new double[d];
        double squares = 0;
        for (int e = 0; e < d; e++) {
            double a = src[from + e];
            x[e] = silu ? a / (1 + Math.exp(-a)) : a;
            squares += x[e] * x[e];
        }
        double f = l2 ? scale / Math.sqrt(squares + 1e-6) : 1;
        for (int e = 0; e < d; e++) {
            dst[to + e] = (float) (x[e] * f);
        }
    }

    /**
     * The stepwise form, as the native recurrent kernel reads its inputs: the layout with one token a chunk (chunks
     * of n sub-steps), then the recurrence token by token in double.
     */
    public static final class Stepwise extends LoopsChunkedKernel {
        @Override
        public String name() {
            return "loops-recurrent";
        }

        @Override
        public ForwardMode mode() {
            return ForwardMode.STEPWISE;
        }

        @Override
        int chunkFor(ComputeOptions options, int n) {
            return n;
        }

        /** Token by token in double, as the native recurrent kernel runs: decay, n rank-one updates, read-out. */
        @Override
        RecurrenceResult recur(ChunkedInputs x, NDArray initialState, ChunkConstants constants) {
            int b = (int) x.batch();
            int h = (int) x.heads();
            int t = (int) x.chunks();
            int n = x.n();
            int dk = (int) x.dk();
            int dv = (int) x.v().getShape().get(4);
            float[] q = x.q().toFloatArray();
            float[] k = x.k().toFloatArray();
            float[] v = x.v().toFloatArray();
            float[] beta = x.beta().toFloatArray();
            float[] g = x.gTok() == null ? null : x.gTok().toFloatArray();
            float[] s0 = initialState == null ? null : initialState.toFloatArray();
            float[] o = new float[b * h * t * dv];
            float[] last = new float[b * h * dk * dv];
            for (int bh = 0; bh < b * h; bh++) {
                double[] st = new double[dk * dv];
                for (int i = 0; i < dk * dv; i++) {
                    st[i] = s0 == null ? 0 : s0[bh * dk * dv + i];
                }
                for (int ti = 0; ti < t; ti++) {
                    double decay = g == null ? 1 : Math.exp(g[bh * t + ti]);
                    for (int i = 0; i < dk * dv; i++) {
                        st[i] *= decay;
                    }
                    for (int j = 0; j < n; j++) {
                        int step = (bh * t + ti) * n + j;
                        for (int c = 0; c < dv; c++) {
                            double dot = 0;
                            for (int r = 0; r < dk; r++) {
                                dot += st[r * dv + c] * k[step * dk + r];
                            }
                            double u = beta[step] * (v[step * dv + c] - dot);
                            for (int r = 0; r < dk; r++) {
                                st[r * dv + c] += k[step * dk + r] * u;
                            }
                        }
                    }
                    for (int c = 0; c < dv; c++) {
                        double dot = 0;
                        for (int r = 0; r < dk; r++) {
                            dot += st[r * dv + c] * q[(bh * t + ti) * dk + r];
                        }
                        o[(bh * t + ti) * dv + c] = (float) dot;
                    }
                }
                for (int i = 0; i < dk * dv; i++) {
                    last[bh * dk * dv + i] = (float) st[i];
                }
            }
            NDManager m = x.q().getManager();
            return new RecurrenceResult(m.create(o, new Shape(b, h, t, dv)), m.create(last, new Shape(b, h, dk, dv)));
        }
    }
}
