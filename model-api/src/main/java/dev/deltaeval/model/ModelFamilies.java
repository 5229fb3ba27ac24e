package dev.deltaeval.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.CheckpointFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** The model families on the class path, and the one place that picks a family for a checkpoint folder. */
public final class ModelFamilies {
    public static final String CONFIG_FILE = CheckpointFolder.CONFIG_FILE;

    private static final List<ModelFamily> INSTALLED = load();

    private ModelFamilies() {
    }

    private static List<ModelFamily> load() {
        List<ModelFamily> out = new ArrayList<>();
        ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader()).forEach(out::add);
        return List.copyOf(out);
    }

    public static List<ModelFamily> installed() {
        return INSTALLED;
    }

    /** Opens {@code dir} with the family its config.json's {@code model_type} names. */
    public static ModelCheckpoint open(Path dir) {
        JsonNode config = CheckpointFolder.readConfig(dir);
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!config.path("model_type").isTextual()) {
            throw new CheckpointException(configFile + ": field model_type is missing (expected one of "
                    + String.join(", ", knownTypes()) + ")");
        }
        return forModelType(config.get("model_type").asText(), configFile.toString()).open(dir, config);
    }

    /** The family that reads {@code modelType}; {@code where} names the file in the error. */
    public static ModelFamily forModelType(String modelType, String where) {
        for (ModelFamily f : INSTALLED) {
            if (f.modelTypes().contains(modelType)) {
                return f;
            }
        }
        throw new CheckpointException(where + ": unknown model_type \"" + modelType + "\" (expected one of "
                + String.join(", ", knownTypes()) + ")");
    }

    private static TreeSet<String> knownTypes() {
        TreeSet<String> types = new TreeSet<>();
        INSTALLED.forEach(f -> types.addAll(f.modelTypes()));
        return types;
    }
}
