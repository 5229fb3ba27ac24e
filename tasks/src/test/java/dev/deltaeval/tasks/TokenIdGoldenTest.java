package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token ids of the first documents of every task file with the Mistral tokenizer, read back through the
 * vocabulary table of tokenizer.json (data, not the tokenizer code): the context ids spell BOS + the context with
 * its trailing whitespace moved (lm-eval's _encode_pair), the continuation ids spell exactly the continuation, and
 * 0.4.2 semantics differ only by the missing BOS.
 */
class TokenIdGoldenTest {
    /** The Mistral tokenizer's BOS and EOS ids (its tokenizer_config.json), which these tests' checkpoints use. */
    private static final long MISTRAL_BOS = 1;
    private static final long MISTRAL_EOS = 2;

    static final Path MISTRAL = Path.of("../checkpoints/demo-dp2-6m/tokenizer.json");
    static TextTokenizer tok;
    static final Map<Long, String> PIECES = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        tok = TextTokenizer.load(MISTRAL);
        JsonNode vocab = new ObjectMapper().readTree(MISTRAL.toFile()).path("model").path("vocab");
        vocab.properties().forEach(e -> PIECES.put(e.getValue().asLong(), e.getKey()));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    /** SentencePiece pieces to text: "▁" is a space, <0xNN> a byte of UTF-8. */
    static String spell(long[] ids, int from) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < ids.length; i++) {
            String p = PIECES.get(ids[i]);
            if (p.matches("<0x[0-9A-F]{2}>")) {
                bytes.write(Integer.parseInt(p.substring(3, 5), 16));
            } else {
                bytes.writeBytes(p.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"piqa", "hellaswag", "winogrande", "arc_easy", "arc_challenge", "boolq", "openbookqa",
        "social_iqa", "copa", "lambada_openai"})
    void contextAndContinuationIdsSpellTheRequests(String task) {
        TaskSpec spec = TaskRegistry.get(task);
        List<TaskDoc> docs = RequestBuilder.build(spec, DocumentReader.read(TaskGoldenTest.DATA, spec, 3));
        PairEncoder current = new PairEncoder(tok, LmEvalSemantics.CURRENT, MISTRAL_BOS, MISTRAL_EOS);
        PairEncoder old = new PairEncoder(tok, LmEvalSemantics.V0_4_2, MISTRAL_BOS, MISTRAL_EOS);
        int checked = 0;
        for (TaskDoc d : docs) {
            for (TaskDoc.TextRequest r : d.requests()) {
                String c = r.context();
                String k = r.continuation();
                String moved = c.substring(c.stripTrailing().length());
                LoglikelihoodRequest enc = current.encode(r);
                assertEquals(1L, enc.context()[0], task + ": BOS first in current semantics");
                // Metaspace prepends one space to the first piece of an encoded string
                assertEquals(" " + c.substring(0, c.length() - moved.length()), spell(enc.context(), 1),
                        task + " doc " + d.docId() + " context ids");
                assertEquals(moved + k, spell(enc.continuation(), 0), task + " doc " + d.docId() + " continuation ids");
                LoglikelihoodRequest v0 = old.encode(r);
                assertNotEquals(1L, v0.context()[0], task + ": no BOS in 0.4.2");
                assertEquals(java.util.Arrays.asList(java.util.Arrays.stream(enc.context()).skip(1).boxed()
                        .toArray()), java.util.Arrays.asList(java.util.Arrays.stream(v0.context()).boxed().toArray()));
                assertEquals(java.util.Arrays.toString(enc.continuation()), java.util.Arrays.toString(v0.continuation()));
                checked++;
            }
        }
        assertTrue(checked >= 3, task + ": " + checked + " requests");
    }
}
