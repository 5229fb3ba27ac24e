package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every task definition, run on its bundled sample, builds the requests lm-eval's own task code builds.
 *
 * <p>Each task's {@code defs/NAME/golden/lm-eval-requests.jsonl} was written by lm-evaluation-harness itself at
 * commit 4e7e0d47f (its ConfigurableTask, the task YAMLs and utils.py, its hash_string): {@code python3
 * tools/lmeval/lm_eval_requests.py --lm-eval LM_EVAL_CHECKOUT --data-dir data/tasks-sample --tasks NAME}, or with
 * {@code --data-dir tasks/defs/NAME/golden/data} for the three tasks without a bundled sample (lambada_standard, sciq,
 * wikitext: synthetic documents, see {@code tasks/defs/README.md}). The script puts DeltaEval's files into the Hub
 * layout lm-eval reads; where it had to convert a document (AI2's ARC layout, label files, Google's BoolQ), the
 * logged document differs by design and only its doc_hash is not compared.
 */
class LmEvalContractTest {
    static final Path DEFS = Path.of("defs");
    static final Path SAMPLE = Path.of("../data/tasks-sample");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every task folder's golden requests, by the task lm-eval logged them for. */
    private static Map<String, List<JsonNode>> golden() throws IOException {
        Map<String, List<JsonNode>> byTask = new LinkedHashMap<>();
        try (var folders = Files.list(DEFS)) {
            for (Path requests : folders.map(f -> f.resolve("golden/lm-eval-requests.jsonl")).filter(Files::exists)
                    .sorted().toList()) {
                for (String line : Files.readAllLines(requests)) {
                    JsonNode n = JSON.readTree(line);
                    assertEquals(requests.getParent().getParent().getFileName().toString(), n.get("task").asText(),
                            requests + ": a request of another task");
                    byTask.computeIfAbsent(n.get("task").asText(), k -> new ArrayList<>()).add(n);
                }
            }
        }
        return byTask;
    }

    private static List<JsonNode> ours(TaskSpec spec) throws IOException {
        Path own = DEFS.resolve(spec.task()).resolve("golden/data");
        Path dir = Files.exists(own.resolve(spec.dataFile())) ? own : SAMPLE;
        List<TaskDoc> docs = RequestBuilder.build(spec, DocumentReader.read(dir, spec, -1), LmEvalSemantics.CURRENT);
        List<JsonNode> out = new ArrayList<>();
        for (String line : ResultsWriter.requestsJsonl(spec, docs, LmEvalSemantics.CURRENT).split("\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void everyTaskBuildsLmEvalsRequestsTargetsAndHashes() throws IOException {
        Map<String, List<JsonNode>> golden = golden();
        assertEquals(new TreeSet<>(TaskRegistry.names()), new TreeSet<>(golden.keySet()), "all tasks have a golden");
        int docs = 0;
        int hashedDocs = 0;
        for (String task : TaskRegistry.names()) {
            List<JsonNode> mine = ours(TaskRegistry.get(task));
            List<JsonNode> theirs = golden.get(task);
            assertEquals(theirs.size(), mine.size(), task + ": documents");
            for (int i = 0; i < theirs.size(); i++) {
                JsonNode t = theirs.get(i);
                JsonNode m = mine.get(i);
                String where = task + " doc " + i;
                assertEquals(t.get("arguments"), m.get("arguments"), where + ": arguments");
                assertEquals(t.get("target").asText(), m.get("target").asText(), where + ": target");
                assertEquals(t.get("prompt_hash").asText(), m.get("prompt_hash").asText(), where + ": prompt_hash");
                assertEquals(t.get("target_hash").asText(), m.get("target_hash").asText(), where + ": target_hash");
                if (!t.get("layout_converted").asBoolean()) {
                    assertEquals(t.get("doc_hash").asText(), m.get("doc_hash").asText(), where + ": doc_hash");
                    hashedDocs++;
                }
                docs++;
            }
        }
        assertEquals(206, docs);
        assertTrue(hashedDocs >= 80, "doc_hash compared on the Hub-layout files: " + hashedDocs);
    }

    /** super_glue's boolq layout (what `data fetch boolq` writes) and Google's give the same prompts. */
    @Test
    void boolqFromSuperGlueLayoutEqualsGooglesLayout(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        TaskSpec spec = TaskRegistry.get("boolq");
        List<ObjectNode> google = DocumentReader.read(SAMPLE, spec, -1);
        StringBuilder superGlue = new StringBuilder();
        for (int i = 0; i < google.size(); i++) {
            ObjectNode g = google.get(i);
            ObjectNode s = JSON.createObjectNode();
            s.put("question", g.get("question").asText());
            s.put("passage", g.get("title").asText() + " -- " + g.get("passage").asText());
            s.put("idx", i).put("label", g.get("answer").asBoolean() ? 1 : 0);
            superGlue.append(s).append('\n');
        }
        Files.writeString(tmp.resolve(spec.dataFile()), superGlue.toString());
        List<TaskDoc> a = RequestBuilder.build(spec, google, LmEvalSemantics.CURRENT);
        List<TaskDoc> b = RequestBuilder.build(spec, DocumentReader.read(tmp, spec, -1), LmEvalSemantics.CURRENT);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).requests(), b.get(i).requests());
            assertEquals(a.get(i).gold(), b.get(i).gold());
        }
    }

    /** The pre-processed HellaSwag layout is evaluated, with a note saying its prompts are not lm-eval's. */
    @Test
    void preprocessedHellaswagGetsOneNote(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        TaskSpec spec = TaskRegistry.get("hellaswag");
        Files.writeString(tmp.resolve(spec.dataFile()), "{\"query\": \"Roof shingle removal: A man is sitting on a "
                + "roof. he\", \"label\": 3, \"endings\": [\"a.\", \"b.\", \"c.\", \"d.\"]}\n");
        List<ObjectNode> docs = DocumentReader.read(tmp, spec, -1);
        List<String> notes = Preprocessors.notes(spec, docs);
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("not lm-eval's") && notes.get(0).contains("data fetch hellaswag"),
                notes.get(0));
        assertEquals("Roof shingle removal: A man is sitting on a roof. he",
                RequestBuilder.build(spec, docs, LmEvalSemantics.CURRENT).get(0).requests().get(0).context());
        assertEquals(List.of(), Preprocessors.notes(spec, DocumentReader.read(SAMPLE, spec, -1)), "Hub layout");
    }

    /** Each task's version is lm-eval HEAD's (its YAML's metadata.version, recorded in the definition). */
    @Test
    void versionsAreLmEvals() {
        Map<String, Double> expected = Map.of("boolq", 2.0, "social_iqa", 0.0, "wikitext", 2.0, "swde", 1.0,
                "hellaswag", 1.0, "copa", 1.0);
        expected.forEach((task, v) -> assertEquals(v, TaskRegistry.get(task).version(), task));
        for (String task : TaskRegistry.names()) {
            TaskSpec s = TaskRegistry.get(task);
            assertEquals(s.lmEvalConfig().path("metadata").path("version").asDouble(), s.version(), task);
        }
    }
}
