package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import dev.deltaeval.deltanet.ops.KernelPlan;
import dev.deltaeval.deltanet.ops.StateObserver;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.StageClock;

/** One pre-norm block: h + mixer(norm(h)), then + mlp(norm(.)). */
public final class DecoderBlock {
    private final NDArray attnNorm;
    private final HouseholderMixer mixer;
    private final NDArray mlpNorm;
    private final SwiGluMlp mlp;
    private final float eps;

    public DecoderBlock(NDArray attnNorm, HouseholderMixer mixer, NDArray mlpNorm, SwiGluMlp mlp, float eps) {
        this.attnNorm = attnNorm;
        this.mixer = mixer;
        this.mlpNorm = mlpNorm;
        this.mlp = mlp;
        this.eps = eps;
    }

    /** @param mixerTap receives the token mixer's output [B, T, H] before the residual add, or null */
    public HouseholderMixer.Output apply(NDArray h, LayerState state, PaddingMask padding, ForwardMode mode,
                                         KernelPlan kernels, StateObserver observer,
                                         java.util.function.Consumer<NDArray> mixerTap, StageClock clock) {
        DenseStages dense = DenseStages.of(kernels.denseOps(mode));
        HouseholderMixer.Output mixed = mixer.apply(dense.rmsNorm(h, attnNorm, eps), state, padding, mode, kernels,
                observer, clock);
        if (mixerTap != null) {
            mixerTap.accept(mixed.y());
        }
        NDArray out = clock.time("block: residuals, norm, MLP", () -> {
            NDArray[] residualAndNorm = dense.addRmsNorm(h, mixed.y(), mlpNorm, eps);
            return residualAndNorm[0].add(mlp.apply(residualAndNorm[1], dense));
        });
        return new HouseholderMixer.Output(out, mixed.state());
    }
}
