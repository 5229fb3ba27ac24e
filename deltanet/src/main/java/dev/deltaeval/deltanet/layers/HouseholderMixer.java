package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.deltaeval.deltanet.config.ModelConfig.QkActivation;
import dev.deltaeval.deltanet.config.ModelConfig.QkNorm;
import dev.deltaeval.deltanet.config.ModelConfig;
import dev.deltaeval.deltanet.ops.HostDeltaRule;
import dev.deltaeval.deltanet.ops.KernelPlan;
import dev.deltaeval.deltanet.ops.MixerProjections;
import dev.deltaeval.deltanet.ops.RecurrenceInputs;
import dev.deltaeval.deltanet.ops.RecurrenceResult;
import dev.deltaeval.deltanet.ops.StateObserver;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.StageClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The token mixer of all three families (model.md §2.3, §4): projections, causal short convolutions, beta, the
 * forget gate, the Householder-product recurrence, the per-head output norm (gated or not) and o_proj.
 * DeltaNet and Gated DeltaNet are the n = 1 case.
 */
public final class HouseholderMixer {
    /** Projection weights of one layer, already fused and transposed for x . W^T. */
    public record Weights(NDArray inProjT, ShortConv conv, NDArray negExpA, NDArray dtBias, NDArray oNorm,
                          NDArray oProjT) {
    }

    private final ModelConfig cfg;
    private final Weights w;
    private final long[] splits;
    private final int convChannels;
    private final float qScale;
    private final float eps;

    public HouseholderMixer(ModelConfig cfg, Weights w) {
        this.cfg = cfg;
        this.w = w;
        int n = cfg.numHouseholder();
        this.convChannels = cfg.keyDim() + n * cfg.keyDim() + n * cfg.valueDim();
        List<Long> cuts = new ArrayList<>();
        long at = convChannels;
        if (cfg.useBeta() || cfg.useForgetGate() || cfg.useOutputGate()) {
            cuts.add(at);
        }
        if (cfg.useBeta()) {
            at += (long) n * cfg.numHeads();
            if (cfg.useForgetGate() || cfg.useOutputGate()) {
                cuts.add(at);
            }
        }
        if (cfg.useForgetGate()) {
            at += cfg.numHeads();
            if (cfg.useOutputGate()) {
                cuts.add(at);
            }
        }
        this.splits = cuts.stream().mapToLong(Long::longValue).toArray();
        this.qScale = (float) (1.0 / Math.sqrt(cfg.headKDim()));
        this.eps = (float) cfg.normEps();
    }

    /** Output of the mixer for a block of tokens. */
    public record Output(NDArray y, LayerState state) {
    }

    /**
     * @param x     [B, T, H] attn-normed input
     * @param state state to continue from, or null for a fresh sequence
     * @param padding where a right-padded batch has real tokens, or null when every row is full
     * @param kernels the model's kernels; {@code mode} picks the chain that runs the recurrence
     * @param observer receives the state after every sub-step (the recurrence then runs on the host), or null
     */
    public Output apply(NDArray x, LayerState state, PaddingMask padding, ForwardMode mode, KernelPlan kernels,
                        StateObserver observer, StageClock clock) {
        // one fused projection; its first q|k|v columns go through the fused short convolution as they are
        NDArray projected = clock.time("mixer: in-projection", () -> x.matMul(w.inProjT()));
        NDList parts = splits.length == 0 ? new NDList(projected) : projected.split(splits, 2);
        boolean siluAll = cfg.qkActivation() == QkActivation.SILU;
        ShortConv.Output conv = w.conv() == null ? null : clock.time("mixer: short convolution",
                () -> w.conv().apply(parts.get(0), state == null ? null : state.convCache(),
                        padding == null ? null : padding.cacheIndex(), kernels.shortConv(mode), siluAll),
                ShortConv.Output::y);
        NDArray convolved = conv == null ? parts.get(0) : conv.y();
        boolean activated = conv != null && conv.activated();
        MixerProjections projections = projections(convolved, activated, parts, padding);
        NDArray s0 = state == null ? null : state.s();
        // a kernel family that builds its own input layout reads the projections (SiLU and L2 norm only: the
        // configurations its fused pass implements); otherwise the layer builds the inputs in DJL operators
        boolean fusable = observer == null && cfg.qkActivation() == QkActivation.SILU && cfg.qkNorm() == QkNorm.L2;
        Optional<RecurrenceResult> fused = fusable ? kernels.runFromProjections(mode, projections, s0, clock)
                : Optional.empty();
        RecurrenceResult r = fused.orElseGet(() -> {
            RecurrenceInputs in = clock.time("mixer: q, k, v, beta, g",
                    () -> ProjectionInputs.of(projections, cfg.qkActivation(), cfg.qkNorm()), RecurrenceInputs::k);
            return observer != null ? clock.time("recurrence: host, observed",
                    () -> HostDeltaRule.run(in, s0, observer), RecurrenceResult::o) : kernels.run(mode, in, s0, clock);
        });
        NDArray gateRaw = cfg.useOutputGate() ? parts.get(parts.size() - 1) : null;
        DenseStages dense = DenseStages.of(kernels.denseOps(mode));
        NDArray y = clock.time("mixer: output norm, gate, o-projection", () -> readOut(x, r, gateRaw, dense));
        return new Output(y, new LayerState(r.finalState(), conv == null ? null : conv.cache()));
    }

    /**
     * The recurrence's inputs as the projection holds them.
     *
     * @param activated whether SiLU was already applied to {@code convolved} (by a fused convolution)
     */
    private MixerProjections projections(NDArray convolved, boolean activated, NDList parts, PaddingMask padding) {
        int p = 1;
        NDArray bRaw = cfg.useBeta() ? parts.get(p++) : null;
        NDArray aRaw = cfg.useForgetGate() ? parts.get(p) : null;
        return new MixerProjections(convolved, activated, bRaw, aRaw, aRaw == null ? null : w.dtBias(),
                aRaw == null ? null : w.negExpA(), padding == null ? null : padding.tokens(),
                padding == null ? null : padding.substeps(), cfg.numHeads(), cfg.headKDim(),
                cfg.headVDim(), cfg.numHouseholder(), qScale, cfg.allowNegEigval());
    }

    /** The per-head output norm (gated when the layer has an output gate) and o_proj. */
    private NDArray readOut(NDArray x, RecurrenceResult r, NDArray gateRaw, DenseStages dense) {
        return dense.headNorm(r.o(), w.oNorm(), gateRaw, eps, x.getDataType()).matMul(w.oProjT());
    }

    public int convChannels() {
        return convChannels;
    }
}
