package dev.deltaeval.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a task's documents from the data directory: JSONL (one object per line) or a JSON array, plus an optional
 * label file with one label per line (PIQA, SocialIQA). Errors name the task, the file and the line.
 */
public final class DocumentReader {
    private static final ObjectMapper JSON = dev.deltaeval.common.DataFiles.jsonMapper();

    private DocumentReader() {
    }

    /** The first {@code limit} documents (all when limit is negative). */
    public static List<ObjectNode> read(Path dataDir, TaskSpec spec, int limit) {
        Path file = dataDir.resolve(spec.dataFile());
        if (!Files.isRegularFile(file)) {
            throw new TaskException("task " + spec.task() + ": data file " + file + " not found (expected "
                    + spec.dataFile() + " in " + DeltaEvalException.setting("data_dir") + " " + dataDir + ")");
        }
        List<ObjectNode> docs = new ArrayList<>();
        try {
            if (spec.dataFile().endsWith(".txt")) {
                for (String page : wikitextPages(Files.readString(file))) {
                    if (limit >= 0 && docs.size() >= limit) {
                        break;
                    }
                    docs.add(JSON.createObjectNode().put("page", page));
                }
            } else if (spec.dataFile().endsWith(".jsonl")) {
                List<String> lines = utf8Lines(file, spec);
                for (int i = 0; i < lines.size() && (limit < 0 || docs.size() < limit); i++) {
                    if (!lines.get(i).isBlank()) {
                        JsonNode n;
                        try {
                            n = JSON.readTree(lines.get(i));
                        } catch (JsonProcessingException e) {
                            throw new TaskException("task " + spec.task() + ": " + file + " line " + (i + 1)
                                    + " is not valid JSON (" + e.getOriginalMessage().split("\n")[0] + ")");
                        }
                        docs.add(object(n, spec, file, i + 1));
                    }
                }
            } else {
                JsonNode arr = JSON.readTree(file.toFile());
                if (!arr.isArray()) {
                    throw new TaskException("task " + spec.task() + ": " + file + " is not a JSON array of documents");
                }
                for (int i = 0; i < arr.size() && (limit < 0 || docs.size() < limit); i++) {
                    docs.add(object(arr.get(i), spec, file, i + 1));
                }
            }
        } catch (JsonProcessingException e) {
            throw new TaskException("task " + spec.task() + ": " + file + " is malformed ("
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new TaskException("task " + spec.task() + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (docs.isEmpty()) {
            throw new TaskException("task " + spec.task() + ": " + file + " holds no documents");
        }
        if (spec.labelsFile() != null) {
            joinLabels(dataDir.resolve(spec.labelsFile()), spec, docs, limit);
        }
        return docs;
    }

    /**
     * Pages of WikiText's one-file layout, split where EleutherAI/wikitext_document_level splits them: at each
     * top-level heading line " = Title = " (not " = = Section = = "). Lines keep their newlines.
     */
    static List<String> wikitextPages(String text) {
        List<String> pages = new ArrayList<>();
        StringBuilder page = new StringBuilder();
        for (String line : text.split("(?<=\n)")) {
            boolean heading = line.startsWith(" = ") && !line.startsWith(" = = ") && line.stripTrailing().endsWith(" =");
            if (heading && page.toString().strip().length() > 0) {
                pages.add(page.toString());
                page.setLength(0);
            }
            page.append(line);
        }
        if (page.toString().strip().length() > 0) {
            pages.add(page.toString());
        }
        return pages;
    }

    private static ObjectNode object(JsonNode n, TaskSpec spec, Path file, int line) {
        if (!(n instanceof ObjectNode o)) {
            throw new TaskException("task " + spec.task() + ": " + file + " line " + line + " is not a JSON object");
        }
        return o;
    }

    /**
     * Where document {@code index} (0-based, as {@link #read} numbers them) comes from, for error messages:
     * "FILE line N" (its label's line when {@code label} and the task has a label file), "FILE element N" or
     * "FILE page N". Reads the file again; only for errors.
     */
    public static String location(Path dataDir, TaskSpec spec, int index, boolean label) {
        boolean labels = label && spec.labelsFile() != null;
        Path file = dataDir.resolve(labels ? spec.labelsFile() : spec.dataFile());
        if (!labels && !spec.dataFile().endsWith(".jsonl")) {
            return file + (spec.dataFile().endsWith(".txt") ? " page " : " element ") + (index + 1);
        }
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0, seen = 0; i < lines.size(); i++) {
                if (!lines.get(i).isBlank() && seen++ == index) {
                    return file + " line " + (i + 1);
                }
            }
        } catch (IOException e) {
            // fall through to the document number alone
        }
        return file + " document " + (index + 1);
    }

    /** The file's lines, or one line naming the first line that is not valid UTF-8. */
    private static List<String> utf8Lines(Path file, TaskSpec spec) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder dec = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        try {
            return dec.decode(java.nio.ByteBuffer.wrap(bytes)).toString().lines().toList();
        } catch (java.nio.charset.CharacterCodingException e) {
            int line = 1;
            for (int i = 0, start = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    try {
                        dec.reset().decode(java.nio.ByteBuffer.wrap(bytes, start, i - start));
                    } catch (java.nio.charset.CharacterCodingException bad) {
                        break;
                    }
                    start = i + 1;
                    line++;
                }
            }
            throw new TaskException("task " + spec.task() + ": " + file + " line " + line + " is not valid UTF-8");
        }
    }

    private static void joinLabels(Path labels, TaskSpec spec, List<ObjectNode> docs, int limit) {
        if (!Files.isRegularFile(labels)) {
            throw new TaskException("task " + spec.task() + ": label file " + labels + " not found");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(labels).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new TaskException("task " + spec.task() + ": cannot read " + labels + " (" + e.getMessage() + ")");
        }
        if (lines.size() < docs.size() || (limit < 0 && lines.size() != docs.size())) {
            throw new TaskException("task " + spec.task() + ": " + labels + " has " + lines.size()
                    + " labels for " + docs.size() + " documents");
        }
        for (int i = 0; i < docs.size(); i++) {
            String label = lines.get(i).trim();
            if (!label.matches("-?[0-9]+")) {
                // blank lines are skipped above, so the i-th label is on the i-th non-blank line
                throw new TaskException("task " + spec.task() + ": " + labels + " label " + (i + 1) + " is \"" + label
                        + "\" (expected a choice index such as 0 or 1)");
            }
            docs.get(i).put(spec.labelsField(), label);
        }
    }
}
