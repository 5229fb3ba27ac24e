package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One implementation of the (gated) Householder-product recurrence of a layer: inputs on the sub-step timeline in,
 * read-outs and the final state out. Kernels are found through {@link java.util.ServiceLoader} (a module that lists
 * a {@code DeltaRuleKernel} in {@code META-INF/services/dev.deltaeval.deltanet.ops.DeltaRuleKernel} adds one) and
 * chosen once per model by {@link KernelPlan}; a bound kernel that cannot take a call's shape says why and the
 * next one in the plan runs it.
 */
public interface DeltaRuleKernel {
    /** Unique name, as {@code --kernels} takes it; the part before the first '-' is its family ("djl"). */
    String name();

    /** The kind of forward pass it serves. */
    ForwardMode mode();

    /** Why it cannot run with these options at all (device, precision, a missing library), or empty. */
    Optional<String> unavailable(ComputeOptions options);

    /**
     * Its rank when kernels are chosen automatically for these options (higher runs first), or empty when it is
     * only run when asked for by name.
     */
    OptionalInt autoPreference(ComputeOptions options);

    /** Prepares the kernel for one model on {@code manager}'s device (constants live as long as the model). */
    Bound bind(NDManager manager, ComputeOptions options);

    /** A kernel ready to run one model's layers. */
    interface Bound {
        String name();

        /**
         * The layout it reads its inputs in; the plan hands them over so (a view, see {@link InputLayout}), and
         * {@link #unsupported} and {@link #run} see them in it.
         */
        default InputLayout inputLayout() {
            return InputLayout.HEADS_FIRST;
        }

        /** Why this call's inputs are outside what the kernel handles (a head size, a length), or empty. */
        default Optional<String> unsupported(RecurrenceInputs in) {
            return Optional.empty();
        }

        /**
         * A fused short convolution this kernel family brings for the layers it runs (their q/k/v channels), or
         * empty for the layer's own.
         */
        default Optional<ShortConvOp> shortConv() {
            return Optional.empty();
        }

        /**
         * Runs the recurrence from the layer's projections, building the input layout itself (one fused pass instead
         * of the layer's head split, norms and copies), or empty when it does not take them (the layer then builds
         * {@link RecurrenceInputs} and calls {@link #run}).
         *
         * @param initialState [B, H, dk, dv] fp32, or null for zeros
         * @return as {@link #run}
         */
        default Optional<RecurrenceResult> runFromProjections(MixerProjections projections, NDArray initialState) {
            return Optional.empty();
        }

        /** Fused dense stages (norms, SwiGLU, the read-out's norm) this kernel family brings, or empty. */
        default Optional<DenseOps> denseOps() {
            return Optional.empty();
        }

        /** Whether {@link #runFromProjections} may take a call at all (false: the layer never offers them). */
        default boolean readsProjections() {
            return false;
        }

        /**
         * @param in           in {@link #inputLayout()}
         * @param initialState [B, H, dk, dv] fp32, or null for zeros
         * @return the read-outs [B, H, T, dv] and the final state, whatever the input layout
         */
        RecurrenceResult run(RecurrenceInputs in, NDArray initialState);
    }
}
