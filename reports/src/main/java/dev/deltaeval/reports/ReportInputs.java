package dev.deltaeval.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The result files a report is built from, recognised by content: lm-eval results (a "results" object of tasks),
 * extrapolation results (results.perplexities) and rank results (recurrent_state or hidden_states). Folders are
 * searched recursively.
 */
public record ReportInputs(List<EvalRun> evals, List<ExtrapolationReport> extrapolations, List<Path> ranks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ReportInputs scan(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new ReportException(p + ": no such file or folder");
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new ReportException(p + ": cannot list (" + e.getMessage() + ")");
                }
            } else {
                files.add(p);
            }
        }
        List<EvalRun> evals = new ArrayList<>();
        List<ExtrapolationReport> ex = new ArrayList<>();
        List<Path> ranks = new ArrayList<>();
        for (Path f : files) {
            JsonNode root;
            try {
                root = JSON.readTree(Files.readString(f));
            } catch (IOException e) {
                if (paths.contains(f)) {
                    throw new ReportException(f + ": not a readable JSON file (" + e.getMessage() + ")");
                }
                continue; // a stray file inside a folder is not an input
            }
            JsonNode results = root.path("results");
            if (results.has("perplexities")) {
                ex.add(ExtrapolationReport.read(f));
            } else if (root.has("recurrent_state") || root.has("hidden_states")) {
                ranks.add(f);
            } else if (results.isObject() && !results.isEmpty()) {
                evals.add(EvalRun.read(f));
            } else if (paths.contains(f)) {
                throw new ReportException(f + ": not an eval, extrapolate or rank results file");
            }
        }
        if (evals.isEmpty() && ex.isEmpty() && ranks.isEmpty()) {
            throw new ReportException("no results files found in " + String.join(", ", paths.stream()
                    .map(String::valueOf).toList()));
        }
        return new ReportInputs(evals, ex, ranks);
    }
}
