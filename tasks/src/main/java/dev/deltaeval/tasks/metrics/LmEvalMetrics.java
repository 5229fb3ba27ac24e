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
                of("loglikelihood", "perplexity", false, values -> Aggregations.perplexity(values),
                        (values, iters) -> Aggregations.perplexityBootstrapStderr(values, iters)),
                weighted("word_perplexity", DocMetrics.WORDS, false),
                weighted("byte_perplexity", DocMetrics.BYTES, false),
                weighted("bits_per_byte", DocMetrics.BYTES, false),
                of("generate_until", "contains", true, Aggregations::mean, (values, iters) -> Double.NaN));
    }

    private static Metric mean(String outputType, String name) {
        return of(outputType, name, true, Aggregations::mean, (values, iters) -> Aggregations.meanStderr(values));
    }

    /** A rolling metric: the page log-likelihoods weighted by words or bytes; lm-eval gives no stderr. */
    private static Metric weighted(String name, String weight, boolean higherIsBetter) {
        return new Metric() {
            @Override
            public String outputType() {
                return "loglikelihood_rolling";
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean higherIsBetter() {
                return higherIsBetter;
            }

            @Override
            public double aggregate(List<Map<String, Double>> perDoc) {
                double[] ll = column(perDoc, DocMetrics.LL);
                double[] w = column(perDoc, weight);
                return name.equals("bits_per_byte") ? Aggregations.bitsPerByte(ll, w)
                        : Aggregations.weightedPerplexity(ll, w);
            }

            @Override
            public double stderr(List<Map<String, Double>> perDoc, int bootstrapIters) {
                return Double.NaN;
            }
        };
    }

    private static Metric of(String outputType, String name, boolean higherIsBetter,
                             ToDoubleFunction<double[]> aggregate, ToDoubleBiFunction<double[], Integer> stderr) {
        return new Metric() {
            @Override
            public String outputType() {
                return outputType;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean higherIsBetter() {
                return higherIsBetter;
            }

            @Override
            public double aggregate(List<Map<String, Double>> perDoc) {
                return aggregate.applyAsDouble(column(perDoc, name));
            }

            @Override
            public double stderr(List<Map<String, Double>> perDoc, int bootstrapIters) {
                return stderr.applyAsDouble(column(perDoc, name), bootstrapIters);
            }
        };
    }

    static double[] column(List<Map<String, Double>> perDoc, String key) {
        return perDoc.stream().mapToDouble(p -> p.get(key)).toArray();
    }
}
