package dev.deltaeval.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes small results files in DeltaEval's lm-eval shape with per-sample JSONL: an accuracy task from a 0/1 vector,
 * lambada-style perplexity from per-document log-likelihoods, and a wikitext-style weighted perplexity.
 */
final class SyntheticRuns {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STAMP = "2026-01-01T00-00-00";

    private final Path dir;
    private final ObjectNode root = JSON.createObjectNode();
    private final ObjectNode results = root.putObject("results");
    private final ObjectNode hashes;

    SyntheticRuns(Path dir, String model) throws IOException {
        this.dir = Files.createDirectories(dir);
        root.put("model_name", "checkpoints/" + model);
        ObjectNode de = root.putObject("deltaeval");
        de.put("harness_version", "deltaeval test").put("checkpoint_sha256", "c0ffee" + model)
                .put("lm_eval_semantics", "current").put("device", "cpu").put("dtype", "fp32");
        hashes = de.putObject("data_sha256");
    }

    SyntheticRuns semantics(String s) {
        ((ObjectNode) root.get("deltaeval")).put("lm_eval_semantics", s);
        return this;
    }

    SyntheticRuns accuracy(String task, String metric, int[] correct, String dataHash) throws IOException {
        double mean = 0;
        for (int c : correct) {
            mean += c;
        }
        mean /= correct.length;
        double var = 0;
        for (int c : correct) {
            var += (c - mean) * (c - mean);
        }
        double se = Math.sqrt(var / (correct.length - 1)) / Math.sqrt(correct.length);
        results.putObject(task).put("alias", task).put(metric + ",none", mean).put(metric + "_stderr,none", se);
        hashes.put(task, dataHash);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < correct.length; i++) {
            sb.append(JSON.writeValueAsString(JSON.createObjectNode().put("doc_id", i).put(metric, (double) correct[i])))
                    .append('\n');
        }
        Files.writeString(dir.resolve("samples_" + task + "_" + STAMP + ".jsonl"), sb.toString());
        return this;
    }

    SyntheticRuns perplexity(String task, double[] ll, String dataHash) throws IOException {
        double mean = 0;
        for (double x : ll) {
            mean += x;
        }
        mean /= ll.length;
        results.putObject(task).put("alias", task).put("perplexity,none", Math.exp(-mean))
                .put("perplexity_stderr,none", 0.1);
        hashes.put(task, dataHash);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ll.length; i++) {
            sb.append(JSON.writeValueAsString(JSON.createObjectNode().put("doc_id", i).put("perplexity", ll[i])))
                    .append('\n');
        }
        Files.writeString(dir.resolve("samples_" + task + "_" + STAMP + ".jsonl"), sb.toString());
        return this;
    }

    /** A metric value only, as lm-eval writes one (no samples). */
    SyntheticRuns value(String task, String metric, double v) {
        ObjectNode t = results.has(task) ? (ObjectNode) results.get(task) : results.putObject(task).put("alias", task);
        t.put(metric + ",none", v).put(metric + "_stderr,none", "N/A");
        hashes.put(task, "h");
        return this;
    }

    Path write() throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("results_" + STAMP + ".json");
        Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return f;
    }

    static int[] ones(int n, int zeros, int offset) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i + offset) % n < zeros ? 0 : 1;
        }
        return x;
    }
}
