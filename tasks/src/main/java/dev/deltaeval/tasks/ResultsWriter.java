package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.checkpoints.AtomicFiles;
import dev.deltaeval.core.scoring.LoglikelihoodResult;
import dev.deltaeval.tasks.metrics.DocMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes results in lm-eval's shapes (lm-eval.md §7): the results JSON that its table and comparison tooling read,
 * per-sample JSONL, and the console table. DeltaEval's provenance goes under its own key.
 */
public final class ResultsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsWriter() {
    }

    public static ObjectNode resultsJson(List<TaskResult> results, Provenance p, double startEpochSeconds,
                                         double seconds) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode res = root.putObject("results");
        root.putObject("group_subtasks");
        ObjectNode configs = root.putObject("configs");
        ObjectNode versions = root.putObject("versions");
        ObjectNode nshot = root.putObject("n-shot");
        ObjectNode hib = root.putObject("higher_is_better");
        ObjectNode nsamples = root.putObject("n-samples");
        for (TaskResult r : results) {
            String task = r.spec().task();
            ObjectNode t = res.putObject(task);
            t.put("name", task).put("alias", task).put("sample_len", r.docs().size());
            ObjectNode h = hib.putObject(task);
            for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
                t.put(m.getKey() + ",none", m.getValue());
                double se = r.stderrs().get(m.getKey());
                if (Double.isNaN(se)) {
                    t.put(m.getKey() + "_stderr,none", "N/A");
                } else {
                    t.put(m.getKey() + "_stderr,none", se);
                }
                h.put(m.getKey(), higherIsBetter(m.getKey()));
            }
            ObjectNode c = configs.putObject(task);
            c.put("task", task).put("dataset_path", r.spec().dataFile())
                    .put("output_type", r.spec().outputType().name().toLowerCase(Locale.ROOT))
                    .put("doc_to_text", r.spec().docToText()).put("doc_to_target", r.spec().docToTarget())
                    .put("target_delimiter", TaskSpec.TARGET_DELIMITER).put("fewshot_delimiter", "\n\n")
                    .put("num_fewshot", 0);
            c.set("doc_to_choice", r.spec().docToChoice());
            if (r.spec().processDocs() != null) {
                c.put("process_docs", r.spec().processDocs());
            }
            ArrayNode ml = c.putArray("metric_list");
            r.spec().metrics().forEach(m -> ml.addObject().put("metric", m));
            c.putObject("metadata").put("version", r.spec().version());
            versions.put(task, r.spec().version());
            nshot.put(task, 0);
            nsamples.putObject(task).put("original", r.originalDocs()).put("effective", r.docs().size());
        }
        ObjectNode config = root.putObject("config");
        config.put("model", "deltaeval").put("model_args", "pretrained=" + p.checkpoint())
                .put("model_num_parameters", p.parameters()).put("model_dtype", p.dtype())
                .put("model_sha", p.checkpointSha256()).put("batch_size", p.batchSize());
        config.putArray("batch_sizes");
        config.put("device", p.device());
        if (p.limit() >= 0) {
            config.put("limit", p.limit());
        } else {
            config.putNull("limit");
        }
        config.put("bootstrap_iters", p.bootstrapIters()).putNull("gen_kwargs").put("random_seed", 0)
                .put("numpy_seed", 1234).put("torch_seed", 1234).put("fewshot_seed", 1234);
        root.put("date", startEpochSeconds);
        root.put("lm_eval_version", "deltaeval (lm-eval semantics: " + p.semantics().label() + ")");
        root.put("max_length", p.maxLength());
        root.put("model_name", p.checkpoint());
        root.put("model_name_sanitized", p.checkpoint().replaceAll("[\"<>:/|\\\\?*\\[\\]]+", "__"));
        root.putObject("task_hashes");
        root.put("total_evaluation_time_seconds", String.valueOf(seconds));
        ObjectNode de = root.putObject("deltaeval");
        de.put("harness_version", p.harnessVersion()).put("checkpoint_sha256", p.checkpointSha256())
                .put("lm_eval_semantics", p.semantics().label()).put("device", p.device()).put("dtype", p.dtype())
                .put("batch_size", p.batchSize()).put("batch_token_budget", p.tokenBudget())
                .put("state_forking", p.forking()).put("seed", 0);
        ObjectNode dh = de.putObject("data_sha256");
        p.dataHashes().forEach(dh::put);
        return root;
    }

    /** One line per document in lm-eval's sample format (leaves stringified as its sanitize_list does). */
    public static String samplesJsonl(TaskResult r) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int d = 0; d < r.docs().size(); d++) {
            TaskDoc doc = r.docs().get(d);
            ObjectNode s = JSON.createObjectNode();
            s.put("doc_id", doc.docId());
            s.set("doc", doc.doc());
            boolean rolling = r.spec().outputType() == TaskSpec.OutputType.LOGLIKELIHOOD_ROLLING;
            String target = r.spec().outputType() == TaskSpec.OutputType.MULTIPLE_CHOICE ? String.valueOf(doc.gold())
                    : doc.requests().get(0).continuation();
            s.put("target", target);
            ObjectNode args = s.putObject("arguments");
            ArrayNode resps = s.putArray("resps");
            ArrayNode filtered = s.putArray("filtered_resps");
            List<LoglikelihoodResult> lls = r.responses().get(d);
            boolean generated = r.spec().outputType() == TaskSpec.OutputType.GENERATE_UNTIL;
            for (int i = 0; i < doc.requests().size() && !rolling && !generated; i++) {
                args.putObject("gen_args_" + i).put("arg_0", doc.requests().get(i).context())
                        .put("arg_1", doc.requests().get(i).continuation());
                String ll = String.valueOf(lls.get(i).logLikelihood());
                String greedy = lls.get(i).greedy() ? "True" : "False";
                resps.addArray().addArray().add(ll).add(greedy);
                filtered.addArray().add(ll).add(greedy);
            }
            if (r.spec().outputType() == TaskSpec.OutputType.GENERATE_UNTIL) {
                args.putObject("gen_args_0").put("arg_0", doc.requests().get(0).context());
                resps.addArray().add(r.generations().get(d));
                filtered.add(r.generations().get(d));
            }
            if (rolling) {
                Map<String, Double> p = r.perDoc().get(d);
                args.putObject("gen_args_0").put("arg_0", target);
                String ll = String.valueOf(p.get(DocMetrics.LL));
                resps.addArray().add(ll);
                filtered.add(ll);
            }
            s.put("filter", "none");
            ArrayNode metrics = s.putArray("metrics");
            r.spec().metrics().forEach(metrics::add);
            s.put("doc_hash", sha256(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc.doc())));
            s.put("prompt_hash", sha256(doc.requests().get(0).context()));
            s.put("target_hash", sha256(target));
            if (rolling) {
                Map<String, Double> p = r.perDoc().get(d);
                s.putArray("word_perplexity").add(p.get(DocMetrics.LL)).add(p.get(DocMetrics.WORDS).longValue());
                s.putArray("byte_perplexity").add(p.get(DocMetrics.LL)).add(p.get(DocMetrics.BYTES).longValue());
                s.putArray("bits_per_byte").add(p.get(DocMetrics.LL)).add(p.get(DocMetrics.BYTES).longValue());
            } else {
                r.perDoc().get(d).forEach(s::put);
            }
            out.append(JSON.writeValueAsString(s)).append('\n');
        }
        return out.toString();
    }

    public static void write(Path dir, String stamp, ObjectNode results, List<TaskResult> tasks, boolean samples)
            throws IOException {
        // one unit: the samples files, then the results file that refers to them, or none of them
        java.util.Map<Path, byte[]> files = new java.util.LinkedHashMap<>();
        if (samples) {
            for (TaskResult r : tasks) {
                files.put(dir.resolve("samples_" + r.spec().task() + "_" + stamp + ".jsonl"),
                        samplesJsonl(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        files.put(dir.resolve("results_" + stamp + ".json"), new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(results));
        AtomicFiles.writeAll(files);
    }

    /** lm-eval's direction of each metric: perplexities and bits per byte are better when lower. */
    public static boolean higherIsBetter(String metric) {
        return !(metric.contains("perplexity") || metric.equals("bits_per_byte"));
    }

    /** lm-eval's make_table layout, columns as wide as their longest entry. */
    public static String table(List<TaskResult> results) {
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"Tasks", "Version", "Filter", "n-shot", "Metric", "", "Value", "", "Stderr"});
        for (TaskResult r : results) {
            boolean first = true;
            for (String m : r.metrics().keySet().stream().sorted().toList()) {
                double se = r.stderrs().get(m);
                rows.add(new String[] {first ? r.spec().task() : "", first ? trim(r.spec().version()) : "", "none",
                    first ? "0" : "", m, higherIsBetter(m) ? "↑" : "↓",
                    String.format(Locale.ROOT, "%.4f", r.metrics().get(m)), "±",
                    Double.isNaN(se) ? "N/A" : String.format(Locale.ROOT, "%.4f", se)});
                first = false;
            }
        }
        int[] width = new int[9];
        for (String[] row : rows) {
            for (int c = 0; c < 9; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        boolean[] right = {false, true, false, true, false, false, true, false, true};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            sb.append('|');
            for (int c = 0; c < 9; c++) {
                String cell = rows.get(i)[c];
                String pad = " ".repeat(width[c] - cell.length());
                sb.append(right[c] ? pad + cell : cell + pad).append('|');
            }
            sb.append('\n');
            if (i == 0) {
                sb.append('|');
                for (int c = 0; c < 9; c++) {
                    sb.append("-".repeat(width[c] - 1)).append(right[c] ? ":" : "-").append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
