package dev.deltaeval.tasks.metrics;

import java.util.List;
import java.util.Map;

/**
 * A metric as a task definition's "metrics" list names it, for one output type: how the per-document values
 * ({@link DocMetrics}) aggregate over documents, its standard error, and which direction is better (lm-eval's
 * metric_list entry: aggregation, higher_is_better).
 */
public interface Metric {
    /** The output type it applies to (lm-eval's spelling, e.g. "multiple_choice"). */
    String outputType();

    String name();

    boolean higherIsBetter();

    /** The task's value over its documents' per-document maps. */
    double aggregate(List<Map<String, Double>> perDoc);

    /** Its standard error, or NaN where lm-eval reports N/A. */
    double stderr(List<Map<String, Double>> perDoc, int bootstrapIters);

    /** Metrics come in sets: one provider per module, found through {@link java.util.ServiceLoader}. */
    interface Provider {
        List<Metric> metrics();
    }
}
