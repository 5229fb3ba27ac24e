package dev.deltaeval.deltanet.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.deltaeval.checkpoints.HostTensor;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.deltanet.config.ModelConfig;
import dev.deltaeval.deltanet.config.WeightSchema;
import dev.deltaeval.deltanet.layers.DecoderBlock;
import dev.deltaeval.deltanet.layers.DenseStages;
import dev.deltaeval.deltanet.layers.HouseholderMixer;
import dev.deltaeval.deltanet.layers.LayerState;
import dev.deltaeval.deltanet.layers.PaddingMask;
import dev.deltaeval.deltanet.layers.ShortConv;
import dev.deltaeval.deltanet.layers.SwiGluMlp;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.deltanet.ops.DenseOps;
import dev.deltaeval.deltanet.ops.KernelPlan;
import dev.deltaeval.deltanet.ops.StateObserver;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelInfo;
import dev.deltaeval.model.NonFiniteOutputException;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.StateInspection;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.ModelException;
import dev.deltaeval.runtime.Precision;
import dev.deltaeval.runtime.StageClock;
import dev.deltaeval.runtime.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A DeltaNet-family language model on a DJL device: embeddings, blocks, final norm, output projection. Every
 * forward pass runs in its own NDManager scope (and each layer in a sub-scope), so nothing leaks across calls.
 */
public final class DeltaNetModel implements LanguageModel, StateInspection {
    /** Target size of one [B, chunk, vocab] logits block when scoring. */
    static final long DEFAULT_SCORE_BLOCK_ELEMENTS = 16L << 20;
    /** On a GPU: 64M logits (256 MB in fp32) per block, few enough blocks that per-block work does not show. */
    static final long GPU_SCORE_BLOCK_ELEMENTS = 64L << 20;
    private long scoreBlockElements = DEFAULT_SCORE_BLOCK_ELEMENTS;

    private final ModelConfig config;
    private final ComputeOptions options;
    private final NDManager manager;
    private final NDArray embeddings;
    private final List<DecoderBlock> blocks;
    private final NDArray finalNorm;
    private final NDArray outputT;
    private NDArray outputT64;
    private final String checkpointHash;
    private final int convCacheLength;
    private final KernelPlan kernels;
    private volatile StageClock clock = StageClock.OFF;

    private DeltaNetModel(ModelConfig config, ComputeOptions options, NDManager manager, NDArray embeddings,
                       List<DecoderBlock> blocks, NDArray finalNorm, NDArray outputT, String checkpointHash,
                       int convCacheLength, KernelPlan kernels) {
        this.config = config;
        this.options = options;
        this.manager = manager;
        this.embeddings = embeddings;
        this.blocks = blocks;
        this.finalNorm = finalNorm;
        this.outputT = outputT;
        this.checkpointHash = checkpointHash;
        this.convCacheLength = convCacheLength;
        this.kernels = kernels;
    }

