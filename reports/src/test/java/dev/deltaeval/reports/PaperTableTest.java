package dev.deltaeval.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper's table says what it is: its average only over all its accuracy columns, stand-in tasks marked. */
class PaperTableTest {
    @TempDir
    Path tmp;

    @Test
    void theAverageNeedsEveryAccuracyColumnAndAStandInIsMarked() throws IOException {
        SyntheticRuns full = new SyntheticRuns(tmp.resolve("a/full"), "full").value("wikitext", "word_perplexity", 20);
        SyntheticRuns part = new SyntheticRuns(tmp.resolve("b/part"), "part")
                .value("wikitext_tokenized", "word_perplexity", 30);
        String[][] acc = {{"lambada_openai", "acc"}, {"piqa", "acc"}, {"hellaswag", "acc_norm"},
            {"winogrande", "acc"}, {"arc_easy", "acc"}, {"arc_challenge", "acc_norm"}};
        for (int i = 0; i < acc.length; i++) {
            full.value(acc[i][0], acc[i][1], 0.1 * (i + 1));
            if (i < 3) {
                part.value(acc[i][0], acc[i][1], 0.5);
            }
        }
        PaperTable t = PaperTable.of(List.of(EvalRun.read(full.write()), EvalRun.read(part.write())));
        assertEquals(Optional.of((10 + 20 + 30 + 40 + 50 + 60) / 6.0), t.rows().get(0).average().map(a -> Math.rint(a
                * 1e9) / 1e9));
        assertEquals(Optional.empty(), t.rows().get(1).average(), "3 of 6 accuracy columns: no paper average");
        assertEquals("20.00", t.rows().get(0).cells().get(0).text(false));
        assertEquals("30.00†", t.rows().get(1).cells().get(0).text(false));
        assertTrue(t.markdown(false).endsWith(PaperTable.SUBSTITUTE_NOTE + ".\n"), t.markdown(false));
        // the score chart marks what guessing scores
        // LMB. acc has no chance level; PIQA, HellaSwag, WinoGrande, ARC-e, ARC-c: one over the choices
        assertEquals(java.util.Arrays.asList(null, 50.0, 25.0, 50.0, 25.0, 25.0), ReportCharts.chanceLevels(t));
    }
}
