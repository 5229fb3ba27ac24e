package dev.deltaeval.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One lm-eval-shaped results file as reports read it: per task the metric values and standard errors, the
 * per-sample files next to it (samples_{task}_{stamp}.jsonl), and DeltaEval's provenance block.
 *
 * @param label      display name (the checkpoint directory's name)
 * @param metrics    task -> metric -> value
 * @param stderrs    task -> metric -> standard error (NaN for lm-eval's "N/A")
 * @param samples    task -> path of its per-sample JSONL, when present
 * @param provenance the "deltaeval" block (empty for a file written by lm-eval itself)
 */
public record EvalRun(Path file, String label, Map<String, Map<String, Double>> metrics,
                      Map<String, Map<String, Double>> stderrs, Map<String, Path> samples,
                      Map<String, Object> provenance) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Metrics that are shares of documents: a value outside [0, 1] is a broken file, not a score. */
    private static final java.util.Set<String> PROPORTIONS = java.util.Set.of("acc", "acc_norm", "contains",
            "exact_match", "f1", "mcc");

    /**
     * The one results file that {@code given} names for {@code option}: a file, or a run folder (its newest
     * results_*.json, in it or one level down as lm-eval's per-model folders). Several files (a shell glob that
     * matched more than one) are an error listing them: a gate compares exactly two runs.
     */
    /** The same run shown under another name. */
    public EvalRun withLabel(String newLabel) {
        return new EvalRun(file, newLabel, metrics, stderrs, samples, provenance);
    }

    public static Path resolve(String option, java.util.List<Path> given) throws IOException {
        if (given.size() > 1) {
            throw new ReportException(option + " names " + given.size() + " files (" + given.stream().map(Path::toString)
                    .collect(java.util.stream.Collectors.joining(", ")) + "): name one results file, or the run folder "
                    + "to take its newest");
        }
        Path p = given.get(0);
        if (!Files.isDirectory(p)) {
            return p;
        }
        try (java.util.stream.Stream<Path> s = Files.find(p, 2, (f, a) -> a.isRegularFile()
                && f.getFileName().toString().matches("results_.*\\.json"))) {
            java.util.List<Path> found = s.sorted(java.util.Comparator.comparing((Path f) -> f.getFileName().toString()))
                    .toList();
            if (found.isEmpty()) {
                throw new ReportException(option + " " + p + ": no results_*.json in this folder or its model folders");
            }
            java.util.Set<Path> folders = new java.util.HashSet<>();
            found.forEach(f -> folders.add(f.getParent()));
            if (folders.size() > 1) {
                throw new ReportException(option + " " + p + " holds results of " + folders.size() + " models ("
                        + folders.stream().map(f -> p.relativize(f).toString()).sorted()
                        .collect(java.util.stream.Collectors.joining(", ")) + "): name one model's folder");
            }
            return found.get(found.size() - 1); // lm-eval's names carry the date: the last is the newest
        }
    }

    public static EvalRun read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ReportException(file + ": not a readable results JSON (" + e.getMessage() + ")");
        }
        if (root.path("kind").asText().equals("state_tracking")) {
            return fromStateTracking(file, root);
        }
        JsonNode results = root.get("results");
        if (results == null || !results.isObject() || results.isEmpty()) {
            throw new ReportException(file + ": no \"results\" object (expected an lm-eval results file)");
        }
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, Map<String, Double>> stderrs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> task : results.properties()) {
            Map<String, Double> m = new LinkedHashMap<>();
            Map<String, Double> se = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> kv : task.getValue().properties()) {
                String key = kv.getKey();
                int comma = key.indexOf(',');
                if (comma < 0) {
                    continue;
                }
                if (!kv.getValue().isNumber() && !key.contains("_stderr")) {
                    // lm-eval writes numbers; a value in quotes would otherwise vanish and compare as "no change"
                    throw new ReportException(file + ": task " + task.getKey() + ": " + key + " is "
                            + kv.getValue() + " (expected a number)");
                }
                String metric = key.substring(0, comma);
                if (metric.endsWith("_stderr")) {
                    se.put(metric.substring(0, metric.length() - 7), kv.getValue().isNumber()
                            ? kv.getValue().asDouble() : Double.NaN);
                } else {
                    double v = kv.getValue().asDouble();
                    if (!Double.isFinite(v) || PROPORTIONS.contains(metric) && (v < 0 || v > 1)) {
                        throw new ReportException(file + ": task " + task.getKey() + ": " + key + " is " + v
                                + (Double.isFinite(v) ? " (expected a proportion from 0 to 1)" : " (not a score)"));
                    }
                    m.put(metric, v);
                }
            }
            metrics.put(task.getKey(), m);
            stderrs.put(task.getKey(), se);
        }
        String stamp = file.getFileName().toString().replaceFirst("^results_", "").replaceFirst("\\.json$", "");
        Map<String, Path> samples = new LinkedHashMap<>();
        for (String task : metrics.keySet()) {
            Path s = file.resolveSibling("samples_" + task + "_" + stamp + ".jsonl");
            if (Files.exists(s)) {
                samples.put(task, s);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> prov = root.has("deltaeval") ? JSON.convertValue(root.get("deltaeval"), Map.class)
                : Map.of();
        String name = root.path("model_name").asText(file.getFileName().toString());
        String label = Path.of(name).getFileName() == null ? name : Path.of(name).getFileName().toString();
        return new EvalRun(file, label, metrics, stderrs, samples, prov);
    }

    /**
     * A {@code state-tracking eval} result as one task, {@code state_tracking_{group}_{k}}, so the gate compares it
     * like any other: {@code acc} is the paper's accuracy at the test length (every position right),
     * {@code acc_at_k_train} the same at the training length, each with its binomial standard error over the
     * sequences; the data hash is the test set's ({@code data_sha256}), so two runs on different sequences are a
     * problem, not a comparison.
     */
    static EvalRun fromStateTracking(Path file, JsonNode root) {
        JsonNode m = root.path("metrics");
        long n = root.path("sequences").asLong(0);
        String task = "state_tracking_" + root.path("group").asText("?") + "_" + root.path("k_test").asInt();
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Double> se = new LinkedHashMap<>();
        for (String[] pair : new String[][] {{"acc", "sequence_accuracy"}, {"acc_at_k_train", "acc_at_k_train"}}) {
            JsonNode v = m.get(pair[1]);
            if (v == null || !v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1 || n < 1) {
                throw new ReportException(file + ": metrics." + pair[1] + " is " + v + " over " + n
                        + " sequences (expected a proportion from 0 to 1 over at least one sequence)");
            }
            double p = v.asDouble();
            values.put(pair[0], p);
            se.put(pair[0], Math.sqrt(p * (1 - p) / n));
        }
        JsonNode prov = root.path("provenance");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("lm_eval_semantics", "state tracking (DeltaProduct main.py: no shift, argmax over the "
                + "vocabulary, every position up to t right)");
        if (prov.hasNonNull("data_sha256")) {
            provenance.put("data_sha256", Map.of(task, prov.get("data_sha256").asText()));
        }
        return new EvalRun(file, root.path("label").asText(root.path("model").asText(file.getFileName().toString())),
                Map.of(task, values), Map.of(task, se), Map.of(), provenance);
    }

    public Optional<Double> value(String task, String metric) {
        return Optional.ofNullable(metrics.getOrDefault(task, Map.of()).get(metric));
    }

    public double stderr(String task, String metric) {
        return stderrs.getOrDefault(task, Map.of()).getOrDefault(metric, Double.NaN);
    }

    @SuppressWarnings("unchecked")
    public String dataHash(String task) {
        Object d = provenance.get("data_sha256");
        return d instanceof Map<?, ?> m ? (String) ((Map<String, Object>) m).get(task) : null;
    }

    public String semantics() {
        return String.valueOf(provenance.getOrDefault("lm_eval_semantics", "unknown"));
    }

    /**
     * Per-document values of {@code metric} for {@code task} from its samples file, in doc_id order: a number per
     * document, or for the perplexities of rolling tasks the document's log-likelihood (the weight goes to
     * {@link #sampleWeights}).
     */
    public double[] sampleValues(String task, String metric) {
        return readSamples(task, metric, 0);
    }

    /** The word or byte count of each document for weighted perplexities (wikitext), or null if none. */
    public double[] sampleWeights(String task, String metric) {
        return readSamples(task, metric, 1);
    }

    private double[] readSamples(String task, String metric, int index) {
        Path file = samples.get(task);
        if (file == null) {
            throw new ReportException(this.file + ": no samples file for task " + task + " (run eval with samples)");
        }
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode s = JSON.readTree(line);
                JsonNode v = s.get(metric);
                if (v == null) {
                    throw new ReportException(file + ": sample " + s.path("doc_id").asText("?") + " has no " + metric);
                }
                double x = v.isArray() ? (index < v.size() ? v.get(index).asDouble() : Double.NaN)
                        : index == 0 ? v.asDouble() : Double.NaN;
                rows.add(new double[] {s.path("doc_id").asDouble(), x});
            }
        } catch (IOException e) {
            throw new ReportException(file + ": unreadable samples (" + e.getMessage() + ")");
        }
        Collections.sort(rows, (a, b) -> Double.compare(a[0], b[0]));
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[1];
        }
        if (index == 1 && rows.stream().allMatch(r -> Double.isNaN(r[1]))) {
            return null;
        }
        return out;
    }
}
