package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.checkpoints.hub.FakeHub;
import dev.deltaeval.checkpoints.hub.HubCache;
import dev.deltaeval.checkpoints.hub.HubClient;
import dev.deltaeval.checkpoints.hub.HubDownloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * data fetch from a local imitation of the Hub: the bundled ARC-Easy sample, re-expressed in the Hub's layout and
 * stored as Parquet, comes back as a file that eval reads into exactly the requests of the original.
 */
class DatasetFetcherTest {
    static final Path SAMPLE = Path.of("../data/tasks-sample");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The original ARC layout (question.stem, question.choices[]) to the Hub's (question, choices.text/label). */
    static String hubRows(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        List<String> lines = Files.readAllLines(SAMPLE.resolve("arc_easy_test.jsonl"));
        for (String line : lines.subList(0, n)) {
            JsonNode o = JSON.readTree(line);
            ObjectNode h = JSON.createObjectNode().put("id", o.get("id").asText())
                    .put("question", o.get("question").get("stem").asText());
            ObjectNode ch = h.putObject("choices");
            var texts = ch.putArray("text");
            var labels = ch.putArray("label");
            for (JsonNode c : o.get("question").get("choices")) {
                texts.add(c.get("text").asText());
                labels.add(c.get("label").asText());
            }
            h.put("answerKey", o.get("answerKey").asText());
            sb.append(JSON.writeValueAsString(h)).append('\n');
        }
        return sb.toString();
    }

    static byte[] parquet(Path dir, String name, String jsonl) throws Exception {
        Path json = dir.resolve(name + ".jsonl");
        Path out = dir.resolve(name + ".parquet");
        Files.writeString(json, jsonl);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM read_json_auto('" + json + "')) TO '" + out + "' (FORMAT PARQUET)");
        }
        return Files.readAllBytes(out);
    }

    @Test
    void aParquetDatasetBecomesAFileEvalReadsIntoTheSameRequests(@TempDir Path tmp) throws Exception {
        FakeHub hub = new FakeHub();
        try {
            hub.dataset("allenai/ai2_arc")
                    .file("ARC-Easy/test-00000-of-00001.parquet", parquet(tmp, "test", hubRows(12)), true)
                    .file("ARC-Easy/validation-00000-of-00001.parquet", parquet(tmp, "val", hubRows(3)), true)
                    .file("ARC-Challenge/test-00000-of-00001.parquet", parquet(tmp, "chal", hubRows(2)), true)
                    .file("README.md", "# ai2_arc".getBytes(), false);
            DatasetFetcher fetcher = new DatasetFetcher(new HubDownloader(new HubClient(hub.endpoint(), null),
                    new HubCache(tmp.resolve("cache"))));
            Path data = Files.createDirectories(tmp.resolve("data"));
            DatasetFetcher.Fetched f = fetcher.fetch("arc_easy", data, false, null);
            assertEquals(data.resolve("arc_easy_test.jsonl"), f.file());
            assertEquals(12, f.rows(), "only ARC-Easy's test split");
            assertTrue(Files.exists(data.resolve("arc_easy_test.jsonl.source.json")));

            TaskSpec spec = TaskRegistry.get("arc_easy");
            List<TaskDoc> fetched = RequestBuilder.build(spec, DocumentReader.read(data, spec, -1));
            List<TaskDoc> original = RequestBuilder.build(spec, DocumentReader.read(SAMPLE, spec, 12));
            assertEquals(12, fetched.size());
            for (int i = 0; i < 12; i++) {
                assertEquals(original.get(i).requests(), fetched.get(i).requests(), "document " + i);
                assertEquals(original.get(i).gold(), fetched.get(i).gold(), "gold of document " + i);
            }
            // offline, from the cache, after the server is gone
            hub.close();
            Path again = Files.createDirectories(tmp.resolve("again"));
            assertEquals(12, fetcher.fetch("arc_easy", again, true, null).rows());
        } finally {
            hub.close();
        }
    }

    @Test
    void splitFilesAndTasksWithoutAHubSource() {
        DatasetFetcher.HubSource arc = new DatasetFetcher.HubSource("allenai/ai2_arc", "ARC-Easy", "test", "main");
        assertTrue(DatasetFetcher.splitFile("ARC-Easy/test-00000-of-00001.parquet", arc));
        assertTrue(DatasetFetcher.splitFile("ARC-Easy/test/0000.parquet", arc));
        assertFalse(DatasetFetcher.splitFile("ARC-Easy/validation-00000-of-00001.parquet", arc));
        assertFalse(DatasetFetcher.splitFile("XARC-Easy/test-00000-of-00001.parquet", arc));
        assertFalse(DatasetFetcher.splitFile("ARC-Easy/test-00000-of-00001.json", arc));
        DatasetFetcher.HubSource hs = new DatasetFetcher.HubSource("Rowan/hellaswag", null, "validation", "main");
        assertTrue(DatasetFetcher.splitFile("data/validation-00000-of-00001.parquet", hs));
        assertEquals("task piqa has no Hub dataset to fetch; place its files in the data directory by hand (see "
                + "data/tasks-sample/README.md)", assertThrows(TaskException.class,
                        () -> new DatasetFetcher(null).fetch("piqa", Path.of("."), false, null)).getMessage());
    }

    @Test
    void tasksWithoutAHubSourceAreNamedBeforeAnyDownload() {
        DatasetFetcher.checkFetchable(java.util.List.of("arc_easy", "hellaswag"), java.nio.file.Path.of("d"));
        TaskException e = org.junit.jupiter.api.Assertions.assertThrows(TaskException.class,
                () -> DatasetFetcher.checkFetchable(java.util.List.of("arc_easy", "piqa", "social_iqa"),
                        java.nio.file.Path.of("d")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("piqa, social_iqa have no Hub dataset to "
                + "fetch, so nothing was downloaded: place its files in d by hand (piqa: piqa_valid.jsonl and "
                + "piqa_valid-labels.lst; social_iqa: "), e.getMessage());
    }
}
