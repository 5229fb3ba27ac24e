package dev.deltaeval.gpu;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.NativeLibrary;
import dev.deltaeval.deltanet.config.ModelConfig.QkActivation;
import dev.deltaeval.deltanet.config.ModelConfig.QkNorm;
import dev.deltaeval.deltanet.layers.DenseStages;
import dev.deltaeval.deltanet.layers.Ops;
import dev.deltaeval.deltanet.layers.PaddingMask;
import dev.deltaeval.deltanet.layers.ProjectionInputs;
import dev.deltaeval.deltanet.layers.ShortConv;
import dev.deltaeval.deltanet.ops.ChunkedInputs;
import dev.deltaeval.deltanet.ops.DjlChunkedKernel;
import dev.deltaeval.deltanet.ops.DjlRecurrentKernel;
import dev.deltaeval.deltanet.ops.MixerProjections;
import dev.deltaeval.deltanet.ops.RecurrenceInputs;
import dev.deltaeval.deltanet.ops.RecurrenceResult;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads the native library once per process and decides whether its kernels may run: found (see
 * {@link NativeLibraryLocator}), loadable after DJL's engine (so its libtorch symbols resolve to the copy DJL
 * loaded), of this binding's ABI version, built against the torch DJL runs, reading DJL's handles as tensors of the
 * right shape and type (the handle layout is DJL-internal), and giving the DJL path's result on a small problem.
 * Any failure is a reason, never a crash: kernels chosen automatically fall back to DJL's with one line saying why.
 */
public final class NativeKernels {
    /** at::ScalarType::Float */
    private static final int ATEN_FLOAT = 6;
    private static Optional<String> verdict;
    /** Why layers may not hand the kernels their projections ({@code chunk_inputs}), checked with the verdict. */
    private static Optional<String> fusedInputsRefused = Optional.of("the library was not checked");
    /** Why the dense stages may not run on the K5 kernels although the others run, checked with the verdict. */
    private static Optional<String> denseOpsRefused = Optional.of("the library was not checked");
    /** Why stepwise passes may not run on the native recurrent kernel although the others run. */
    private static Optional<String> recurrentRefused = Optional.of("the library was not checked");
    /** Why fp16 mode may not run the recurrence's products on tensor cores (TF32) although the fp32 forms run. */
    private static Optional<String> tensorCoresRefused = Optional.of("the library was not checked");

    private NativeKernels() {
    }

    /**
     * Why {@code chunk_inputs} may not build the layers' inputs although the other kernels run (it disagreed with
     * the layer's own inputs on the test layer), or empty. Only meaningful once {@link #unavailable} said empty.
     */
    public static synchronized Optional<String> fusedInputsRefused() {
        return fusedInputsRefused;
    }

    /** Why the dense stages (norms, SwiGLU, the read-out's norm) may not run on the K5 kernels, or empty. */
    public static synchronized Optional<String> denseOpsRefused() {
        return denseOpsRefused;
    }

    /** Why stepwise passes may not run on the native {@code recurrent} kernel, or empty. */
    public static synchronized Optional<String> recurrentRefused() {
        return recurrentRefused;
    }

    /**
     * Why fp16 mode may not run {@code chunk_wy}, {@code chunk_state} and {@code chunk_out} on tensor cores (TF32 operands, fp32
     * accumulation), or empty: they disagreed with DJL's kernel on the test layer beyond TF32's rounding.
     */
    public static synchronized Optional<String> tensorCoresRefused() {
        return tensorCoresRefused;
    }

    /** Why the native kernels cannot run with these options, or empty when they can. */
    public static synchronized Optional<String> unavailable(ComputeOptions options) {
        if (!options.device().isGpu()) {
            return Optional.of("needs a CUDA device");
        }
        if (verdict == null) {
            verdict = check(options);
        }
        return verdict;
    }

