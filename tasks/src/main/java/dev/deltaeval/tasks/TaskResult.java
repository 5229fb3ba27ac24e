package dev.deltaeval.tasks;

import dev.deltaeval.core.scoring.LoglikelihoodResult;
import java.util.List;
import java.util.Map;

/**
 * One task's outcome.
 *
 * @param originalDocs documents in the data file (lm-eval's n-samples.original)
 * @param docs       the documents evaluated, with their requests
 * @param responses  per document, per request, the scorer's result
 * @param perDoc     per document, metric name to value (what lm-eval's process_results returns)
 * @param metrics    aggregated metric values
 * @param stderrs    their standard errors (NaN where lm-eval writes "N/A")
 * @param generations per document, the generated text (generate_until tasks; empty otherwise)
 * @param notes      warnings about the data (prompts that are not lm-eval's), kept in the result's provenance
 */
public record TaskResult(TaskSpec spec, int originalDocs, List<TaskDoc> docs, List<List<LoglikelihoodResult>> responses,
                         List<Map<String, Double>> perDoc, Map<String, Double> metrics, Map<String, Double> stderrs,
                         List<String> generations, List<String> notes) {
}
