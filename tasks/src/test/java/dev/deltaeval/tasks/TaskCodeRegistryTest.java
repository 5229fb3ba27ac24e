package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.tasks.metrics.Metrics;
import dev.deltaeval.tasks.text.WikitextDetokenizer;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Definitions name their code (process_docs, detokenizer) and metrics; the registries resolve or refuse them. */
class TaskCodeRegistryTest {
    private static ObjectNode definition(String task) throws Exception {
        try (InputStream in = TaskRegistry.definition(task)) {
            return (ObjectNode) new ObjectMapper().readTree(in);
        }
    }

    private static dev.deltaeval.tasks.metrics.Metric metric(String name) {
        return Metrics.find("loglikelihood_rolling", name).orElseThrow();
    }

    @Test
    void namesThatNothingProvidesAreOneLineErrors() throws Exception {
        ObjectNode piqa = definition("piqa");
        piqa.putArray("metrics").add("acc").add("accuracy");
        assertEquals("task piqa: no metric \"accuracy\" for multiple_choice tasks (known: acc, acc_norm)",
                assertThrows(TaskException.class, () -> TaskRegistry.parse(piqa)).getMessage());
        ObjectNode hellaswag = definition("hellaswag");
        hellaswag.put("process_docs", "hellaswag_v2");
        assertEquals("task hellaswag: unknown process_docs \"hellaswag_v2\" (known: hellaswag, winogrande, ai2_arc, "
                + "copa, boolq, social_iqa, lambada, sciq)", assertThrows(TaskException.class,
                () -> TaskRegistry.parse(hellaswag)).getMessage());
        ObjectNode wikitext = definition("wikitext");
        wikitext.put("detokenizer", "ptb");
        assertEquals("task wikitext: unknown detokenizer \"ptb\" (known: wikitext)",
                assertThrows(TaskException.class, () -> TaskRegistry.parse(wikitext)).getMessage());
    }

    @Test
    void aRollingTaskComputesTheMetricsItListsWithLmEvalsAggregations() throws Exception {
        // two pages: (log-likelihood, words, bytes)
        List<Map<String, Double>> perDoc = List.of(Map.of("ll", -10.0, "words", 4.0, "bytes", 20.0),
                Map.of("ll", -30.0, "words", 6.0, "bytes", 40.0));
        // lm-eval: weighted_perplexity = exp(-sum ll / sum w); bits_per_byte = -sum ll / sum bytes / ln 2
        assertEquals(Math.exp(40.0 / 10.0), metric("word_perplexity")
                .aggregate(perDoc), 1e-12);
        assertEquals(Math.exp(40.0 / 60.0), metric("byte_perplexity")
                .aggregate(perDoc), 1e-12);
        assertEquals(40.0 / 60.0 / Math.log(2), metric("bits_per_byte")
                .aggregate(perDoc), 1e-12);
        assertEquals(Double.NaN, metric("bits_per_byte").stderr(perDoc, 10));
        ObjectNode wikitext = definition("wikitext");
        wikitext.putArray("metrics").add("bits_per_byte");
        assertEquals(List.of("bits_per_byte"), TaskRegistry.parse(wikitext).metrics());
        assertEquals(WikitextDetokenizer.detokenize("a @-@ b"), TaskCode.detokenizer("wikitext", "t")
                .apply("a @-@ b"));
    }
}
