package dev.deltaeval.text.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.common.DataFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.text.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the documents of a length-extrapolation or rank run come from: a plain-text file (one document), a folder of
 * {@code .txt} files (one document each, in name order), or a JSONL file whose lines become documents through a
 * field or a template such as {@code "Question: {query}, Answer: {answer}"}.
 *
 * @param name     the dataset's name in output file names
 * @param path     file or folder
 * @param template for JSONL: {@code {field}} placeholders; a bare field is the template {@code "{field}"}
 */
public record TextSource(String name, Path path, String template) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");
    private static final ObjectMapper JSON = DataFiles.jsonMapper();

    /** The paper's datasets, mapped as the DeltaProduct repository's text_datamodule.py maps them. */
    public enum Preset {
        TRIVIA_QA("trivia_qa", "Question: {query}, Answer: {answer}"),
        OPENTHOUGHTS_MATH("openthoughts-114k-math", "Problem: {problem}, Solution: {solution}"),
        CODEPARROT("codeparrot", "{content}"),
        SLIMPAJAMA("slimpajama_6b", "{text}");

        public final String id;
        public final String template;

        Preset(String id, String template) {
            this.id = id;
            this.template = template;
        }

        public static Preset parse(String id) {
            for (Preset p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            List<String> ids = new ArrayList<>();
            for (Preset p : values()) {
                ids.add(p.id);
            }
            throw new DataException("unknown dataset preset '" + id + "'; expected one of " + ids);
        }
    }

    public static TextSource of(Path path, String field, String template, String preset) {
        String name = preset != null ? preset : stripExtension(path.getFileName().toString());
        String t = preset != null ? Preset.parse(preset).template : template != null ? template
                : field != null ? "{" + field + "}" : null;
        return new TextSource(name, path, t);
    }

    /** Reads the documents in order; an empty source is an error, not an empty result. */
    public List<String> read() {
        if (!Files.exists(path)) {
            throw new DataException(path + ": no such file or folder");
        }
        List<String> docs;
        try {
            if (Files.isDirectory(path)) {
                docs = readFolder();
            } else if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
                docs = readJsonl();
            } else {
                docs = List.of(Files.readString(path, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new DataException(path + ": cannot read (" + e.getMessage() + ")");
        }
        if (docs.stream().allMatch(String::isEmpty)) {
            throw new DataException(path + ": no documents (the file or folder holds no text)");
        }
        return docs;
    }

    private List<String> readFolder() throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            List<Path> txt = files.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            List<String> docs = new ArrayList<>();
            for (Path p : txt) {
                docs.add(Files.readString(p, StandardCharsets.UTF_8));
            }
            return docs;
        }
    }

    private List<String> readJsonl() throws IOException {
        if (template == null) {
            throw new DataException(path + ": a JSONL source needs " + DeltaEvalException.setting("field") + ", " + DeltaEvalException.setting("template") + " or " + DeltaEvalException.setting("preset"));
        }
        if (!PLACEHOLDER.matcher(template).find()) {
            // without a placeholder every document is the template's own text: a malformed template, not data
            throw new DataException(DeltaEvalException.setting("template") + " '" + template + "' names no field: "
                    + "expected {field} placeholders, e.g. \"Question: {query}, Answer: {answer}\"");
        }
        List<String> docs = new ArrayList<>();
        DataFiles.forEachUtf8Line(path, (n, line) -> {
            if (line.isBlank()) {
                return;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new DataException(path + " line " + n + ": not valid JSON (" + e.getMessage() + ")");
            }
            docs.add(fill(node, n));
        });
        return docs;
    }

    private String fill(JsonNode node, int line) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode v = node.get(m.group(1));
            if (v == null || v.isNull()) {
                throw new DataException(path + " line " + line + ": no field '" + m.group(1)
                        + "' (template " + template + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v.isTextual() ? v.asText() : v.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String stripExtension(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
