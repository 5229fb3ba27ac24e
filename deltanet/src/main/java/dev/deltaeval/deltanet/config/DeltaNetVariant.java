package dev.deltaeval.deltanet.config;

import dev.deltaeval.checkpoints.CheckpointException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The fla model classes DeltaEval runs, by their {@code config.json} {@code model_type}. */
public enum DeltaNetVariant {
    /** fla's GatedDeltaProduct (DeltaNet when num_householder = 1; gated when use_forget_gate). */
    GATED_DELTAPRODUCT("gated_deltaproduct"),
    /** fla's DeltaNet class. */
    DELTA_NET("delta_net"),
    /** fla's GatedDeltaNet class. */
    GATED_DELTANET("gated_deltanet");

    /** Two configs in the DeltaProduct repository carry this stale spelling of the same class. */
    public static final java.util.Map<String, DeltaNetVariant> ALIASES = java.util.Map.of("gated_delta_product",
            GATED_DELTAPRODUCT);

    private final String modelType;

    DeltaNetVariant(String modelType) {
        this.modelType = modelType;
    }

    public String modelType() {
        return modelType;
    }

    public static DeltaNetVariant fromModelType(String modelType, String where) {
        for (DeltaNetVariant f : values()) {
            if (f.modelType.equals(modelType)) {
                return f;
            }
        }
        if (ALIASES.containsKey(modelType)) {
            return ALIASES.get(modelType);
        }
        throw new CheckpointException(where + ": unknown model_type \"" + modelType + "\" (expected one of "
                + Arrays.stream(values()).map(DeltaNetVariant::modelType).collect(Collectors.joining(", ")) + ")");
    }
}
