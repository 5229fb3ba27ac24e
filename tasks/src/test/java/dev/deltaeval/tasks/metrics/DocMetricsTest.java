package dev.deltaeval.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.core.scoring.LoglikelihoodResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lm-eval's process_results for multiple choice and loglikelihood, computed by hand. */
class DocMetricsTest {
    private static List<LoglikelihoodResult> lls(double... v) {
        return java.util.Arrays.stream(v).mapToObj(x -> new LoglikelihoodResult(x, false)).toList();
    }

    @Test
    void accNormDividesByCodePointsNotUtf16Units() {
        // choice 0: 2 code points (one is a surrogate pair, 3 UTF-16 units); choice 1: 4 code points
        // ll/len: -3/2 = -1.5 vs -5/4 = -1.25 -> norm picks 1; plain acc picks 0 (-3 > -5)
        Map<String, Double> m = DocMetrics.multipleChoice(List.of("\ud83d\ude42a", "abcd"), 1, lls(-3, -5),
                List.of("acc", "acc_norm"));
        assertEquals(0.0, m.get("acc"));
        assertEquals(1.0, m.get("acc_norm"));
    }

    @Test
    void tiesGoToTheLowestIndexLikeNumpy() {
        Map<String, Double> m = DocMetrics.multipleChoice(List.of("ab", "cd", "ef"), 0, lls(-2, -2, -2), List.of("acc",
                "acc_norm"));
        assertEquals(1.0, m.get("acc"));
        assertEquals(1.0, m.get("acc_norm"));
        assertEquals(0.0, DocMetrics.multipleChoice(List.of("ab", "cd", "ef"), 2, lls(-2, -2, -2), List.of("acc")).get("acc"));
    }

    @Test
    void loglikelihoodDocumentsReportTheirLogLikelihoodAndGreediness() {
        Map<String, Double> m = DocMetrics.loglikelihood(new LoglikelihoodResult(-4.25, true));
        assertEquals(-4.25, m.get("perplexity"));
        assertEquals(1.0, m.get("acc"));
    }
}
