package dev.deltaeval.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;

/**
 * A family of models (DeltaNet and its relatives; a test's toy model), found through {@link java.util.ServiceLoader}:
 * a module that lists its implementation in {@code META-INF/services/dev.deltaeval.model.ModelFamily} adds a family
 * without any other module changing.
 */
public interface ModelFamily {
    /** Short name for messages and provenance, e.g. "deltanet". */
    String name();

    /** The config.json {@code model_type} values this family reads. */
    Set<String> modelTypes();

    /**
     * Opens and validates a checkpoint folder whose config.json (already parsed, {@code config}) names one of
     * {@link #modelTypes()}. Errors name the file, tensor or field and what was expected.
     */
    ModelCheckpoint open(Path dir, JsonNode config);
}
