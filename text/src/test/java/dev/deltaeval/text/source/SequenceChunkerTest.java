package dev.deltaeval.text.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deltaeval.text.DataException;

import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documents to sequences as the DeltaProduct data module does, with the real Mistral tokenizer. */
class SequenceChunkerTest {
    static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.load(Path.of("../checkpoints/demo-dp2-6m/tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static long[] concat(List<String> docs) {
        List<Long> all = new ArrayList<>();
        for (String d : docs) {
            for (long id : tokenizer.encode(d, true)) {
                all.add(id);
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void documentsGetBosAndAreCutIntoExactChunksDroppingTheLeftover() {
        List<String> docs = List.of("The cat sat on the mat.", "Question: who? Answer: nobody.", "A third one here.");
        long[] flat = concat(docs);
        assertEquals(1, flat[0], "BOS starts the first document");
        List<long[]> chunks = new SequenceChunker(5, 1000, null).chunks(docs, tokenizer, 0);
        assertEquals(flat.length / 5, chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(flat, i * 5, i * 5 + 5), chunks.get(i));
        }
        assertEquals(2, new SequenceChunker(5, 1000, null).chunks(docs, tokenizer, 2).size());
    }

    @Test
    void leftoversAreDroppedPerMapBatch() {
        List<String> docs = List.of("one two three four five six seven", "eight nine ten eleven twelve");
        int perDocA = tokenizer.encode(docs.get(0), true).length;
        int perDocB = tokenizer.encode(docs.get(1), true).length;
        int len = 4;
        List<long[]> perDoc = new SequenceChunker(len, 1, null).chunks(docs, tokenizer, 0);
        assertEquals(perDocA / len + perDocB / len, perDoc.size());
        List<long[]> joint = new SequenceChunker(len, 2, null).chunks(docs, tokenizer, 0);
        assertEquals((perDocA + perDocB) / len, joint.size());
    }

    @Test
    void seededSelectionIsReproducibleAndDiffersFromTheFirstSequences() {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            docs.add("Document number " + i + " talks about topic " + (i * 7 % 13) + ".");
        }
        List<long[]> first = new SequenceChunker(8, 1000, null).chunks(docs, tokenizer, 5);
        List<long[]> a = new SequenceChunker(8, 1000, 42L).chunks(docs, tokenizer, 5);
        List<long[]> b = new SequenceChunker(8, 1000, 42L).chunks(docs, tokenizer, 5);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        assertNotEquals(java.util.Arrays.toString(first.get(0)) + java.util.Arrays.toString(first.get(1)),
                java.util.Arrays.toString(a.get(0)) + java.util.Arrays.toString(a.get(1)));
    }

    @Test
    void tooLittleTextIsAClearError() {
        DataException e = assertThrows(DataException.class,
                () -> new SequenceChunker(4096, 1000, null).chunks(List.of("short"), tokenizer, 0));
        assertEquals("the documents hold fewer than max_len = 4096 tokens per map batch of 1000 documents: no sequence"
                + " can be formed", e.getMessage());
    }

    @Test
    void jsonlTemplatesPresetsAndErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("qa.jsonl");
        Files.writeString(f, "{\"query\": \"Who?\", \"answer\": \"Me\"}\n\n{\"query\": \"Why?\", \"answer\": 42}\n");
        assertEquals(List.of("Question: Who?, Answer: Me", "Question: Why?, Answer: 42"),
                TextSource.of(f, null, null, "trivia_qa").read());
        assertEquals(List.of("Who?", "Why?"), TextSource.of(f, "query", null, null).read());
        assertEquals("trivia_qa", TextSource.of(f, null, null, "trivia_qa").name());
        assertEquals(f + " line 1: no field 'content' (template {content})",
                assertThrows(DataException.class, () -> TextSource.of(f, null, null, "codeparrot").read())
                        .getMessage());
        assertEquals(f + ": a JSONL source needs field, template or preset",
                assertThrows(DataException.class, () -> TextSource.of(f, null, null, null).read())
                        .getMessage());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": 1}\n{oops\n");
        assertTrue(assertThrows(DataException.class, () -> TextSource.of(bad, "text", null, null).read())
                .getMessage().startsWith(bad + " line 2: not valid JSON"));
        assertEquals(dir.resolve("none.txt") + ": no such file or folder", assertThrows(DataException.class,
                () -> TextSource.of(dir.resolve("none.txt"), null, null, null).read()).getMessage());
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        assertEquals(empty + ": no documents (the file or folder holds no text)",
                assertThrows(DataException.class, () -> TextSource.of(empty, null, null, null).read())
                        .getMessage());
        assertThrows(DataException.class, () -> TextSource.of(f, null, null, "wikipedia"));
    }

    private static void assertTrue(boolean b) {
        org.junit.jupiter.api.Assertions.assertTrue(b);
    }
}
