package dev.deltaeval.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import dev.deltaeval.rank.RankReport;
import dev.deltaeval.tasks.ResultsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The result files a report is built from, recognised by their kind ({@link #kindOf}): lm-eval results,
 * extrapolation results and rank results. Folders are searched recursively; other files in them are skipped.
 */
public record ReportInputs(List<EvalRun> evals, List<ExtrapolationReport> extrapolations, List<Path> ranks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A result file's kind: its "kind" field (lm-eval results keep theirs under "deltaeval", the top level being
     * lm-eval's), or for files without one (lm-eval's own, DeltaEval's older ones) the kind their shape shows;
     * "" for anything else.
     */
    static String kindOf(JsonNode root) {
        String explicit = root.path("kind").isTextual() ? root.get("kind").asText()
                : root.path("deltaeval").path("kind").asText("");
        if (!explicit.isEmpty()) {
            return explicit;
        }
        JsonNode results = root.path("results");
        if (results.has("perplexities")) {
            return ExtrapolationReport.KIND;
        }
        if (root.has("recurrent_state") || root.has("hidden_states")) {
            return RankReport.KIND;
        }
        return results.isObject() && !results.isEmpty() ? ResultsWriter.KIND : "";
    }

    /**
     * Rows of one model from different runs (a 10- and a 20-document run) get the run folder's name, and then the
     * results file's time, so that no two rows read the same.
     */
    static List<EvalRun> distinctLabels(List<EvalRun> runs) {
        List<EvalRun> out = new ArrayList<>(runs);
        for (int pass = 0; pass < 2; pass++) {
            java.util.Map<String, Long> counts = out.stream().collect(java.util.stream.Collectors.groupingBy(
                    EvalRun::label, java.util.stream.Collectors.counting()));
            for (int i = 0; i < out.size(); i++) {
                EvalRun r = out.get(i);
                if (counts.get(r.label()) > 1) {
                    String extra = pass == 0 ? runFolder(r.file()) : r.file().getFileName().toString()
                            .replaceFirst("^results_", "").replaceFirst("\\.json$", "");
                    out.set(i, r.withLabel(r.label() + " (" + extra + ")"));
                }
            }
        }
        return out;
    }

    /** OUT of OUT/MODEL/results_*.json (lm-eval's layout), else the folder holding the file. */
    private static String runFolder(Path file) {
        Path model = file.toAbsolutePath().getParent();
        Path run = model.getParent();
        return run != null && run.getFileName() != null ? run.getFileName().toString() : model.getFileName().toString();
    }

    /** No result files (a report of sections that result kinds write themselves). */
    public static ReportInputs none() {
        return new ReportInputs(List.of(), List.of(), List.of());
    }

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
        // the same file named twice (or by two paths) is one input: it would otherwise give two identical rows
        java.util.Set<Path> seen = new java.util.HashSet<>();
        files.removeIf(f -> !seen.add(f.toAbsolutePath().normalize()));
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
                // a stray file inside a folder is not an input, but a broken one must not vanish without a word
                System.err.println("deltaeval: warning: skipped " + f + ": not readable JSON ("
                        + e.getMessage().split("\n")[0] + ")");
                continue;
            }
            String kind = kindOf(root);
            if (kind.equals(ExtrapolationReport.KIND)) {
                ex.add(ExtrapolationReport.read(f));
            } else if (kind.equals(RankReport.KIND)) {
                ranks.add(f);
            } else if (kind.equals(ResultsWriter.KIND)) {
                evals.add(EvalRun.read(f));
            } else if (paths.contains(f)) {
                throw new ReportException(f + ": not an eval, extrapolate or rank results file"
                        + (kind.isEmpty() ? "" : " (its kind is " + kind + ")"));
            }
        }
        evals = distinctLabels(evals);
        if (evals.isEmpty() && ex.isEmpty() && ranks.isEmpty()) {
            throw new ReportException("no results files found in " + String.join(", ", paths.stream()
                    .map(String::valueOf).toList()));
        }
        return new ReportInputs(evals, ex, ranks);
    }
}
