package dev.deltaeval.tasks.metrics;

import dev.deltaeval.tasks.TaskException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The metrics on the class path, by output type and name, as task definitions name them. */
public final class Metrics {
    private static final Map<String, Metric> BY_KEY = load();

    private Metrics() {
    }

    private static Map<String, Metric> load() {
        Map<String, Metric> out = new LinkedHashMap<>();
        for (Metric.Provider p : ServiceLoader.load(Metric.Provider.class, Metrics.class.getClassLoader())) {
            for (Metric m : p.metrics()) {
                if (out.put(m.outputType() + "/" + m.name(), m) != null) {
                    throw new IllegalStateException("metric " + m.name() + " of " + m.outputType() + " twice");
                }
            }
        }
        return out;
    }

    /** The metric a task of this output type names, or a one-line error with the ones it could name. */
    public static Metric get(String task, String outputType, String name) {
        Metric m = BY_KEY.get(outputType + "/" + name);
        if (m == null) {
            throw new TaskException("task " + task + ": no metric \"" + name + "\" for " + outputType + " tasks "
                    + "(known: " + BY_KEY.values().stream().filter(x -> x.outputType().equals(outputType))
                    .map(Metric::name).collect(Collectors.joining(", ")) + ")");
        }
        return m;
    }
}
