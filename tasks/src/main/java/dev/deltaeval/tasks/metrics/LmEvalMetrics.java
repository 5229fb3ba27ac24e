package dev.deltaeval.tasks.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The metrics of lm-eval's tasks that DeltaEval runs, with lm-eval's aggregations (lm-eval.md §5): mean with the
 * sample standard error for accuracies, perplexity with a bootstrap standard error, the weighted perplexities and
 * bits per byte of rolling tasks and the mean of generation checks without one (N/A in lm-eval).
 */
public final class LmEvalMetrics implements Metric.Provider {
    @Override
    public List<Metric> metrics() {
        return List.of(
                mean("multiple_choice", "acc"), mean("multiple_choice", "acc_norm"),
                mean("loglikelihood", "acc"),
                new Defined("loglikelihood", "perplexity", false,
                        perDoc -> Aggregations.perplexity(column(perDoc, "perplexity")),
                        (perDoc, iters) -> Aggregations.perplexityBootstrapStderr(column(perDoc, "perplexity"), iters)),
                // rolling tasks: the page log-likelihoods weighted by words or bytes; lm-eval gives no stderr
                new Defined("loglikelihood_rolling", "word_perplexity", false, perDoc -> Aggregations
                        .weightedPerplexity(column(perDoc, DocMetrics.LL), column(perDoc, DocMetrics.WORDS)), NONE),
                new Defined("loglikelihood_rolling", "byte_perplexity", false, perDoc -> Aggregations
                        .weightedPerplexity(column(perDoc, DocMetrics.LL), column(perDoc, DocMetrics.BYTES)), NONE),
                new Defined("loglikelihood_rolling", "bits_per_byte", false, perDoc -> Aggregations
                        .bitsPerByte(column(perDoc, DocMetrics.LL), column(perDoc, DocMetrics.BYTES)), NONE),
                new Defined("generate_until", "contains", true,
                        perDoc -> Aggregations.mean(column(perDoc, "contains")), NONE));
    }

    /** lm-eval's "N/A": no standard error for this aggregation. */
    private static final ToDoubleBiFunction<List<Map<String, Double>>, Integer> NONE = (perDoc, iters) -> Double.NaN;

    private static Metric mean(String outputType, String name) {
        return new Defined(outputType, name, true, perDoc -> Aggregations.mean(column(perDoc, name)),
                (perDoc, iters) -> Aggregations.meanStderr(column(perDoc, name)));
    }

    static double[] column(List<Map<String, Double>> perDoc, String key) {
        return perDoc.stream().mapToDouble(p -> p.get(key)).toArray();
    }

    /** A metric given by its two functions. */
    private record Defined(String outputType, String name, boolean higherIsBetter,
                           ToDoubleFunction<List<Map<String, Double>>> aggregation,
                           ToDoubleBiFunction<List<Map<String, Double>>, Integer> standardError) implements Metric {
        @Override
        public double aggregate(List<Map<String, Double>> perDoc) {
            return aggregation.applyAsDouble(perDoc);
        }

        @Override
        public double stderr(List<Map<String, Double>> perDoc, int bootstrapIters) {
            return standardError.applyAsDouble(perDoc, bootstrapIters);
        }
    }
}
