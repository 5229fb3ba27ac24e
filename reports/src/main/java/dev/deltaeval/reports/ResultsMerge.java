package dev.deltaeval.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Several lm-eval results files of one checkpoint (one per task, from sharded work units) as the single file one
 * eval over all the tasks writes: per-task sections united, provenance data hashes united, the earliest date, the
 * summed evaluation time; everything else from the first file. Tasks must not repeat.
 */
public final class ResultsMerge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PER_TASK = List.of("results", "group_subtasks", "configs", "versions", "n-shot",
            "higher_is_better", "n-samples");

    private ResultsMerge() {
    }

    public static ObjectNode merge(List<Path> files) {
        if (files.isEmpty()) {
            throw new ReportException("nothing to merge");
        }
        ObjectNode out = null;
        double seconds = 0;
        for (Path f : files) {
            ObjectNode r;
            try {
                r = (ObjectNode) JSON.readTree(Files.readString(f));
            } catch (IOException | ClassCastException e) {
                throw new ReportException(f + ": not a readable results JSON");
            }
            seconds += Double.parseDouble(r.path("total_evaluation_time_seconds").asText("0"));
            if (out == null) {
                out = r.deepCopy();
                continue;
            }
            for (String key : PER_TASK) {
                ObjectNode into = out.withObjectProperty(key);
                for (Map.Entry<String, JsonNode> e : r.path(key).properties()) {
                    if (key.equals("results") && into.has(e.getKey())) {
                        throw new ReportException(f + ": task " + e.getKey() + " appears in two unit results");
                    }
                    into.set(e.getKey(), e.getValue());
                }
            }
            out.withObjectProperty("deltaeval").withObjectProperty("data_sha256").setAll((ObjectNode) r.path("deltaeval").path("data_sha256"));
            if (r.path("date").asDouble() < out.path("date").asDouble()) {
                out.put("date", r.path("date").asDouble());
            }
        }
        out.put("total_evaluation_time_seconds", String.valueOf(seconds));
        return out;
    }
}
