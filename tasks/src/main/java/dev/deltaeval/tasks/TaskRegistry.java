package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bundled task definitions, by lm-eval task name: one folder per task under {@code tasks/defs/} (its
 * {@code task.json}; the folder's {@code golden/} is test data and not bundled), and lm-eval's groups in
 * {@code groups.json}. A new task is a new folder; nothing lists the tasks by hand.
 */
public final class TaskRegistry {
    static final String BASE = "/dev/deltaeval/tasks/defs/";
    private static final String DEFINITION = "task.json";
    private static final String GROUPS = "groups.json";

    private TaskRegistry() {
    }

    private static volatile List<String> names;

    /** Every bundled task, in name order: the folders of {@code defs/} that hold a {@code task.json}. */
    public static List<String> names() {
        List<String> n = names;
        if (n == null) {
            n = scanDefinitions();
            names = n;
        }
        return n;
    }

    /** lm-eval's groups and tags that {@link #expand} knows, e.g. lambada, ai2_arc. */
    public static List<String> groups() {
        List<String> out = new ArrayList<>();
        groupsJson().fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> scanDefinitions() {
        try {
            java.net.URI dir = TaskRegistry.class.getResource(BASE).toURI();
            if (dir.getScheme().equals("jar")) {
                try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(dir, java.util.Map.of())) {
                    return definitionsIn(jar.provider().getPath(dir));
                }
            }
            return definitionsIn(java.nio.file.Path.of(dir));
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot list the bundled task definitions (" + e.getMessage() + ")", e);
        }
    }

    private static List<String> definitionsIn(java.nio.file.Path dir) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> entries = java.nio.file.Files.list(dir)) {
            return entries.filter(e -> java.nio.file.Files.isRegularFile(e.resolve(DEFINITION)))
                    // a folder inside the jar may name itself with a trailing '/'
                    .map(e -> e.getFileName().toString().replace("/", "")).sorted().toList();
        }
    }

    private static JsonNode groupsJson() {
        try (InputStream in = TaskRegistry.class.getResourceAsStream(BASE + GROUPS)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Task names and group names, for the commands' help (picocli's completion candidates). */
    public static final class NamesAndGroups implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            List<String> all = new ArrayList<>(names());
            all.addAll(groups());
            return all.iterator();
        }
    }

    /**
     * Task names with lm-eval's groups and tags expanded ({@code lambada} = lambada_openai + lambada_standard,
     * {@code ai2_arc} = arc_easy + arc_challenge), duplicates removed, order kept.
     */
    public static List<String> expand(List<String> requested) {
        JsonNode groups = groupsJson();
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String r : requested) {
            String name = r.trim();
            if (groups.has(name)) {
                groups.get(name).forEach(t -> out.add(t.asText()));
            } else {
                out.add(name);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The definitions of the requested tasks (groups expanded), each checked against its data in {@code dataDir}
     * so that missing or malformed data fails before any model work.
     */
    public static List<TaskSpec> resolve(List<String> requested, java.nio.file.Path dataDir) {
        List<TaskSpec> specs = new ArrayList<>();
        for (String t : expand(requested)) {
            TaskSpec spec = get(t);
            DocumentReader.read(dataDir, spec, 1);
            specs.add(spec);
        }
        return specs;
    }

    /** The known task within two edits of {@code name} (typos, not different tasks), or null. */
    static String closest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String known : names()) {
            int d = editDistance(name, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance (insertions, deletions, substitutions). */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The bundled definition file of a task, as a class-path resource (null for an unknown task). */
    static InputStream definition(String name) {
        return TaskRegistry.class.getResourceAsStream(BASE + name + "/" + DEFINITION);
    }

    public static TaskSpec get(String name) {
        try (InputStream in = definition(name)) {
            if (in == null || !names().contains(name)) {
                String near = closest(name);
                throw new TaskException("unknown task \"" + name + "\"" + (near == null ? "" : "; did you mean "
                        + near + "?") + " (known: " + String.join(", ", names()) + ")");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("bundled task definition " + name + " is unreadable", e);
        }
    }

    /** A definition, with the code it names (process_docs, detokenizer, metrics) checked to exist. */
    static TaskSpec parse(JsonNode j) {
        TaskSpec spec = parseFields(j);
        if (spec.processDocs() != null) {
            TaskCode.processor(spec.processDocs(), spec.task());
        }
        if (spec.detokenizer() != null) {
            TaskCode.detokenizer(spec.detokenizer(), spec.task());
        }
        spec.metrics().forEach(m -> TaskMetrics.of(spec, m));
        return spec;
    }

    private static TaskSpec parseFields(JsonNode j) {
        JsonNode data = j.get("data");
        List<String> metrics = new ArrayList<>();
        j.get("metrics").forEach(m -> metrics.add(m.asText()));
        return new TaskSpec(j.get("task").asText(), j.path("version").asDouble(1.0),
                TaskSpec.OutputType.valueOf(j.get("output_type").asText().toUpperCase(Locale.ROOT)),
                data.get("file").asText(), text(data, "labels_file"), text(data, "labels_field"), text(j, "process_docs"),
                j.path("multiple_input").asBoolean(false), j.get("doc_to_text").asText(), j.get("doc_to_choice"),
                j.get("doc_to_target").asText(), text(j, "continuation"), metrics, j.get("generation"),
                TaskSpec.LoggedDoc.valueOf(j.path("logged_doc").asText("raw").toUpperCase(Locale.ROOT)),
                TaskSpec.LoggedTarget.valueOf(j.path("logged_target").asText("gold_index").toUpperCase(Locale.ROOT)),
                j.path("lm_eval"), text(j, "detokenizer"));
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
