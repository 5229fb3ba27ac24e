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
        // the paper's table: a row per configuration, a column per group and test length, the accuracy at that length
        java.util.Map<String, java.util.Map<String, String>> cells = new java.util.TreeMap<>();
        // columns by group, then by length as a number (S3 @ 512 before S3 @ 4096)
        java.util.Set<String> columns = new java.util.TreeSet<>(java.util.Comparator.comparing(
                (String c) -> c.substring(0, c.indexOf(" @ "))).thenComparingInt(c -> Integer.parseInt(
                c.substring(c.indexOf(" @ ") + 3))));
        List<Path> charts = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode n = new ObjectMapper().readTree(f.toFile());
                JsonNode m = n.get("metrics");
                String label = n.path("label").asText(n.get("model").asText());
                lines.add(String.format(Locale.ROOT, "%s on %s: accuracy %.4f at the training length %d, %.4f at "
                                + "%d; right up to position %d in 99%% of %d sequences", n.get("model").asText()
                                + (n.has("label") ? " (" + label + ")" : ""),
                        n.get("group").asText(), m.get("acc_at_k_train").asDouble(), n.get("k_train").asInt(),
                        m.get("sequence_accuracy").asDouble(), n.get("k_test").asInt(),
                        m.get("max_len_at_0.99").asInt(), n.get("sequences").asInt()));
                String column = n.get("group").asText() + " @ " + n.get("k_test").asInt();
                columns.add(column);
                cells.computeIfAbsent(label, k -> new java.util.TreeMap<>()).merge(column, String.format(Locale.ROOT,
                        "%.3f", m.get("sequence_accuracy").asDouble()), (a, b) -> a + " / " + b);
            }
        }
        Path plots = folder.resolve("plots");
        if (Files.isDirectory(plots)) {
            try (Stream<Path> pngs = Files.list(plots)) {
                pngs.filter(p -> p.toString().endsWith(".png")).sorted().forEach(charts::add);
            }
        }
        List<String> header = new ArrayList<>(List.of("Configuration"));
        header.addAll(columns);
        List<List<String>> rows = new ArrayList<>();
        cells.forEach((label, byColumn) -> {
            List<String> row = new ArrayList<>(List.of(label));
            columns.forEach(c -> row.add(byColumn.getOrDefault(c, "")));
            rows.add(row);
        });
        return List.of(new ReportSection("State tracking", lines, header, rows, charts));
    }
}
