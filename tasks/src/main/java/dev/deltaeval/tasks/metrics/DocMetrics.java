package dev.deltaeval.tasks.metrics;

import dev.deltaeval.core.scoring.LoglikelihoodResult;
import dev.deltaeval.tasks.text.PyText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** lm-eval's process_results for multiple-choice and loglikelihood documents (lm-eval.md §5.1, §5.2). */
public final class DocMetrics {
    /** Per-document keys of a rolling (wikitext) document: log-likelihood, words and UTF-8 bytes of the page. */
    public static final String LL = "ll";
    public static final String WORDS = "words";
    public static final String BYTES = "bytes";

    private DocMetrics() {
    }

    /**
     * wikitext's process_results: the page's log-likelihood (sum over its windows) with the word and byte counts of
     * the original, un-detokenized page (lm-eval.md §3.2: "counts number of words in *original doc*").
     */
    public static Map<String, Double> rolling(List<LoglikelihoodResult> windows, String originalPage) {
        double ll = 0;
        for (LoglikelihoodResult w : windows) {
            ll += w.logLikelihood();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(LL, ll);
        out.put(WORDS, (double) PyText.reSplitWhitespaceCount(originalPage));
        out.put(BYTES, (double) originalPage.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        return out;
    }

    /** acc and acc_norm; argmax ties go to the lowest index, as numpy's. */
    public static Map<String, Double> multipleChoice(List<String> choices, int gold, List<LoglikelihoodResult> lls,
                                                     List<String> metrics) {
        int pred = 0;
        int predNorm = 0;
        double best = Double.NEGATIVE_INFINITY;
        double bestNorm = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < lls.size(); i++) {
            double ll = lls.get(i).logLikelihood();
            if (ll > best) {
                best = ll;
                pred = i;
            }
            if (metrics.contains("acc_norm")) {
                double norm = ll / PyText.len(choices.get(i));
                if (norm > bestNorm) {
                    bestNorm = norm;
                    predNorm = i;
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("acc", pred == gold ? 1.0 : 0.0);
        if (metrics.contains("acc_norm")) {
            out.put("acc_norm", predNorm == gold ? 1.0 : 0.0);
        }
        return out;
    }

    /** perplexity item (the target's log-likelihood) and acc (all target tokens greedy). */
    public static Map<String, Double> loglikelihood(LoglikelihoodResult r) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("perplexity", r.logLikelihood());
        out.put("acc", r.greedy() ? 1.0 : 0.0);
        return out;
    }
}
