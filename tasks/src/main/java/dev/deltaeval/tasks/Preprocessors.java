package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.tasks.text.PyText;
import java.util.List;
import java.util.Locale;

/**
 * lm-eval's {@code process_docs} and helper functions that are code, not templates (lm-eval.md §3.2). Each adds
 * normalised fields to a document; the task definition then refers to them.
 */
public final class Preprocessors {
    private Preprocessors() {
    }

    /** Applies the named process_docs (none when null). */
    public static ObjectNode apply(String name, ObjectNode doc, String task) {
        return name == null ? doc : TaskCode.processor(name, task).process(doc, task);
    }

    /** lm-eval's process_docs of the tasks DeltaEval bundles, and WikiText's detokenizer. */
    public static final class LmEval implements TaskCode.Provider {
        @Override
        public java.util.Map<String, TaskCode.Processor> processors() {
            java.util.Map<String, TaskCode.Processor> m = new java.util.LinkedHashMap<>();
            m.put("hellaswag", Preprocessors::hellaswag);
            m.put("winogrande", Preprocessors::winogrande);
            m.put("ai2_arc", Preprocessors::ai2Arc);
            m.put("copa", Preprocessors::copa);
            m.put("boolq", Preprocessors::boolq);
            m.put("social_iqa", (doc, task) -> doc.put("gold", Templates.index(doc, "label", task) - 1));
            m.put("lambada", Preprocessors::lambada);
            // "{{support.lstrip()}}...": an empty support leaves the context starting with a newline; gold is 3
            m.put("sciq", (doc, task) -> {
                doc.put("support", PyText.lstrip(Templates.field(doc, "support", task).asText()));
                return doc.put("gold", 3);
            });
            return m;
        }

        @Override
        public java.util.Map<String, java.util.function.UnaryOperator<String>> detokenizers() {
            return java.util.Map.of("wikitext", dev.deltaeval.tasks.text.WikitextDetokenizer::detokenize);
        }
    }

    /** lm-eval's hellaswag preprocess(): strip, " [title]" to ". ", drop [...] tags, "  " to " " once. */
    static String hellaswagText(String text) {
        String t = PyText.strip(text).replace(" [title]", ". ");
        t = t.replaceAll("\\[.*?\\]", "");
        return t.replace("  ", " ");
    }

    /**
     * lm-eval's hellaswag process_docs on Rowan/hellaswag's layout: adds query, choices and gold, in that order, to
     * the document (so the document logged is lm-eval's). The pre-processed layout (query, endings, label) is read
     * too, with its own query; {@link #notes} says that its prompts are not lm-eval's.
     */
    private static ObjectNode hellaswag(ObjectNode doc, String task) {
        List<String> choices = new java.util.ArrayList<>();
        String query;
        if (doc.has("ctx_a")) {
            String ctx = Templates.text(doc, "activity_label", task) + ": " + Templates.text(doc, "ctx_a", task) + " "
                    + PyText.capitalize(Templates.text(doc, "ctx_b", task));
            query = hellaswagText(ctx);
            Templates.textList(doc, "endings", task).forEach(e -> choices.add(hellaswagText(e)));
        } else {
            query = Templates.text(doc, "query", task);
            choices.addAll(Templates.textList(doc, "endings", task));
        }
        doc.put("query", query);
        ArrayNode array = doc.putArray("choices");
        choices.forEach(array::add);
        return doc.put("gold", Templates.index(doc, "label", task));
    }

    /**
     * BoolQ as lm-eval reads it (super_glue's boolq: question, passage, idx, label). Google's own layout keeps the
     * title apart and answers with a boolean; super_glue's passage is "TITLE -- PASSAGE", so that is the prompt.
     */
    private static ObjectNode boolq(ObjectNode doc, String task) {
        if (doc.has("title")) {
            doc.put("passage", Templates.field(doc, "title", task).asText() + " -- "
                    + Templates.field(doc, "passage", task).asText());
            doc.put("label", Templates.index(doc, "answer", task));
        }
        return doc;
    }

