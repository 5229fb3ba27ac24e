package dev.deltaeval.jobs.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.jobs.Job;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run plan (README: "Run plans"): checkpoints, an output folder, the device and dtype, a report title, and one
 * section per job to run ("eval", "extrapolate", "rank", or any other installed job's kind), each bound to that
 * job's spec. Unknown keys and fields are errors, so a typo never silently drops a step.
 *
 * @param sections job kind -> its section, in the file's order
 * @param source   the plan file, for errors
 */
public record RunPlan(String output, String device, String dtype, List<String> checkpoints, Map<String, JsonNode> sections,
               String title, Path source) {
    private static final Set<String> SETTINGS = Set.of("output", "device", "dtype", "checkpoints", "report");

    public RunPlan withCompute(String newDevice, String newDtype) {
        return new RunPlan(output, newDevice != null ? newDevice : device, newDtype != null ? newDtype : dtype,
                checkpoints, sections, title, source);
    }

    public static RunPlan read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": invalid plan: " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the plan (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": invalid plan: expected a JSON object");
        }
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (SETTINGS.contains(key)) {
                continue;
            }
            if (!Jobs.kinds().contains(key)) {
                throw new IllegalArgumentException(file + ": invalid plan: Unrecognized field \"" + key + "\" (known: "
                        + String.join(", ", SETTINGS) + ", and the jobs " + String.join(", ", Jobs.kinds()) + ")");
            }
            if (!root.get(key).isObject()) {
                throw new IllegalArgumentException(file + ": invalid plan: \"" + key + "\" must be an object");
            }
            Job<?> job = Jobs.of(key);
            SpecJson.read(root.get(key), job.specType(), file + ": invalid plan: section \"" + key + "\"");
            sections.put(key, root.get(key));
        }
        String output = text(root, "output", file, true);
        List<String> checkpoints = new ArrayList<>();
        JsonNode cs = root.path("checkpoints");
        if (!cs.isArray()) {
            throw new IllegalArgumentException(file + ": invalid plan: \"checkpoints\" must list the checkpoints");
        }
        cs.forEach(c -> checkpoints.add(c.asText()));
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException(file + ": \"checkpoints\" must list at least one checkpoint");
        }
        if (sections.isEmpty()) {
            throw new IllegalArgumentException(file + ": nothing to run (give a section for one of the jobs "
                    + String.join(", ", Jobs.kinds()) + ")");
        }
        JsonNode report = root.path("report");
        if (!report.isMissingNode() && !(report.isObject() && report.size() <= 1
                && (report.size() == 0 || report.has("title")))) {
            throw new IllegalArgumentException(file + ": invalid plan: \"report\" takes only a \"title\"");
        }
        String title = report.path("title").isTextual() ? report.get("title").asText() : null;
        return new RunPlan(output, text(root, "device", file, false), text(root, "dtype", file, false),
                List.copyOf(checkpoints), sections, title, file);
    }

    private static String text(JsonNode root, String field, Path file, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new IllegalArgumentException(file + ": invalid plan: \"" + field + "\" is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(file + ": invalid plan: \"" + field + "\" must be a string");
        }
        return n.asText();
    }
}