    private static Optional<String> check(ComputeOptions options) {
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch"); // first, so libtorch is loaded before our library needs it
        } catch (RuntimeException e) {
            return Optional.of("DJL's PyTorch engine did not start: " + e.getMessage());
        }
        String torch = engine.getVersion();
        NativeLibraryLocator.Found found = NativeLibraryLocator.locate(System.getProperty(NativeLibraryLocator.PROPERTY),
                System.getenv(), torch);
        if (found.path().isEmpty()) {
            return Optional.of(found.why());
        }
        Path lib = found.path().get();
        try {
            NativeApi.register(NativeLibrary.getInstance(lib.toAbsolutePath().toString()));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.of("cannot load " + lib + ": " + firstLine(e.getMessage()));
        }
        int abi = NativeApi.de_abi_version();
        if (abi != NativeApi.ABI_VERSION) {
            return Optional.of(lib + " has ABI version " + abi + ", this DeltaEval binds version "
                    + NativeApi.ABI_VERSION + ": rebuild it with `deltaeval gpu setup`");
        }
        String built = NativeApi.de_torch_version();
        if (!built.equals(torch)) {
            return Optional.of(lib + " was built against torch " + built + ", DJL runs torch " + torch
                    + ": rebuild it with `deltaeval gpu setup`");
        }
        try (NDManager m = NDManager.newBaseManager(options.device())) {
            Optional<String> probe = probe(m);
            return probe.isPresent() ? probe : agreement(m, options);
        } catch (RuntimeException e) {
            return Optional.of("self-test of " + lib + " failed: " + firstLine(e.getMessage()));
        }
    }

    /** The library reads a DJL array's handle as a float32 CUDA tensor of 2 x 3. */
    private static Optional<String> probe(NDManager m) {
        NDArray a = m.zeros(new Shape(2, 3), DataType.FLOAT32);
        long[] numel = new long[1];
        int[] dtype = new int[1];
        int[] dims = new int[1];
        int[] cuda = new int[1];
        if (NativeApi.de_probe(NativeOps.handle(a), numel, dtype, dims, cuda) != 0) {
            return Optional.of("handle probe failed: " + NativeApi.de_last_error());
        }
        if (numel[0] != 6 || dtype[0] != ATEN_FLOAT || dims[0] != 2 || cuda[0] != 1) {
            return Optional.of("the library reads DJL's handles differently (a float32 CUDA 2 x 3 array read as "
                    + numel[0] + " elements, dtype " + dtype[0] + ", " + dims[0] + " dims, cuda " + cuda[0]
                    + "): DJL's handle layout changed");
        }
        return Optional.empty();
    }

    /**
     * A two-chunk gated DeltaProduct layer (n_h = 2, beta in [0, 2], s0 given), a short convolution and a padded
     * layer read from its projections, on the native and the DJL kernels.
     */
    private static Optional<String> agreement(NDManager m, ComputeOptions options) {
        m.getEngine().setRandomSeed(20261207);
        TestLayer layer = TestLayer.random(m, 1, 2, 64, 2, 32, 32);
        RecurrenceInputs in = layer.in();
        NDArray s0 = layer.s0();
        ComputeOptions fp32 = options.withChunk(ComputeOptions.DEFAULT_CHUNK);
        RecurrenceResult ref = new DjlChunkedKernel().bind(m, fp32).run(in, s0);
        RecurrenceResult ours = new NativeChunkedKernel().bind(m, fp32).run(in, s0);
        double err = relative(ours.o(), ref.o()) + relative(ours.finalState(), ref.finalState());
        if (!(err < 1e-4)) {
            return Optional.of("the native kernels disagree with DJL's on a test layer (relative error "
                    + String.format("%.2e", err) + ")");
        }
        // the short convolution, with a history and SiLU, against the layer's own
        ShortConv conv = new ShortConv(m.randomNormal(new Shape(24, 1, 4)), m.randomNormal(new Shape(24)));
        NDArray x = m.randomNormal(new Shape(2, 70, 24)); // 70 tokens: three of the kernel's 32-token blocks
        NDArray history = m.randomNormal(new Shape(2, 3, 24));
        NDArray own = Ops.silu(conv.apply(x, history, null).y());
        NDArray fused = conv.apply(x, history, null, Optional.of(NativeChunkedKernel::shortConv), true).y();
        double convErr = relative(fused, own);
        if (!(convErr < 1e-5)) {
            return Optional.of("the native short convolution disagrees with DJL's (relative error "
                    + String.format("%.2e", convErr) + ")");
        }
        // chunk_inputs is checked apart: when it alone disagrees, the other kernels still run, on DJL-built inputs
        try {
            fusedInputsRefused = projections(m, fp32);
        } catch (RuntimeException e) {
            fusedInputsRefused = Optional.of("chunk_inputs failed on a test layer: " + firstLine(e.getMessage()));
        }
        fusedInputsRefused.ifPresent(why -> System.err.println("deltaeval: " + why
                + "; the layers build the kernels' inputs in DJL operators"));
        try {
            denseOpsRefused = dense(m);
        } catch (RuntimeException e) {
            denseOpsRefused = Optional.of("a K5 kernel failed on test rows: " + firstLine(e.getMessage()));
        }
        denseOpsRefused.ifPresent(why -> System.err.println("deltaeval: " + why
                + "; the norms and SwiGLU run in DJL operators"));
        try {
            recurrentRefused = recurrent(m, fp32);
        } catch (RuntimeException e) {
            recurrentRefused = Optional.of("the native recurrent kernel failed on a test layer: "
                    + firstLine(e.getMessage()));
        }
        recurrentRefused.ifPresent(why -> System.err.println("deltaeval: " + why
                + "; stepwise passes run on DJL's kernel"));
        try {
            tensorCoresRefused = tensorCores(m, fp32);
        } catch (RuntimeException e) {
            tensorCoresRefused = Optional.of("the tensor-core kernels failed on a test layer: "
                    + firstLine(e.getMessage()));
        }
        tensorCoresRefused.ifPresent(why -> System.err.println("deltaeval: " + why
                + "; fp16 mode runs the recurrence's products on fp32 CUDA cores"));
        return Optional.empty();
    }

    /**
     * The chain with its products on tensor cores, on a gated n_h = 2 layer of three chunks with 64-wide heads (the
     * state pass's tensor-core form takes dk 64 or 128 and dv a multiple of 64; the read-out's takes every shape).
     * The bar is TF32's: operands rounded to 2^-11, as check_kernels.py's float64 checks on the GPU host.
     */
    private static Optional<String> tensorCores(NDManager m, ComputeOptions options) {
        TestLayer layer = TestLayer.random(m, 1, 2, 80, 2, 64, 64);
        RecurrenceResult ref = new DjlChunkedKernel().bind(m, options).run(layer.in(), layer.s0());
        ChunkedInputs x = ChunkedInputs.of(layer.in(), ComputeOptions.DEFAULT_CHUNK);
        RecurrenceResult ours = NativeChunkedKernel.runChunked(x, layer.s0(), true);
        double err = Math.max(relative(ours.o(), ref.o()), relative(ours.finalState(), ref.finalState()));
        return err < 2e-3 ? Optional.empty() : Optional.of("the tensor-core chunk_wy / chunk_state / chunk_out disagree with "
                + "DJL's kernel on a test layer (relative error " + String.format("%.2e", err) + ", TF32's bar 2e-3)");
    }

    /** Five tokens of a gated n_h = 2 layer with a state to continue from, 48 value columns (a partial block). */
    private static Optional<String> recurrent(NDManager m, ComputeOptions options) {
        TestLayer layer = TestLayer.random(m, 2, 2, 5, 2, 32, 48);
        RecurrenceResult ref = new DjlRecurrentKernel().bind(m, options).run(layer.in(), layer.s0());
        RecurrenceResult ours = NativeRecurrentKernel.runStepwise(ChunkedInputs.of(layer.in(), 2), layer.s0());
        double err = relative(ours.o(), ref.o()) + relative(ours.finalState(), ref.finalState());
        return err < 1e-5 ? Optional.empty() : Optional.of("the native recurrent kernel disagrees with DJL's on a "
                + "test layer (relative error " + String.format("%.2e", err) + ")");
    }

    /**
     * The K5 kernels against the layers' own DJL forms: RMSNorm with and without the residual add (fp32, and fp16 at
     * fp16's precision), SwiGLU, and the read-out's norm of a strided o with and without a column-slice gate.
     */
    private static Optional<String> dense(NDManager m) {
        DenseStages djl = DenseStages.DJL;
        DenseStages ours = DenseStages.of(Optional.of(NativeDenseOps.INSTANCE));
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
            double bar = type == DataType.FLOAT32 ? 1e-5 : 2e-3;
            NDArray x = m.randomNormal(new Shape(2, 5, 200)).toType(type, false);
            NDArray res = m.randomNormal(new Shape(2, 5, 200)).toType(type, false);
            NDArray w = m.randomNormal(new Shape(200));
            NDArray gu = m.randomNormal(new Shape(2, 5, 160)).toType(type, false);
            NDArray[] want = djl.addRmsNorm(x, res, w, 1e-6f);
            NDArray[] got = ours.addRmsNorm(x, res, w, 1e-6f);
            double[] errs = {relative(ours.rmsNorm(x, w, 1e-6f), djl.rmsNorm(x, w, 1e-6f)),
                relative(got[0], want[0]), relative(got[1], want[1]), relative(ours.swiGlu(gu), djl.swiGlu(gu))};
            for (double e : errs) {
                if (!(e < bar)) {
                    return Optional.of("the native norms or SwiGLU disagree with DJL's in " + type + " (relative error "
                            + String.format("%.2e", e) + ")");
                }
            }
        }
        // scoring: fp32 and fp16 logits of 1000 words, every row's target log-probability and argmax
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
            NDArray logits = m.randomNormal(new Shape(2, 5, 1000)).mul(4).toType(type, false);
            NDArray targets = m.randomInteger(0, 1000, new Shape(2, 5, 1), DataType.INT64);
            NDArray lp = logits.toType(DataType.FLOAT32, false).logSoftmax(-1);
            NDArray[] got = NativeDenseOps.INSTANCE.targetLogProbs(logits, targets).orElseThrow();
            double e = relative(got[0], lp.gather(targets, 2).reshape(2, 5));
            boolean sameArgmax = got[1].reshape(2, 5).contentEquals(lp.argMax(2));
            if (!(e < 1e-5) || !sameArgmax) {
                return Optional.of("the native scoring disagrees with DJL's log-softmax in " + type + " (relative error "
                        + String.format("%.2e", e) + (sameArgmax ? "" : ", argmax differs") + ")");
            }
        }
        NDArray o = m.randomNormal(new Shape(2, 3, 7, 32)).get(new NDIndex(":, :, 0:5"));   // strided, as unchunk leaves it
        NDArray w = m.randomNormal(new Shape(32));
        NDArray gate = m.randomNormal(new Shape(2, 5, 3 * 32 + 8)).get(new NDIndex(":, :, 0:96"));
        for (NDArray g : new NDArray[] {null, gate}) {
            double e = relative(ours.headNorm(o, w, g, 1e-5f, DataType.FLOAT32),
                    djl.headNorm(o, w, g, 1e-5f, DataType.FLOAT32));
            if (!(e < 1e-5)) {
                return Optional.of("the native read-out norm disagrees with DJL's (relative error "
                        + String.format("%.2e", e) + (g == null ? "" : ", gated") + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * chunk_inputs and the chain from a gated n_h = 2 layer's projections, one row right-padded (50 of 70 tokens,
     * three chunks with a ragged last one), against the layer's own inputs on DJL's kernel.
     */
    private static Optional<String> projections(NDManager m, ComputeOptions options) {
        int b = 2;
        int t = 70;
        int h = 2;
        int d = 32;
        int n = 2;
        NDArray projected = m.randomNormal(new Shape(b, t, (long) h * d * (n + 1) + (long) n * h * d + n * h + h));
        NDList parts = projected.split(new long[] {(long) h * d * (n + 1) + (long) n * h * d,
            (long) h * d * (n + 1) + (long) n * h * d + n * h}, 2);
        PaddingMask padding = PaddingMask.of(m, new int[] {t, 50}, t, n, 0);
        MixerProjections p = new MixerProjections(parts.get(0), false, parts.get(1), parts.get(2),
                m.randomNormal(new Shape(h)), m.randomUniform(-1f, -0.1f, new Shape(h)), padding.tokens(),
                padding.substeps(), h, d, d, n, (float) Math.pow(d, -0.5), true);
        NDArray s0 = m.randomNormal(new Shape(b, h, d, d)).mul(0.1);
        RecurrenceResult ref = new DjlChunkedKernel().bind(m, options)
                .run(ProjectionInputs.of(p, QkActivation.SILU, QkNorm.L2), s0);
        Optional<RecurrenceResult> ours = new NativeChunkedKernel().bind(m, options).runFromProjections(p, s0);
        if (ours.isEmpty()) {
            return Optional.of("the native kernels declined a test layer's projections");
        }
        double err = relative(ours.get().o(), ref.o()) + relative(ours.get().finalState(), ref.finalState());
        return err < 1e-4 ? Optional.empty() : Optional.of("the native chunk_inputs disagrees with DJL's inputs on a "
                + "test layer (relative error " + String.format("%.2e", err) + ")");
    }

    /** A gated layer's recurrence inputs as the model builds them (unit keys, beta in [0, 2]) and a state s0. */
    private record TestLayer(RecurrenceInputs in, NDArray s0) {
        static TestLayer random(NDManager m, int b, int h, int t, int n, int dk, int dv) {
            NDArray q = unit(m.randomNormal(new Shape(b, h, t, dk))).mul(Math.pow(dk, -0.5));
            NDArray k = unit(m.randomNormal(new Shape(b, h, (long) t * n, dk)));
            NDArray v = m.randomNormal(new Shape(b, h, (long) t * n, dv));
            NDArray beta = m.randomUniform(0f, 2f, new Shape(b, h, (long) t * n));
            NDArray g = m.randomUniform(-0.2f, 0f, new Shape(b, h, t));
            NDArray s0 = m.randomNormal(new Shape(b, h, dk, dv)).mul(0.1);
            return new TestLayer(new RecurrenceInputs(q, k, v, beta, g, n), s0);
        }
    }

    private static NDArray unit(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).sqrt());
    }

    private static double relative(NDArray a, NDArray ref) {
        double num = a.sub(ref).square().sum().sqrt().getFloat();
        double den = ref.square().sum().sqrt().getFloat();
        return num / Math.max(den, 1e-30);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Whether an argument error raised inside the library (a chunk of 65 sub-steps, past every kernel's limit) comes
     * back as a return value and a message: the library's message, or why the error path is broken. Run by
     * {@code deltaeval gpu check} on the user's host, never during a run (a broken error path could end the process).
     * Only after {@link #unavailable} found the library usable.
     */
    public static synchronized String argumentError(ComputeOptions options) {
        if (verdict == null || verdict.isPresent()) {
            throw new IllegalStateException("the native library is not loaded");
        }
        try (NDManager m = NDManager.newBaseManager(options.device())) {
            NDArray k = m.zeros(new Shape(1, 1, 1, 65, 32), DataType.FLOAT32);
            NDArray beta = m.zeros(new Shape(1, 1, 1, 65), DataType.FLOAT32);
            long[] out = new long[2];
            int rc = NativeApi.de_chunk_wy(NativeOps.handle(k), NativeOps.handle(k), NativeOps.handle(beta), 0, 0, out);
            String message = NativeApi.de_last_error();
            if (rc != 1 || !message.contains("chunk length")) {
                throw new IllegalStateException("a chunk of 65 sub-steps gave return value " + rc + " and message '"
                        + message + "' (expected 1 and the chunk-length limit)");
            }
            return message;
        }
    }

    /** For tests: forget the verdict (the library stays registered). */
    static synchronized void reset() {
        verdict = null;
    }

}
