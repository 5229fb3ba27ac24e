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
        Path results;
        try (Stream<Path> files = Files.list(out)) {
            results = files.filter(p -> p.getFileName().toString().startsWith("results_")).findFirst().orElseThrow();
        }
        JsonNode j = new ObjectMapper().readTree(results.toFile());
        for (String key : List.of("results", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better",
                "n-samples", "config", "date", "total_evaluation_time_seconds", "deltaeval")) {
            assertTrue(j.has(key), "missing top-level key " + key);
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
            List<String> lines = Files.readAllLines(out.resolve(results.getFileName().toString()
                    .replace("results_", "samples_" + task + "_").replace(".json", ".jsonl")));
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
        assertTrue(j.get("results").get("lambada_openai").get("perplexity,none").asDouble() > 1);
        assertTrue(!j.get("higher_is_better").get("lambada_openai").get("perplexity").asBoolean());
        assertEquals("current", j.get("deltaeval").get("lm_eval_semantics").asText());
        assertEquals(64, j.get("deltaeval").get("checkpoint_sha256").asText().length());
        assertEquals(64, j.get("deltaeval").get("data_sha256").get("piqa").asText().length());
        String piqaRow = r.out().lines().filter(l -> l.startsWith("|piqa ")).findFirst().orElseThrow();
        assertEquals(List.of("piqa", "1", "none", "0", "acc", "↑"), java.util.Arrays.stream(piqaRow.split("\\|"))
                .skip(1).limit(6).map(String::trim).toList(), r.out());
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
