package dev.deltaeval.checkpoints;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;

/** A checkpoint folder in Hugging Face layout, before any family reads it: that it is one, and its config.json. */
public final class CheckpointFolder {
    public static final String CONFIG_FILE = "config.json";

    private CheckpointFolder() {
    }

    /** The folder's config.json as a JSON object, or one line saying what is missing. */
    public static JsonNode readConfig(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new CheckpointException(dir + ": is a file; expected a checkpoint directory (config.json, "
                    + "model.safetensors, tokenizer.json)");
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": checkpoint directory not found");
        }
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException(configFile + ": file not found (every checkpoint needs its config.json)");
        }
        return JsonFiles.readObject(configFile);
    }
}