    public static DeltaNetModel load(DeltaNetCheckpoint ckpt, ComputeOptions options) {
        Engine engine = Engines.pytorch();
        NDManager manager = engine.newBaseManager(options.device());
        try {
            ModelConfig c = ckpt.config();
            WeightLoader wl = new WeightLoader(ckpt, manager, options.precision().dataType());
            NDArray emb = wl.dense(WeightSchema.EMBEDDINGS);
            List<DecoderBlock> blocks = new ArrayList<>();
            KernelPlan kernels = KernelPlan.choose(KernelPlan.installed(), options, manager);
            float eps = (float) c.normEps();
            int cacheLen = 0;
            for (int l = 0; l < c.numLayers(); l++) {
                ShortConv conv = null;
                if (c.useShortConv()) {
                    NDArray convW = wl.concatRows(l, "attn.q_conv1d.weight", "attn.k_conv1d.weight",
                            "attn.v_conv1d.weight");
                    NDArray convB = c.convBias() ? wl.concatRows(l, "attn.q_conv1d.bias", "attn.k_conv1d.bias",
                            "attn.v_conv1d.bias") : null;
                    conv = new ShortConv(convW, convB);
                    cacheLen = conv.cacheLength();
                }
                List<String> proj = new ArrayList<>(List.of("attn.q_proj.weight", "attn.k_proj.weight",
                        "attn.v_proj.weight"));
                if (c.useBeta()) {
                    proj.add("attn.b_proj.weight");
                }
                if (c.useForgetGate()) {
                    proj.add("attn.a_proj.weight");
                }
                if (c.useOutputGate()) {
                    proj.add("attn.g_proj.weight");
                }
                NDArray inProjT = wl.concatRows(l, proj.toArray(String[]::new)).transpose();
                NDArray negExpA = c.useForgetGate() ? wl.fp32(WeightSchema.layer(l, "attn.A_log")).exp().neg() : null;
                NDArray dtBias = c.useForgetGate() ? wl.fp32(WeightSchema.layer(l, "attn.dt_bias")) : null;
                HouseholderMixer mixer = new HouseholderMixer(c, new HouseholderMixer.Weights(inProjT, conv, negExpA,
                        dtBias, wl.fp32(WeightSchema.layer(l, "attn.o_norm.weight")),
                        wl.dense(WeightSchema.layer(l, "attn.o_proj.weight")).transpose()));
                SwiGluMlp mlp = new SwiGluMlp(
                        wl.concatRows(l, "mlp.gate_proj.weight", "mlp.up_proj.weight").transpose(),
                        wl.dense(WeightSchema.layer(l, "mlp.down_proj.weight")).transpose());
                blocks.add(new DecoderBlock(wl.fp32(WeightSchema.layer(l, "attn_norm.weight")), mixer,
                        wl.fp32(WeightSchema.layer(l, "mlp_norm.weight")), mlp, eps));
            }
            NDArray finalNorm = wl.fp32(WeightSchema.FINAL_NORM);
            NDArray outputT = c.tieWordEmbeddings() ? emb.transpose() : wl.dense(WeightSchema.LM_HEAD).transpose();
            // The widened (BF16/F16) host copies and the parts of fused projections are now garbage direct buffers;
            // collect them here, once, instead of carrying up to a second copy of the weights until some later GC.
            System.gc();
            return new DeltaNetModel(c, options, manager, emb, blocks, finalNorm, outputT, ckpt.contentHash(), cacheLen,
                    kernels);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Bounds the [B, block, vocab] logits materialised at once when scoring targets (tests use tiny blocks). */
    void setScoreBlockElements(long elements) {
        this.scoreBlockElements = elements;
    }

    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelInfo info() {
        return DeltaNetFamily.info(config);
    }

    @Override
    public Optional<StateInspection> stateInspection() {
        return Optional.of(this);
    }

    @Override
    public StateShape stateShape() {
        return new StateShape(config.numHeads(), config.headKDim(), config.headVDim(), config.numHouseholder());
    }

    @Override
    public boolean useStageClock(StageClock stageClock) {
        this.clock = stageClock;
        return true;
    }

    @Override
    public String kernelSummary() {
        return kernels.describe();
    }

    @Override
    public ComputeOptions options() {
        return options;
    }

    public String checkpointHash() {
        return checkpointHash;
    }

    /** Arrays the model itself holds (weights); constant across forward passes unless something leaks. */
    public int residentArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public ForwardOutput forward(TokenBatch input, RecurrentState initial, ForwardRequest req) {
        return forwardObserved(input, initial, req, null);
    }

    /**
     * As {@link #forward}; {@code stateObserver} (if not null) receives (layer, token, step, S) after every
     * sub-step, and the recurrence then runs on the host.
     */
    @Override
    public ForwardOutput forwardObserved(TokenBatch input, RecurrentState initial, ForwardRequest req,
                                         StateObserver stateObserver) {
        try {
            return run(input, own(initial), req, stateObserver);
        } catch (ai.djl.engine.EngineException e) {
            throw outOfMemory(e, input).orElseThrow(() -> e);
        }
    }

    private static DeltaNetState own(RecurrentState s) {
        if (s == null || s instanceof DeltaNetState) {
            return (DeltaNetState) s;
        }
        throw new ModelException("a " + s.getClass().getSimpleName() + " cannot continue a DeltaNet model");
    }

    /**
     * CUDA's out-of-memory error as one line that says what to lower. Whatever finished before is journaled, so
     * the same command resumes after it.
     */
    static java.util.Optional<ModelException> outOfMemory(RuntimeException e, TokenBatch input) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (!m.contains("out of memory")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ModelException("out of GPU memory on a forward pass over " + input.batch()
                + " x " + input.length() + " tokens; lower " + DeltaEvalException.setting("batch_size") + " (eval, bench tasks) or " + DeltaEvalException.setting("segment") + " (extrapolate,"
                + " rank) and run the same command again: finished work is kept and resumes (" + m.split("\n")[0]
                .replaceAll("\\s+", " ").trim() + ")", e));
    }

    private ForwardOutput run(TokenBatch input, DeltaNetState initial, ForwardRequest req,
                              StateObserver stateObserver) {
        if (initial != null && initial.batch() != input.batch()) {
            throw new ModelException("state has batch " + initial.batch() + ", input has " + input.batch());
        }
        if (req.targets() != null && (req.targets().batch() != input.batch()
                || req.targets().length() != input.length())) {
            throw new ModelException("targets must have the input's shape " + input.batch() + " x " + input.length());
        }
        checkIds(input);
        long b = input.batch();
        long t = input.length();
        long hsz = config.hiddenSize();
        long created = 0;
        try (NDManager scope = manager.newSubManager()) {
            StageClock clock = this.clock;
            clock.restart();
            NDArray ids = scope.create(input.ids(), new Shape(b, t));
            NDArray h = clock.time("embedding", () -> embeddings.get(scope, new NDIndex("{}", ids)));
            PaddingMask padding = input.isRagged() ? PaddingMask.of(scope, input.lengths(), input.length(),
                    config.numHouseholder(), convCacheLength) : null;
            float[] hidden = req.hidden() ? new float[(int) ((config.numLayers() + 1) * b * t * hsz)] : null;
            float[] mixed = req.mixerOutputs() ? new float[(int) (config.numLayers() * b * t * hsz)] : null;
            List<LayerState> states = new ArrayList<>();
            for (int l = 0; l < blocks.size(); l++) {
                if (hidden != null) {
                    copyInto(h, hidden, l * b * t * hsz);
                }
                try (NDManager layerScope = scope.newSubManager()) {
                    // everything a layer reads is lent to its scope: DJL attaches a result to its receiver's manager,
                    // so a convolution over the initial state's cache, or a gather over the padding mask, would
                    // otherwise keep its whole chain of results alive until the forward pass ends (a 256-row forked
                    // pass of a 24-layer model held 134 GB on an H200 that way)
                    h.tempAttach(layerScope);
                    if (initial != null) {
                        initial.layer(l).tempAttach(layerScope);
                    }
                    if (padding != null) {
                        padding.tempAttach(layerScope);
                    }
                    dev.deltaeval.deltanet.ops.StateObserver obs = null;
                    if (stateObserver != null) {
                        final int layer = l;
                        obs = (tok, step, s) -> stateObserver.onState(layer, tok, step, s);
                    }
                    long mixedAt = l * b * t * hsz;
                    HouseholderMixer.Output out = blocks.get(l).apply(h, initial == null ? null : initial.layer(l),
                            padding, req.mode(), kernels, obs, mixed == null ? null : y -> copyInto(y, mixed, mixedAt),
                            clock);
                    created += layerScope.getManagedArrays().size();
                    out.y().attach(scope);
                    if (req.keepState()) {
                        out.state().s().attach(scope);
                        if (out.state().convCache() != null) {
                            out.state().convCache().attach(scope);
                        }
                        states.add(out.state());
                    }
                    NDArray consumed = h;
                    h = out.y();
                    consumed.close(); // layer input no longer needed: keeps memory O(one layer)
                }
            }
            NDArray lastHidden = h;
            NDArray y = clock.time("final norm", () -> DenseStages.of(kernels.denseOps(req.mode()))
                    .rmsNorm(lastHidden, finalNorm, (float) config.normEps()));
            if (hidden != null) {
                copyInto(y, hidden, config.numLayers() * b * t * hsz);
            }
            float[] logits = req.logits() ? y.matMul(outputT).toType(DataType.FLOAT32, false).toFloatArray() : null;
            float[] logProbs = null;
            long[] argmax = null;
            if (req.targets() != null) {
                logProbs = new float[(int) (b * t)];
                argmax = new long[(int) (b * t)];
                created += scoreTargets(y, req.targets(), logProbs, argmax, kernels.denseOps(req.mode()));
            } else if (logits != null) {
                argmax = argmaxOf(logits, config.vocabSize());
            }
            clock.charge("head, log-softmax, transfer to host");
            float[] last = null;
            if (req.lastLogProbs()) {
                long[] pos = new long[(int) b];
                for (int i = 0; i < b; i++) {
                    pos[i] = input.rowLength(i) - 1;
                }
                NDArray index = scope.create(pos).reshape(b, 1, 1).repeat(2, hsz);
                last = scoringLogits(y.gather(index, 1)).logSoftmax(-1).toType(DataType.FLOAT32, false)
                        .toFloatArray();
            }
            int badRow = firstNonFiniteRow(input, logits, logProbs, last);
            if (badRow >= 0) {
                throw new NonFiniteOutputException("non-finite values (NaN or infinity) in the model's output, "
                        + firstNonFiniteStage(input, initial, req.mode()), badRow);
            }
            DeltaNetState state = null;
            if (req.keepState()) {
                NDManager sm = manager.newSubManager();
                for (LayerState ls : states) {
                    ls.s().attach(sm);
                    if (ls.convCache() != null) {
                        ls.convCache().attach(sm);
                    }
                }
                long seen = (initial == null ? 0 : initial.tokensSeen()) + t;
                state = new DeltaNetState(sm, states, b, seen);
            }
            created += scope.getManagedArrays().size();
            return new ForwardOutput(logits, logProbs, argmax, hidden, state, last, mixed, created);
        }
    }

    /** The first batch row whose requested outputs hold a non-finite value at a real (unpadded) position, or -1. */
    private int firstNonFiniteRow(TokenBatch input, float[] logits, float[] logProbs, float[] last) {
        int t = input.length();
        int vocab = config.vocabSize();
        for (int row = 0; row < input.batch(); row++) {
            int real = input.rowLength(row);
            if (logProbs != null && !allFinite(logProbs, (long) row * t, real)
                    || logits != null && !allFinite(logits, (long) row * t * vocab, (long) real * vocab)
                    || last != null && !allFinite(last, (long) row * vocab, vocab)) {
                return row;
            }
        }
        return -1;
    }

    private static boolean allFinite(float[] x, long from, long count) {
        for (long i = from; i < from + count; i++) {
            if (!Float.isFinite(x[(int) i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where non-finite values first appear, found by running the same input again with its hidden states (only when
     * an output was non-finite, so it costs nothing otherwise).
     */
    private String firstNonFiniteStage(TokenBatch input, DeltaNetState initial, ForwardMode mode) {
        float[] hidden = run(input, initial, new ForwardRequest(mode, false, null, true, false), null).hidden();
        long perEntry = (long) input.batch() * input.length() * config.hiddenSize();
        int layers = config.numLayers();
        for (int e = 0; e <= layers; e++) {
            if (!allFinite(hidden, e * perEntry, perEntry)) {
                return e == 0 ? "first in the token embeddings"
                        : e < layers ? "first in the output of layer " + (e - 1) + " (of " + layers + ")"
                        : "first in the last layer or the final norm (layer " + (layers - 1) + ")";
            }
        }
        return "in the output head (the hidden states are finite: the logits overflowed)";
    }

    @Override
    public DeltaNetState emptyState(int batch) {
        NDManager sm = manager.newSubManager();
        List<LayerState> layers = new ArrayList<>();
        long conv = (long) config.keyDim() * (config.numHouseholder() + 1)
                + (long) config.valueDim() * config.numHouseholder();
        for (int l = 0; l < config.numLayers(); l++) {
            NDArray s = sm.zeros(new Shape(batch, config.numHeads(), config.headKDim(), config.headVDim()));
            NDArray cache = config.useShortConv()
                    ? sm.zeros(new Shape(batch, convCacheLength, conv), options.precision().dataType()) : null;
            layers.add(new LayerState(s, cache));
        }
        return new DeltaNetState(sm, layers, batch, 0);
    }

    /** @param fused the kernel family's fused scoring, tried first on every block (DJL's log-softmax otherwise) */
    private long scoreTargets(NDArray y, TokenBatch targets, float[] logProbs, long[] argmax,
                              Optional<DenseOps> fused) {
        long b = targets.batch();
        int t = targets.length();
        long blockElements = options.device().isGpu() ? GPU_SCORE_BLOCK_ELEMENTS : scoreBlockElements;
        int block = (int) Math.max(1, Math.min(t, blockElements / (b * config.vocabSize())));
        long created = 0;
        // the picked log-probabilities and argmaxes stay on the device until every block is done: one transfer
        // (one device sync) per forward instead of two per block
        NDList picked = new NDList();
        NDList best = new NDList();
        for (int from = 0; from < t; from += block) {
            int to = Math.min(t, from + block);
            try (NDManager ms = y.getManager().newSubManager()) {
                NDArray yb = y.get(ms, new NDIndex(":, {}:{}", from, to));
                NDArray logits = headLogits(yb);
                NDArray tgt = ms.create(targets.columnIds(from, to), new Shape(b, to - from, 1));
                Optional<NDArray[]> scored = fused.flatMap(f -> f.targetLogProbs(logits, tgt));
                NDArray p;
                NDArray a;
                if (scored.isPresent()) {
                    p = scored.get()[0].reshape(b, to - from);
                    a = scored.get()[1].reshape(b, to - from);
                } else {
                    NDArray lp = toFloat(logits).logSoftmax(-1);
                    p = lp.gather(tgt, 2).reshape(b, to - from);
                    a = lp.argMax(2);
                }
                p.attach(y.getManager());
                a.attach(y.getManager());
                picked.add(p);
                best.add(a);
                created += ms.getManagedArrays().size();
            }
        }
        NDArray allPicked = picked.size() == 1 ? picked.get(0) : NDArrays.concat(picked, 1);
        NDArray allBest = best.size() == 1 ? best.get(0) : NDArrays.concat(best, 1);
        System.arraycopy(allPicked.toType(DataType.FLOAT32, false).toFloatArray(), 0, logProbs, 0, (int) (b * t));
        System.arraycopy(allBest.toLongArray(), 0, argmax, 0, (int) (b * t));
        return created + picked.size() + best.size() + 2;
    }

    /**
     * Logits for scoring, in fp64 at fp32 precision: BLAS picks different kernels for different row counts (GEMV
     * for one row, blocked GEMM for many), and through a 32000-way log-softmax those fp32 differences reach 1e-5 on a summed
     * log-likelihood. In fp64 a request's score does not depend on the batch it was run in. The product is rounded
     * to fp32 afterwards (deterministically), so the log-softmax over the vocabulary, a per-row reduction, runs in
     * fp32 at a third of the fp64 cost.
     */
    private NDArray scoringLogits(NDArray y) {
        return toFloat(headLogits(y));
    }

    /** The head's logits as scoring takes them: fp16 in fp16 runs, else fp32 from the fp64 product (see above). */
    private NDArray headLogits(NDArray y) {
        // fp16 runs are for speed: the head stays in fp16 (tensor cores) like the rest. fp32 runs are the exact
        // mode, on a GPU too, and score as the CPU does
        if (options.precision() == Precision.FP16) {
            return y.matMul(outputT);
        }
        if (outputT64 == null) {
            outputT64 = outputT.toType(DataType.FLOAT64, false);
        }
        return y.toType(DataType.FLOAT64, false).matMul(outputT64).toType(DataType.FLOAT32, false);
    }

    private static NDArray toFloat(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }

    private static long[] argmaxOf(float[] logits, int vocab) {
        long[] out = new long[logits.length / vocab];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits[r * vocab + v] > logits[r * vocab + best]) {
                    best = v;
                }
            }
            out[r] = best;
        }
        return out;
    }

    private void checkIds(TokenBatch input) {
        for (long id : input.ids()) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new ModelException("token id " + id + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
    }

    private static void copyInto(NDArray x, float[] dst, long offset) {
        float[] src = x.toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(src, 0, dst, (int) offset, src.length);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Turns checkpoint weights (fp32 on the host) into device arrays of the compute dtype. */
    private static final class WeightLoader {
        private final DeltaNetCheckpoint ckpt;
        private final NDManager manager;
        private final DataType dense;

        WeightLoader(DeltaNetCheckpoint ckpt, NDManager manager, DataType dense) {
            this.ckpt = ckpt;
            this.manager = manager;
            this.dense = dense;
        }

        NDArray fp32(String name) {
            HostTensor t = ckpt.weight(name);
            return manager.create(t.data(), new Shape(t.shape()), DataType.FLOAT32);
        }

        NDArray dense(String name) {
            NDArray a = fp32(name);
            return dense == DataType.FLOAT32 ? a : a.toType(dense, false);
        }

        NDArray concatRows(int layer, String... names) {
            NDList parts = new NDList();
            for (String n : names) {
                parts.add(dense(WeightSchema.layer(layer, n)));
            }
            NDArray out = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            if (parts.size() > 1) {
                parts.close();
            }
            return out;
        }
    }
}
