package dev.deltaeval.jobs.statetracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.jobs.FinishedUnit;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.jobs.RunFolders;
import dev.deltaeval.reports.ReportSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** A run's state-tracking units as state-tracking/*.json, and a report section of accuracies by length. */
final class StateTrackingResults implements ResultKind {
    static final String FOLDER = "state-tracking";

    @Override
    public void merge(List<FinishedUnit> units, Path runDir) throws IOException {
        Path folder = runDir.resolve(FOLDER);
        RunFolders.deleteTree(folder);
        java.util.Map<String, List<JsonNode>> byGroupAndLength = new java.util.TreeMap<>();
        for (FinishedUnit u : units) {
            Path json = RunFolders.only(u.dir(), 1, "state_tracking_", ".json");
            Files.createDirectories(folder);
            Files.copy(json, folder.resolve(json.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            JsonNode r = new ObjectMapper().readTree(json.toFile());
            byGroupAndLength.computeIfAbsent(r.get("group").asText() + "_" + r.get("k_test").asInt(),
                    k -> new ArrayList<>()).add(r);
        }
        for (var e : byGroupAndLength.entrySet()) { // one chart per group and length, every checkpoint on it
            StateTrackingCharts.write(e.getValue(), folder.resolve("plots").resolve("state_tracking_" + e.getKey()));
        }
    }

    @Override
    public List<Path> reportInputs(Path runDir) {
        return List.of(); // the section below is this kind's whole report
    }

    @Override
    public List<ReportSection> reportSections(Path runDir) throws IOException {
        Path folder = runDir.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode n = new ObjectMapper().readTree(f.toFile());
                JsonNode m = n.get("metrics");
                lines.add(String.format(Locale.ROOT, "%s on %s: accuracy %.4f at the training length %d, %.4f at "
                                + "%d; right up to position %d in 99%% of %d sequences", n.get("model").asText()
                                + (n.has("label") ? " (" + n.get("label").asText() + ")" : ""),
                        n.get("group").asText(), m.get("acc_at_k_train").asDouble(), n.get("k_train").asInt(),
                        m.get("sequence_accuracy").asDouble(), n.get("k_test").asInt(),
                        m.get("max_len_at_0.99").asInt(), n.get("sequences").asInt()));
            }
        }
        return List.of(new ReportSection("State tracking", lines));
    }
}
