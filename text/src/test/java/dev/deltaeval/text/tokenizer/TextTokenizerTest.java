package dev.deltaeval.text.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.text.DataException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference encodings produced with Hugging Face tokenizers 0.21 (shared/data/tokenizers). */
class TextTokenizerTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TextTokenizerTest.class.getResource("/tokenizers/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mistral-7b-v0.1.metaspace.tokenizer.json", "mistral-7b-v0.1.legacy-normalizer.tokenizer.json",
        "gpt2.tokenizer.json"})
    void reproducesGoldenEncodings(String file) throws Exception {
        JsonNode golden = new ObjectMapper().readTree(resource("golden_encodings.djl-0.38.0-hf-tokenizers-0.21.json").toFile());
        int checked = 0;
        try (TextTokenizer tok = TextTokenizer.load(resource(file))) {
            for (JsonNode c : golden) {
                if (!c.get("tokenizer").asText().equals(file)) {
                    continue;
                }
                String text = c.get("text").asText();
                assertArrayEquals(ids(c.get("ids_add_special_tokens")), tok.encode(text, true), file + ": " + text);
                assertArrayEquals(ids(c.get("ids_no_special_tokens")), tok.encode(text, false), file + ": " + text);
                assertEquals(c.get("decode_no_special").asText(), tok.decode(ids(c.get("ids_no_special_tokens")), true),
                        file + " decode: " + text);
                checked++;
            }
        }
        assertEquals(12, checked, "golden cases for " + file);
    }

    @Test
    void doesNotTruncateLongTexts() throws Exception {
        String text = "The delta rule updates a fast-weight memory one token at a time. ".repeat(200);
        try (TextTokenizer tok = TextTokenizer.load(resource("mistral-7b-v0.1.metaspace.tokenizer.json"))) {
            long[] ids = tok.encode(text, true);
            assertTrue(ids.length > 2000, "got only " + ids.length + " tokens");
            assertEquals(1, ids[0], "BOS first");
        }
    }

    @Test
    void missingAndUnreadableTokenizerGiveOneClearLine(@TempDir Path dir) throws IOException {
        DataException missing = assertThrows(DataException.class, () -> TextTokenizer.load(dir.resolve("tokenizer.json")));
        assertEquals(dir.resolve("tokenizer.json") + ": tokenizer file not found (expected the checkpoint's tokenizer.json "
                + "in Hugging Face format)", missing.getMessage());
        Path broken = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 42");
        DataException bad = assertThrows(DataException.class, () -> TextTokenizer.load(broken));
        assertTrue(bad.getMessage().startsWith(broken + ": unreadable tokenizer ("), bad.getMessage());
        assertTrue(!bad.getMessage().contains("\n"), "one line");
    }

    private static long[] ids(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }
}
