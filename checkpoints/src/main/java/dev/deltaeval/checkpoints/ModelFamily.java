package dev.deltaeval.checkpoints;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The fla model classes DeltaEval runs, by their {@code config.json} {@code model_type}. */
public enum ModelFamily {
    /** fla's GatedDeltaProduct (DeltaNet when num_householder = 1; gated when use_forget_gate). */
    GATED_DELTAPRODUCT("gated_deltaproduct"),
    /** fla's DeltaNet class. */
    DELTA_NET("delta_net"),
    /** fla's GatedDeltaNet class. */
    GATED_DELTANET("gated_deltanet");

    private final String modelType;

    ModelFamily(String modelType) {
        this.modelType = modelType;
    }

    public String modelType() {
        return modelType;
    }

    public static ModelFamily fromModelType(String modelType, String where) {
        for (ModelFamily f : values()) {
            if (f.modelType.equals(modelType)) {
                return f;
            }
        }
        // Two configs in the DeltaProduct repository carry this stale spelling of the same class.
        if ("gated_delta_product".equals(modelType)) {
            return GATED_DELTAPRODUCT;
        }
        throw new CheckpointException(where + ": unknown model_type \"" + modelType + "\" (expected one of "
                + Arrays.stream(values()).map(ModelFamily::modelType).collect(Collectors.joining(", ")) + ")");
    }
}
