package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * The parts of lm-eval's tasks that are code, not templates, by the names task definitions use: document processors
 * ({@code "process_docs"}) and detokenizers ({@code "detokenizer"}). Providers are found through
 * {@link java.util.ServiceLoader}, so a new task that needs code adds a provider instead of editing a switch.
 */
public final class TaskCode {
    /** lm-eval's {@code process_docs}: adds normalised fields to a document (or reads another layout into it). */
    @FunctionalInterface
    public interface Processor {
        ObjectNode process(ObjectNode doc, String task);
    }

    /** One module's processors and detokenizers. */
    public interface Provider {
        Map<String, Processor> processors();

        Map<String, UnaryOperator<String>> detokenizers();
    }

    private static final Map<String, Processor> PROCESSORS = new LinkedHashMap<>();
    private static final Map<String, UnaryOperator<String>> DETOKENIZERS = new LinkedHashMap<>();

    static {
        for (Provider p : ServiceLoader.load(Provider.class, TaskCode.class.getClassLoader())) {
            PROCESSORS.putAll(p.processors());
            DETOKENIZERS.putAll(p.detokenizers());
        }
    }

    private TaskCode() {
    }

    public static Processor processor(String name, String task) {
        Processor p = PROCESSORS.get(name);
        if (p == null) {
            throw new TaskException("task " + task + ": unknown process_docs \"" + name + "\" (known: "
                    + String.join(", ", PROCESSORS.keySet()) + ")");
        }
        return p;
    }

    public static UnaryOperator<String> detokenizer(String name, String task) {
        UnaryOperator<String> d = DETOKENIZERS.get(name);
        if (d == null) {
            throw new TaskException("task " + task + ": unknown detokenizer \"" + name + "\" (known: "
                    + String.join(", ", DETOKENIZERS.keySet()) + ")");
        }
        return d;
    }
}
