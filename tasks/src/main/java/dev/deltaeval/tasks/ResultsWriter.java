package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.core.scoring.LoglikelihoodResult;
import dev.deltaeval.tasks.metrics.DocMetrics;
import dev.deltaeval.tasks.text.PyJson;
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
    /**
     * The result kind, under the file's "deltaeval" key (the top level is lm-eval's): a report recognises the file
     * by it; lm-eval's own files and DeltaEval's older ones by their shape.
     */
    public static final String KIND = "lm_eval_results";
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsWriter() {
    }

    /**
     * The results file, key by key in lm-eval HEAD's order (evaluator.simple_evaluate, add_env_info,
     * add_tokenizer_info, EvaluationTracker.save_results_aggregated). Fields without meaning here hold what lm-eval
     * writes when it does not know them; DeltaEval's own provenance is under {@code deltaeval}.
     *
     * @param samplesLogged whether samples files are written: lm-eval's task_hashes exist only then
     */
    public static ObjectNode resultsJson(List<TaskResult> results, Provenance p, double startEpochSeconds,
                                         double seconds, boolean samplesLogged) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode res = root.putObject("results");
        root.putObject("group_subtasks");
        ObjectNode configs = root.putObject("configs");
        ObjectNode versions = root.putObject("versions");
        ObjectNode nshot = root.putObject("n-shot");
        ObjectNode hib = root.putObject("higher_is_better");
        ObjectNode nsamples = root.putObject("n-samples");
        List<TaskResult> byName = results.stream().sorted(java.util.Comparator.comparing(r -> r.spec().task())).toList();
        for (TaskResult r : results) {
            String task = r.spec().task();
            ObjectNode t = res.putObject(task);
            t.put("name", task).put("alias", task).put("sample_len", r.docs().size());
            for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
                t.put(m.getKey() + ",none", m.getValue());
                double se = r.stderrs().get(m.getKey());
                if (Double.isNaN(se)) {
                    t.put(m.getKey() + "_stderr,none", "N/A");
                } else {
                    t.put(m.getKey() + "_stderr,none", se);
                }
            }
            nsamples.putObject(task).put("original", r.originalDocs()).put("effective", r.docs().size());
        }
        for (TaskResult r : byName) {
            String task = r.spec().task();
            configs.set(task, taskConfig(r.spec()));
            versions.set(task, r.spec().lmEvalConfig().path("metadata").path("version").isMissingNode()
                    ? JSON.getNodeFactory().numberNode(r.spec().version())
                    : r.spec().lmEvalConfig().path("metadata").get("version"));
            nshot.put(task, 0);
            ObjectNode h = hib.putObject(task);
            r.metrics().keySet().forEach(m -> h.put(m, higherIsBetter(m)));
        }
        ObjectNode config = root.putObject("config");
        config.put("model", "deltaeval").put("model_args", "pretrained=" + p.modelName())
                .put("model_num_parameters", p.parameters()).put("model_dtype", torchDtype(p.dtype()))
                .put("model_revision", p.revision()).put("model_sha", p.hubCommit()).put("batch_size", p.batchSize());
        config.putArray("batch_sizes");
        config.put("device", p.device()).putNull("use_cache");
        if (p.limit() >= 0) {
            config.put("limit", p.limit());
        } else {
            config.putNull("limit");
        }
        config.put("bootstrap_iters", p.bootstrapIters()).putNull("gen_kwargs").put("random_seed", 0)
                .put("numpy_seed", 1234).put("torch_seed", 1234).put("fewshot_seed", 1234);
        root.putNull("git_hash");
        root.put("date", startEpochSeconds);
        root.put("pretty_env_info", p.environment());
        root.put("transformers_version", "N/A");
        root.put("lm_eval_version", p.semantics().lmEvalVersion());
        root.putNull("upper_git_hash");
        TokenizerInfo tok = p.tokenizer();
        root.putArray("tokenizer_pad_token").add(tok.padText()).add(String.valueOf(tok.padId()));
        root.putArray("tokenizer_eos_token").add(tok.eosText()).add(String.valueOf(tok.eosId()));
        root.putArray("tokenizer_bos_token").add(tok.bosText()).add(String.valueOf(tok.bosId()));
        root.put("eot_token_id", tok.eosId());
        root.put("max_length", p.maxLength());
        ObjectNode hashes = root.putObject("task_hashes");
        if (samplesLogged) {
            for (TaskResult r : results) {
                StringBuilder all = new StringBuilder();
                for (TaskDoc d : r.docs()) {
                    all.append(docHash(d)).append(sha256(promptOf(r.spec(), d)))
                            .append(sha256(d.target()));
                }
                hashes.put(r.spec().task(), sha256(all.toString()));
            }
        }
        root.put("model_source", "deltaeval");
        root.put("model_name", p.modelName());
        root.put("model_name_sanitized", sanitizeModelName(p.modelName()));
        root.putNull("system_instruction");
        root.putNull("system_instruction_sha");
        root.put("fewshot_as_multiturn", false);
        root.putNull("chat_template");
        root.putNull("chat_template_sha");
        root.put("total_evaluation_time_seconds", String.valueOf(seconds));
        ObjectNode de = root.putObject("deltaeval");
        de.put("kind", KIND).put("schema_version", SCHEMA_VERSION);
        de.put("harness_version", p.harnessVersion()).put("checkpoint", p.checkpoint())
                .put("checkpoint_sha256", p.checkpointSha256())
                .put("lm_eval_semantics", p.semantics().label()).put("device", p.device()).put("dtype", p.dtype())
                .put("kernels", p.kernels()).put("batch_size", p.batchSize()).put("batch_token_budget", p.tokenBudget())
                .put("state_forking", p.forking()).put("seed", 0);
        ObjectNode dh = de.putObject("data_sha256");
        p.dataHashes().forEach(dh::put);
        ObjectNode notes = JSON.createObjectNode();
        for (TaskResult r : results) {
            if (!r.notes().isEmpty()) {
                r.notes().forEach(n -> notes.withArray(r.spec().task()).add(n));
            }
        }
        if (!notes.isEmpty()) {
            de.set("data_notes", notes);
        }
        return root;
    }

    /** lm-eval's sanitize_model_name: the folder its results go into under the output path. */
    public static String sanitizeModelName(String modelName) {
        return modelName.replaceAll("[\"<>:/|\\\\?*\\[\\]]+", "__");
    }

    /** {@code configs.<task>}: lm-eval's dumped TaskConfig, every metric with its aggregation and direction. */
    private static ObjectNode taskConfig(TaskSpec spec) {
        if (spec.lmEvalConfig().isObject()) {
            return spec.lmEvalConfig().deepCopy();
        }
        ObjectNode c = JSON.createObjectNode();
        c.put("task", spec.task()).put("output_type", spec.outputType().name().toLowerCase(Locale.ROOT));
        ArrayNode ml = c.putArray("metric_list");
        spec.metrics().forEach(m -> ml.addObject().put("metric", m).put("higher_is_better", higherIsBetter(m)));
        c.putObject("metadata").put("version", spec.version());
        return c;
    }

    /** torch's dtype names, as lm-eval writes the model's dtype. */
    private static String torchDtype(String label) {
        return switch (label) {
            case "fp16" -> "torch.float16";
            case "bf16" -> "torch.bfloat16";
            case "fp32" -> "torch.float32";
            default -> label;
        };
    }

    /** {@code requests[0].arguments[0]}: the first request's context, or the whole text of a rolling request. */
    private static String promptOf(TaskSpec spec, TaskDoc d) {
        return spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD_ROLLING ? d.target()
                : d.requests().get(0).context();
    }

    /** lm-eval's doc_hash: SHA-256 of {@code json.dumps(doc, indent=2, ensure_ascii=False)}. */
    private static String docHash(TaskDoc d) {
        return sha256(PyJson.dumpsIndented(d.doc()));
    }

    /**
     * One line per document in lm-eval's sample format: the document as lm-eval logs it, its target, the request
     * arguments (generation kwargs included), responses stringified as its sanitize_list does, the filter, metric
     * names, the three hashes, and the per-document metric values with lm-eval's types (integers where its
     * process_results returns int). Written as Python's json.dumps writes it.
     */
    public static String samplesJsonl(TaskResult r, LmEvalSemantics semantics) {
        StringBuilder out = new StringBuilder();
        boolean rolling = r.spec().outputType() == TaskSpec.OutputType.LOGLIKELIHOOD_ROLLING;
        boolean generated = r.spec().outputType() == TaskSpec.OutputType.GENERATE_UNTIL;
        for (int d = 0; d < r.docs().size(); d++) {
            TaskDoc doc = r.docs().get(d);
            ObjectNode s = JSON.createObjectNode();
            s.put("doc_id", doc.docId());
            s.set("doc", doc.doc());
            s.put("target", doc.target());
            ObjectNode args = s.putObject("arguments");
            ArrayNode requestArgs = requestArguments(r.spec(), doc, semantics);
            for (int i = 0; i < requestArgs.size(); i++) {
                ObjectNode a = args.putObject("gen_args_" + i);
                for (int j = 0; j < requestArgs.get(i).size(); j++) {
                    a.set("arg_" + j, requestArgs.get(i).get(j));
                }
            }
            ArrayNode resps = s.putArray("resps");
            ArrayNode filtered = s.putArray("filtered_resps");
            List<LoglikelihoodResult> lls = r.responses().get(d);
            if (generated) {
                resps.addArray().add(r.generations().get(d));
                filtered.add(r.generations().get(d));
            } else if (rolling) {
                String ll = PyJson.floatRepr(r.perDoc().get(d).get(DocMetrics.LL));
                resps.addArray().add(ll);
                filtered.add(ll);
            } else {
                for (LoglikelihoodResult ll : lls) {
                    String greedy = ll.greedy() ? "True" : "False";
                    resps.addArray().addArray().add(PyJson.floatRepr(ll.logLikelihood())).add(greedy);
                    filtered.addArray().add(PyJson.floatRepr(ll.logLikelihood())).add(greedy);
                }
            }
            s.put("filter", "none");
            ArrayNode metrics = s.putArray("metrics");
            r.spec().metrics().forEach(metrics::add);
            s.put("doc_hash", docHash(doc));
            s.put("prompt_hash", sha256(promptOf(r.spec(), doc)));
            s.put("target_hash", sha256(doc.target()));
            Map<String, Double> p = r.perDoc().get(d);
            if (rolling) {
                for (String m : r.spec().metrics()) { // lm-eval's per-document (log-likelihood, weight) pairs
                    String weight = m.equals("word_perplexity") ? DocMetrics.WORDS : DocMetrics.BYTES;
                    s.putArray(m).add(p.get(DocMetrics.LL)).add(p.get(weight).longValue());
                }
            } else {
                for (String m : r.spec().metrics()) {
                    if (integral(r.spec(), m)) {
                        s.put(m, p.get(m).intValue());
                    } else {
                        s.put(m, p.get(m));
                    }
                }
            }
            out.append(PyJson.dumps(s)).append('\n');
        }
        return out.toString();
    }

    /**
     * The arguments of a document's requests as lm-eval's Instance.args holds them: (context, continuation) per
     * choice, (context, generation kwargs) for generate_until, (text,) for a rolling log-likelihood.
     */
    public static ArrayNode requestArguments(TaskSpec spec, TaskDoc doc, LmEvalSemantics semantics) {
        ArrayNode out = JSON.createArrayNode();
        switch (spec.outputType()) {
            case GENERATE_UNTIL -> {
                out.addArray().add(doc.requests().get(0).context()).add(spec.generationKwargs(semantics));
            }
            case LOGLIKELIHOOD_ROLLING -> out.addArray().add(doc.target());
            default -> doc.requests().forEach(q -> out.addArray().add(q.context()).add(q.continuation()));
        }
        return out;
    }

    /**
     * {@code data requests}: one line per document, {"task", "doc_id", "arguments", "target"}, the requests this
     * harness sends, for comparison with what lm-eval's own task code builds (tools/lmeval/lm_eval_requests.py).
     */
    public static String requestsJsonl(TaskSpec spec, List<TaskDoc> docs, LmEvalSemantics semantics) {
        StringBuilder out = new StringBuilder();
        for (TaskDoc d : docs) {
            ObjectNode line = JSON.createObjectNode();
            line.put("task", spec.task()).put("doc_id", d.docId());
            line.set("arguments", requestArguments(spec, d, semantics));
            line.put("target", d.target());
            line.put("doc_hash", docHash(d)).put("prompt_hash", sha256(promptOf(spec, d))).put("target_hash",
                    sha256(d.target()));
            out.append(PyJson.dumps(line)).append('\n');
        }
        return out.toString();
    }

    /** Metrics lm-eval's process_results returns as int: loglikelihood's acc (is_greedy) and contains. */
    private static boolean integral(TaskSpec spec, String metric) {
        return spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD && metric.equals("acc")
                || metric.equals("contains");
    }

    /**
     * Writes the samples files, then the results file that refers to them, as one unit into {@code dir} (the
     * model's folder under the output path, as lm-eval's EvaluationTracker lays them out).
     */
    public static void write(Path dir, String stamp, ObjectNode results, List<TaskResult> tasks, boolean samples,
                             LmEvalSemantics semantics) throws IOException {
        java.util.Map<Path, byte[]> files = new java.util.LinkedHashMap<>();
        if (samples) {
            for (TaskResult r : tasks) {
                files.put(dir.resolve("samples_" + r.spec().task() + "_" + stamp + ".jsonl"),
                        samplesJsonl(r, semantics).getBytes(StandardCharsets.UTF_8));
            }
        }
        files.put(dir.resolve("results_" + stamp + ".json"), PyJson.dumpsIndented(results)
                .getBytes(StandardCharsets.UTF_8));
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
