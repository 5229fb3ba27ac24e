package dev.deltaeval.checkpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the JSON files of a checkpoint folder (config.json, index files) with one-line errors. */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFiles() {
    }

    /** The file's top-level JSON object; anything else (missing file, bad JSON, an array) is a one-line error. */
    public static JsonNode readObject(Path file) {
        try {
            JsonNode node = MAPPER.readTree(Files.readString(file));
            if (node == null || !node.isObject()) {
                throw new CheckpointException(file + ": expected a JSON object");
            }
            return node;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": file not found");
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            throw new CheckpointException(file + ": not valid JSON (" + msg + ")");
        }
    }
}
