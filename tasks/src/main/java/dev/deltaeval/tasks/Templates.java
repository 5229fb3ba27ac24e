package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small template language of task definitions: {@code {{field}}} or {@code {{a.b}}} inserts a document field
 * as text, everything else is literal. (lm-eval uses Jinja; its tasks here only ever insert fields.)
 */
public final class Templates {
    private static final Pattern FIELD = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}");

    private Templates() {
    }

    public static String render(String template, JsonNode doc, String task) {
        Matcher m = FIELD.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(text(doc, m.group(1), task)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A field by dotted path; a missing one is an error naming the task and the field. */
    public static JsonNode field(JsonNode doc, String path, String task) {
        JsonNode n = doc;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        if (n == null || n.isNull()) {
            throw new TaskException("task " + task + ": document has no field \"" + path + "\" (document: "
                    + abbreviate(doc.toString()) + ")");
        }
        return n;
    }

    /**
     * A field that must hold text. A number, a boolean, a list or an object where the task inserts text means a
     * broken data file: Jackson would render a list as "" and a number as its digits, and the scores would quietly
     * be about other prompts.
     */
    public static String text(JsonNode doc, String path, String task) {
        JsonNode n = field(doc, path, task);
        if (!n.isTextual()) {
            throw new TaskException("task " + task + ": field \"" + path + "\" is " + abbreviate(n.toString()) + ", "
                    + kind(n) + " where the task expects text (document: " + abbreviate(doc.toString()) + ")");
        }
        return n.asText();
    }

    /** A field that must hold a list of texts (a task's answer choices). */
    public static java.util.List<String> textList(JsonNode doc, String path, String task) {
        JsonNode n = field(doc, path, task);
        if (!n.isArray()) {
            throw new TaskException("task " + task + ": field \"" + path + "\" is " + abbreviate(n.toString()) + ", "
                    + kind(n) + " where the task expects a list of choices (document: " + abbreviate(doc.toString())
                    + ")");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw new TaskException("task " + task + ": choice " + i + " of field \"" + path + "\" is "
                        + abbreviate(n.get(i).toString()) + ", " + kind(n.get(i)) + " where the task expects text "
                        + "(document: " + abbreviate(doc.toString()) + ")");
            }
            out.add(n.get(i).asText());
        }
        return out;
    }

    private static String kind(JsonNode n) {
        return n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : n.isArray() ? "a list" : n.isObject()
                ? "an object" : "not text";
    }

    /** An index field as an int: numbers, digit strings, and booleans (false = 0, true = 1, as BoolQ's labels). */
    public static int index(JsonNode doc, String path, String task) {
        JsonNode n = field(doc, path, task);
        if (n.isBoolean()) {
            return n.asBoolean() ? 1 : 0;
        }
        if (n.isIntegralNumber()) {
            return n.asInt();
        }
        String s = n.asText().trim();
        if (s.matches("-?[0-9]+")) {
            return Integer.parseInt(s);
        }
        throw new TaskException("task " + task + ": field \"" + path + "\" is " + n + " (expected a choice index; "
                + "document: " + abbreviate(doc.toString()) + ")");
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
