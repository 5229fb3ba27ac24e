package dev.deltaeval.tasks.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

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

    /** The metric of this name for tasks of this output type, if one is installed. */
    public static Optional<Metric> find(String outputType, String name) {
        return Optional.ofNullable(BY_KEY.get(outputType + "/" + name));
    }

    /** The metric names installed for an output type, in registration order. */
    public static List<String> names(String outputType) {
        return BY_KEY.values().stream().filter(x -> x.outputType().equals(outputType)).map(Metric::name).toList();
    }
}
