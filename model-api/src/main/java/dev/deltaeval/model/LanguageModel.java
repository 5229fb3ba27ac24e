package dev.deltaeval.model;

import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.StageClock;
import java.util.Optional;

/**
 * A loaded language model on a device: the one type every analysis (scoring, generation, length extrapolation,
 * effective rank) codes against. Families implement it; {@link ModelFamilies} finds the family for a checkpoint.
 * Implementations run each forward pass in its own memory scope: nothing outlives a call except the state the
 * caller asked for (and closes).
 */
public interface LanguageModel extends AutoCloseable {
    ModelInfo info();

    ComputeOptions options();

    /**
     * Runs the model over {@code input}, continuing from {@code initial} (null for fresh sequences), and returns
     * what {@code request} asks for. Throws {@link NonFiniteOutputException} rather than return a NaN.
     */
    ForwardOutput forward(TokenBatch input, RecurrentState initial, ForwardRequest request);

    /** A state as after zero tokens, for callers that want to start from an explicit state. */
    RecurrentState emptyState(int batch);

    /** Present when the family can show its matrix-valued state as it evolves. */
    default Optional<StateInspection> stateInspection() {
        return Optional.empty();
    }

    /** One line naming what runs the model's core on this device (e.g. the kernels chosen), for provenance. */
    default String kernelSummary() {
        return "";
    }

    /**
     * Times this model's stages with {@code clock} from now on ({@link StageClock#OFF} to stop); false when the
     * family has no stages to time.
     */
    default boolean useStageClock(StageClock clock) {
        return false;
    }

    @Override
    void close();
}