    /**
     * Warnings about a task's data that do not stop it: documents whose layout gives prompts other than lm-eval's.
     * Each is printed once and recorded in the result's provenance.
     */
    public static List<String> notes(TaskSpec spec, List<ObjectNode> docs) {
        if ("hellaswag".equals(spec.processDocs()) && docs.stream().anyMatch(d -> !d.has("ctx_a"))) {
            return List.of(spec.task() + ": " + spec.dataFile() + " is in a pre-processed layout (query, endings) "
                    + "whose prompts are not lm-eval's (ctx_b is not capitalised, as lm-eval does on Rowan/hellaswag); "
                    + "`deltaeval data fetch hellaswag` gets the real data");
        }
        return List.of();
    }

    private static ObjectNode winogrande(ObjectNode doc, String task) {
        String sentence = Templates.field(doc, "sentence", task).asText();
        int idx = sentence.indexOf('_');
        if (idx < 0) {
            throw new TaskException("task " + task + ": sentence has no blank \"_\": " + sentence);
        }
        String prefix = sentence.substring(0, idx);
        doc.putArray("contexts").add(prefix + Templates.field(doc, "option1", task).asText())
                .add(prefix + Templates.field(doc, "option2", task).asText());
        doc.put("target", PyText.strip(sentence.substring(idx + 1)));
        String answer = Templates.field(doc, "answer", task).asText();
        if (!answer.equals("1") && !answer.equals("2")) {
            throw new TaskException("task " + task + ": answer is \"" + answer + "\" (expected \"1\" or \"2\")");
        }
        return doc.put("gold", answer.equals("1") ? 0 : 1);
    }

    /** ARC and OpenBookQA, from AI2's original layout or Hugging Face's. Gold = labels.index(answerKey.lstrip()). */
    private static ObjectNode ai2Arc(ObjectNode doc, String task) {
        JsonNode q = Templates.field(doc, "question", task);
        ArrayNode texts = doc.arrayNode();
        List<String> labels = new java.util.ArrayList<>();
        if (q.isObject()) {
            doc.put("question", Templates.text(q, "stem", task));
            Templates.field(q, "choices", task).forEach(c -> {
                texts.add(c.get("text").asText());
                labels.add(c.get("label").asText());
            });
        } else {
            Templates.textList(doc, "choices.text", task).forEach(texts::add);
            labels.addAll(Templates.textList(doc, "choices.label", task));
        }
        doc.set("choice_texts", texts);
        String key = PyText.lstrip(Templates.field(doc, "answerKey", task).asText());
        int gold = labels.indexOf(key);
        if (gold < 0) {
            throw new TaskException("task " + task + ": answerKey \"" + key + "\" is not among the labels " + labels);
        }
        return doc.put("gold", gold);
    }

    private static ObjectNode copa(ObjectNode doc, String task) {
        String premise = PyText.strip(Templates.field(doc, "premise", task).asText());
        String connector = switch (Templates.field(doc, "question", task).asText()) {
            case "cause" -> " because";
            case "effect" -> " therefore";
            default -> throw new TaskException("task " + task + ": question must be cause or effect");
        };
        // premise.strip()[:-1]: drop the final period (one code point)
        doc.put("text", premise.substring(0, premise.offsetByCodePoints(premise.length(), -1)) + connector);
        doc.putArray("choices").add(" " + lowerFirst(Templates.field(doc, "choice1", task).asText()))
                .add(" " + lowerFirst(Templates.field(doc, "choice2", task).asText()));
        return doc.put("gold", Templates.index(doc, "label", task));
    }

    private static String lowerFirst(String c) {
        int n = Character.charCount(c.codePointAt(0));
        return c.substring(0, n).toLowerCase(Locale.ROOT) + c.substring(n);
    }

    /** context = text.split(' ')[:-1] joined by ' '; target = ' ' + text.split(' ')[-1]. */
    private static ObjectNode lambada(ObjectNode doc, String task) {
        List<String> words = PyText.splitOnSpace(Templates.field(doc, "text", task).asText());
        doc.put("context", String.join(" ", words.subList(0, words.size() - 1)));
        return doc.put("target", " " + words.get(words.size() - 1));
    }
}
