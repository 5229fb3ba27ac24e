package dev.deltaeval.tasks;

import dev.deltaeval.tasks.metrics.Metric;
import dev.deltaeval.tasks.metrics.Metrics;

/** The metrics a task definition names, looked up in {@link Metrics} by its output type. */
final class TaskMetrics {
    private TaskMetrics() {
    }

    /** The metric, or a one-line error naming the ones the task's output type has. */
    static Metric of(TaskSpec spec, String name) {
        return Metrics.find(spec.outputTypeName(), name).orElseThrow(() -> new TaskException("task " + spec.task()
                + ": no metric \"" + name + "\" for " + spec.outputTypeName() + " tasks (known: "
                + String.join(", ", Metrics.names(spec.outputTypeName())) + ")"));
    }
}
