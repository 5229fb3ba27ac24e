package dev.deltaeval.extrapolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The accumulator of an unfinished run, saved atomically after every sequence, so an interrupted run resumes at the
 * next sequence. The key (checkpoint hash, data hash and every setting that changes the sequences) guards against
 * resuming from a different run; a file with another key is ignored and overwritten.
 */
public record ResumeFile(Path file, String key) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public PositionCurves loadOrStart(int positions) {
        if (!Files.exists(file)) {
            return new PositionCurves(positions);
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            if (!key.equals(root.path("key").asText()) || root.path("running_loss").size() != positions) {
                return new PositionCurves(positions);
            }
            return PositionCurves.resume(new PositionCurves.Sums(JSON.treeToValue(root.get("running_loss"),
                    double[].class), JSON.treeToValue(root.get("running_acc"), double[].class),
                    JSON.treeToValue(root.get("token_loss"), double[].class), root.path("sequences").asInt()));
        } catch (IOException e) {
            return new PositionCurves(positions); // a damaged resume file only costs the work it recorded
        }
    }

    public void save(PositionCurves curves) {
        PositionCurves.Sums s = curves.sums();
        ObjectNode root = JSON.createObjectNode().put("key", key).put("sequences", s.sequences());
        root.set("running_loss", JSON.valueToTree(s.runningLoss()));
        root.set("running_acc", JSON.valueToTree(s.runningAcc()));
        root.set("token_loss", JSON.valueToTree(s.tokenLoss()));
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save progress to " + file, e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
