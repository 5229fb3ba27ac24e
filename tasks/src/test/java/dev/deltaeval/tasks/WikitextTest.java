package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.core.SequenceScorer;
import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.tasks.metrics.DocMetrics;
import dev.deltaeval.tasks.text.PyText;
import dev.deltaeval.tasks.text.WikitextDetokenizer;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** wikitext: pages, rolling log-likelihood against an independent full pass, and the weighted metrics. */
class WikitextTest {
    /** The Mistral tokenizer's BOS and EOS ids (its tokenizer_config.json), which these tests' checkpoints use. */
    private static final long MISTRAL_BOS = 1;
    private static final long MISTRAL_EOS = 2;

    static final Path DEMO = Path.of("../checkpoints/demo-dp2-6m");

    @Test
    void pagesSplitAtTopLevelHeadings() {
        List<ObjectNode> pages = DocumentReader.read(TaskGoldenTest.DATA, TaskRegistry.get("wikitext_tokenized"), -1);
        assertEquals(2, pages.size());
        assertTrue(pages.get(0).get("page").asText().startsWith(" \n = Robert <unk> = \n"));
        assertTrue(pages.get(1).get("page").asText().startsWith(" = Du Fu = \n"));
        assertTrue(pages.get(0).get("page").asText().contains(" = = Career = = \n"), "sections stay in their page");
    }

    @Test
    void rollingLogLikelihoodEqualsOneFullPassAndMetricsAreWeighted() {
        TaskSpec spec = TaskRegistry.get("wikitext_tokenized");
        try (TextTokenizer tok = TextTokenizer.load(DEMO.resolve("tokenizer.json"));
             LanguageModel model = ModelFamilies.open(DEMO).load(ComputeOptions.cpu())) {
            // max_length above every page's length: one window per page, conditioned on the BOS prefix only
            Evaluator ev = new Evaluator(new LoglikelihoodScorer(model, 4, 4096, true),
                    new PairEncoder(tok, LmEvalSemantics.CURRENT, MISTRAL_BOS, MISTRAL_EOS), 0);
            TaskResult r = ev.run(spec, TaskGoldenTest.DATA, -1, null);
            double sumLl = 0;
            double sumWords = 0;
            double sumBytes = 0;
            for (int d = 0; d < r.docs().size(); d++) {
                String page = r.docs().get(d).doc().get("page").asText();
                long[] ids = tok.encode(WikitextDetokenizer.detokenize(page), true);
                long[] withPrefix = new long[ids.length + 1];
                withPrefix[0] = 1; // lm-eval's prefix token (BOS), before the tokenizer's own BOS
                System.arraycopy(ids, 0, withPrefix, 1, ids.length);
                double independent = -SequenceScorer.score(model, withPrefix, 100).totalNll();
                double ll = r.perDoc().get(d).get(DocMetrics.LL);
                assertEquals(independent, ll, 1e-3, "page " + d);
                assertEquals(PyText.reSplitWhitespaceCount(page), r.perDoc().get(d).get(DocMetrics.WORDS));
                assertEquals(page.getBytes(StandardCharsets.UTF_8).length, r.perDoc().get(d).get(DocMetrics.BYTES));
                sumLl += ll;
                sumWords += r.perDoc().get(d).get(DocMetrics.WORDS);
                sumBytes += r.perDoc().get(d).get(DocMetrics.BYTES);
            }
            assertEquals(Math.exp(-sumLl / sumWords), r.metrics().get("word_perplexity"), 1e-9);
            assertEquals(Math.exp(-sumLl / sumBytes), r.metrics().get("byte_perplexity"), 1e-9);
            assertEquals(-sumLl / sumBytes / Math.log(2), r.metrics().get("bits_per_byte"), 1e-12);
            assertTrue(Double.isNaN(r.stderrs().get("word_perplexity")), "lm-eval reports N/A");
            for (String m : List.of("word_perplexity", "byte_perplexity", "bits_per_byte")) {
                assertTrue(!ResultsWriter.higherIsBetter(m), m + " is better when lower");
            }
            assertTrue(ResultsWriter.table(List.of(r)).contains("|bits_per_byte  |↓|"), ResultsWriter.table(List.of(r)));

            // short windows: several per page, every token predicted exactly once
            Evaluator windowed = new Evaluator(new LoglikelihoodScorer(model, 4, 64, true),
                    new PairEncoder(tok, LmEvalSemantics.CURRENT, MISTRAL_BOS, MISTRAL_EOS), 0);
            TaskResult w = windowed.run(spec, TaskGoldenTest.DATA, -1, null);
            assertTrue(w.responses().get(0).size() > 5, "windows of 64 tokens");
            assertTrue(w.metrics().get("word_perplexity") > r.metrics().get("word_perplexity"),
                    "less context per token: higher perplexity");
        }
    }
}
