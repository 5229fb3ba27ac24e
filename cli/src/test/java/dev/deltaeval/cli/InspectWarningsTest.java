package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect says when the tokenizer can produce ids the embedding has no row for (it said "warnings none"). */
class InspectWarningsTest {
    @TempDir
    Path tmp;

    @Test
    void tokenizerIdsBeyondTheEmbedding() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(CliTest.DEMO.resolve(f), dir.resolve(f));
        }
        String tok = Files.readString(CliTest.DEMO.resolve("tokenizer.json"));
        int at = tok.indexOf("\"added_tokens\"");
        int open = tok.indexOf('[', at);
        Files.writeString(dir.resolve("tokenizer.json"), tok.substring(0, open + 1) + "{\"id\": 40000, \"content\": "
                + "\"<extra>\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, "
                + "\"special\": true}," + tok.substring(open + 1));
        CliTest.Run r = CliTest.run("inspect", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("tokenizer_ids     40001 (the embedding has 32000 rows)"), r.out());
        assertTrue(r.out().contains("warnings          tokenizer.json has ids up to 40000, but the embedding has 32000 "
                + "rows: texts with those tokens cannot be scored"), r.out());
        CliTest.Run demo = CliTest.run("inspect", CliTest.DEMO.toString());
        assertTrue(demo.out().contains("tokenizer_ids     32000\n") && demo.out().contains("warnings          none"),
                demo.out());
    }
}
