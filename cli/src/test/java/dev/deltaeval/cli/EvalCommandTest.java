package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval on the bundled checkpoint and sample data: lm-eval's results shape and self-consistent metrics. */
class EvalCommandTest {
    static final List<String> TASKS = List.of("piqa", "arc_easy", "copa", "winogrande", "lambada_openai");

    @TempDir
    Path out;

    @Test
    void resultsJsonHasLmEvalsKeysAndTypes() throws IOException {
        CliTest.Run r = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", String.join(",", TASKS), "--data-dir",
                "../data/tasks-sample", "--limit", "8", "--batch-size", "4", "--output", out.toString(), "--log-samples",
                "--bootstrap-iters", "1000");
        assertEquals(0, r.exit(), r.err());
        // lm-eval's layout: OUT/<sanitized model name>/results_<date>.json
        Path modelDir = out.resolve(CliTest.DEMO.toString().replaceAll("[\"<>:/|\\\\?*\\[\\]]+", "__"));
        Path results;
        try (Stream<Path> files = Files.list(modelDir)) {
            results = files.filter(p -> p.getFileName().toString().startsWith("results_")).findFirst().orElseThrow();
        }
        JsonNode j = new ObjectMapper().readTree(results.toFile());
        // every top-level key lm-eval HEAD writes (simple_evaluate, add_env_info, add_tokenizer_info, the tracker)
        for (String key : List.of("results", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better",
                "n-samples", "config", "git_hash", "date", "pretty_env_info", "transformers_version", "lm_eval_version",
                "upper_git_hash", "tokenizer_pad_token", "tokenizer_eos_token", "tokenizer_bos_token", "eot_token_id",
                "max_length", "task_hashes", "model_source", "model_name", "model_name_sanitized", "system_instruction",
                "system_instruction_sha", "fewshot_as_multiturn", "chat_template", "chat_template_sha",
                "total_evaluation_time_seconds", "deltaeval")) {
            assertTrue(j.has(key), "missing top-level key " + key);
        }
        assertEquals(CliTest.DEMO.toString(), j.get("model_name").asText());
        assertEquals(modelDir.getFileName().toString(), j.get("model_name_sanitized").asText());
        assertEquals("0.4.13.dev0", j.get("lm_eval_version").asText());
        assertEquals("[\"</s>\",\"2\"]", j.get("tokenizer_eos_token").toString());
        assertEquals("[\"<s>\",\"1\"]", j.get("tokenizer_bos_token").toString());
        assertEquals(2, j.get("eot_token_id").asInt());
        assertTrue(j.get("config").has("use_cache") && j.get("config").has("model_revision"));
        for (String key : List.of("dataset_path", "output_type", "repeats", "should_decontaminate", "description",
                "num_fewshot", "fewshot_config", "metadata")) {
            assertTrue(j.get("configs").get("piqa").has(key), "configs.piqa." + key);
        }
        for (JsonNode m : j.get("configs").get("copa").get("metric_list")) {
            assertEquals("mean", m.get("aggregation").asText(), "Zeno needs the aggregation");
            assertTrue(m.get("higher_is_better").asBoolean());
        }
        assertTrue(j.get("total_evaluation_time_seconds").isTextual(), "lm-eval writes it as a string");
        assertTrue(j.get("date").isNumber());
        for (String task : TASKS) {
            JsonNode t = j.get("results").get(task);
            assertEquals(task, t.get("alias").asText());
            assertEquals(8, t.get("sample_len").asInt());
            assertTrue(t.get("acc,none").isNumber(), task);
            assertTrue(t.get("acc_stderr,none").isNumber(), task);
            assertEquals(0, j.get("n-shot").get(task).asInt());
            assertTrue(j.get("versions").get(task).isNumber());
            assertEquals(8, j.get("n-samples").get(task).get("effective").asInt());
            assertEquals(20, j.get("n-samples").get(task).get("original").asInt());
            assertTrue(j.get("higher_is_better").get(task).get("acc").asBoolean());
            // the aggregate equals the mean of the per-sample values
            List<String> lines = Files.readAllLines(modelDir.resolve(results.getFileName().toString()
                    .replace("results_", "samples_" + task + "_").replace(".json", ".jsonl")));
            // lm-eval's task hash: sha256 over the samples' doc, prompt and target hashes, in order
            StringBuilder hashes = new StringBuilder();
            for (String line : lines) {
                JsonNode s = new ObjectMapper().readTree(line);
                hashes.append(s.get("doc_hash").asText()).append(s.get("prompt_hash").asText())
                        .append(s.get("target_hash").asText());
            }
            assertEquals(sha256(hashes.toString()), j.get("task_hashes").get(task).asText(), task);
            assertEquals(8, lines.size());
            double acc = 0;
            for (String line : lines) {
                JsonNode s = new ObjectMapper().readTree(line);
                acc += s.get("acc").asDouble();
                assertEquals("none", s.get("filter").asText());
                assertTrue(s.get("resps").get(0).get(0).get(1).asText().matches("True|False"));
            }
            assertEquals(acc / 8, t.get("acc,none").asDouble(), 1e-12, task);
        }
        JsonNode copa = new ObjectMapper().readTree(Files.readAllLines(modelDir.resolve(results.getFileName()
                .toString().replace("results_", "samples_copa_").replace(".json", ".jsonl"))).get(0));
        assertEquals(" water flowed from the spout.", copa.get("target").asText(), "lm-eval logs copa's gold text");
        assertEquals(sha256(" water flowed from the spout."), copa.get("target_hash").asText());
        assertEquals("The man turned on the faucet.", copa.get("doc").get("premise").asText(), "the dataset's doc");
        assertTrue(!copa.get("doc").has("choices") && !copa.get("doc").has("gold"), "no DeltaEval helper fields");
        assertTrue(copa.get("acc").isDouble(), "multiple-choice acc is 1.0/0.0 in lm-eval");
        JsonNode lambada = new ObjectMapper().readTree(Files.readAllLines(modelDir.resolve(results.getFileName()
                .toString().replace("results_", "samples_lambada_openai_").replace(".json", ".jsonl"))).get(0));
        assertTrue(lambada.get("acc").isInt(), "loglikelihood acc is int(is_greedy) in lm-eval");
        assertTrue(j.get("results").get("lambada_openai").get("perplexity,none").asDouble() > 1);
        assertTrue(!j.get("higher_is_better").get("lambada_openai").get("perplexity").asBoolean());
        assertEquals("current", j.get("deltaeval").get("lm_eval_semantics").asText());
        assertEquals(64, j.get("deltaeval").get("checkpoint_sha256").asText().length());
        assertEquals(64, j.get("deltaeval").get("data_sha256").get("piqa").asText().length());
        String piqaRow = r.out().lines().filter(l -> l.startsWith("|piqa ")).findFirst().orElseThrow();
        assertEquals(List.of("piqa", "1", "none", "0", "acc", "↑"), java.util.Arrays.stream(piqaRow.split("\\|"))
                .skip(1).limit(6).map(String::trim).toList(), r.out());
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wrongTaskNameAndMissingDataAreOneLine() {
        CliTest.Run bad = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "piqaa", "--output", out.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("deltaeval: error: unknown task \"piqaa\"; did you mean piqa? (known: "),
                bad.err());
        CliTest.Run missing = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "piqa", "--data-dir",
                out.toString(), "--output", out.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("task piqa: data file"), missing.err());
        // a group whose second task has no data fails before the first one is evaluated
        CliTest.Run group = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "lambada", "--data-dir",
                "../data/tasks-sample", "--output", out.toString());
        assertEquals(2, group.exit());
        assertTrue(group.err().contains("task lambada_standard: data file"), group.err());
        assertTrue(!group.err().contains("lambada_openai:"), "nothing was evaluated: " + group.err());
    }

    /** data requests writes what eval would send, one line per document, with lm-eval's target and hashes. */
    @Test
    void dataRequestsWritesEachDocumentsRequests() throws IOException {
        Path file = out.resolve("requests.jsonl");
        CliTest.Run r = CliTest.run("data", "requests", "copa", "swde", "--data-dir", "../data/tasks-sample", "--out",
                file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("copa: 20 documents, 40 requests"), r.err());
        List<String> lines = Files.readAllLines(file);
        assertEquals(23, lines.size(), "20 copa + 3 swde documents");
        JsonNode copa = new ObjectMapper().readTree(lines.get(0));
        assertEquals("The man turned on the faucet therefore", copa.get("arguments").get(0).get(0).asText());
        assertEquals(" water flowed from the spout.", copa.get("target").asText());
        JsonNode swde = new ObjectMapper().readTree(lines.get(20));
        assertEquals("{\"until\":[\"\\n\"],\"max_gen_toks\":48}", swde.get("arguments").get(0).get(1).toString());
    }

    /** A generation task's stats line counts its own documents, not the previous task's requests. */
    @Test
    void generationTaskStatsAreItsOwn() {
        CliTest.Run r = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "copa,swde", "--data-dir",
                "../data/tasks-sample", "--limit", "2", "--output", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("copa: 2 documents, 4 requests scored"), r.err());
        assertTrue(r.err().contains("swde: 2 documents, 2 generated, 0 from the journal"), r.err());
    }

    @Test
    void rerunResumesFromTheJournalWithIdenticalResults() throws IOException {
        String[] args = {"eval", CliTest.DEMO.toString(), "--tasks", "copa", "--data-dir", "../data/tasks-sample",
            "--limit", "6", "--output", out.toString()};
        CliTest.Run first = CliTest.run(args);
        CliTest.Run second = CliTest.run(args);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("copa: 6 documents, 12 requests scored"), first.err());
        assertTrue(second.err().contains("copa: 6 documents, 0 requests scored"), second.err());
        assertEquals(first.out(), second.out(), "the same table");
    }

    @Test
    void benchTasksReportsTokensRunWithAndWithoutForking() throws IOException {
        Path json = out.resolve("bench.json");
        CliTest.Run r = CliTest.run("bench", "tasks", CliTest.DEMO.toString(), "--tasks", "arc_easy", "--data-dir",
                "../data/tasks-sample", "--limit", "5", "--repeat", "1", "--out", json.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).get("results");
        assertEquals(2, rows.size());
        JsonNode forked = rows.get(0);
        JsonNode plain = rows.get(1);
        assertTrue(forked.get("forking").asBoolean() && !plain.get("forking").asBoolean());
        assertEquals(5, forked.get("contexts_run").asInt(), "one context per document");
        assertEquals(plain.get("requests").asInt(), plain.get("contexts_run").asInt(), "one context per choice");
        assertTrue(forked.get("tokens_run").asLong() < plain.get("tokens_run").asLong(), rows.toString());
        assertEquals(forked.get("metrics").get("acc").asDouble(), plain.get("metrics").get("acc").asDouble(),
                "both modes give the same answers");
    }
}
