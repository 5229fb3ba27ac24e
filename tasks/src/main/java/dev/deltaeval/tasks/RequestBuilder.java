package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.tasks.TaskDoc.TextRequest;
import dev.deltaeval.tasks.text.PyText;
import dev.deltaeval.tasks.text.WikitextDetokenizer;
import java.util.ArrayList;
import java.util.List;

/** Turns documents into lm-eval's zero-shot requests (lm-eval.md §2.3, §2.4): no description, no few-shot. */
public final class RequestBuilder {
    private RequestBuilder() {
    }

    public static List<TaskDoc> build(TaskSpec spec, List<ObjectNode> docs) {
        return build(spec, docs, LmEvalSemantics.CURRENT);
    }

    public static List<TaskDoc> build(TaskSpec spec, List<ObjectNode> docs, LmEvalSemantics semantics) {
        List<TaskDoc> out = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            out.add(build(spec, i, Preprocessors.apply(spec.processDocs(), docs.get(i).deepCopy(), spec.task()),
                    semantics));
        }
        return out;
    }

    private static TaskDoc build(TaskSpec spec, int docId, ObjectNode doc, LmEvalSemantics semantics) {
        String task = spec.task();
        if (spec.outputType() == TaskSpec.OutputType.GENERATE_UNTIL) {
            // recall tasks: v1 (current) strips prompt and target, v0 (lm-eval 0.4.2) uses them raw
            boolean strip = spec.generation(semantics).strip();
            String text = Templates.field(doc, spec.docToText(), task).asText();
            String value = Templates.field(doc, spec.docToTarget(), task).asText();
            return new TaskDoc(docId, doc, List.of(new TextRequest(strip ? PyText.strip(text) : text,
                    strip ? PyText.strip(value) : value)), List.of(), -1);
        }
        if (spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD_ROLLING) {
            // the whole (detokenized) page is scored unconditionally; the evaluator cuts it into rolling windows
            String page = Templates.field(doc, spec.docToTarget(), task).asText();
            return new TaskDoc(docId, doc, List.of(new TextRequest("", WikitextDetokenizer.detokenize(page))), List.of(),
                    -1);
        }
        if (spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD) {
            // the target carries its own leading space; no delimiter is inserted
            return new TaskDoc(docId, doc, List.of(new TextRequest(Templates.render(spec.docToText(), doc, task),
                    Templates.render(spec.docToTarget(), doc, task))), List.of(), -1);
        }
        List<String> choices = choices(spec, doc);
        int gold = Templates.index(doc, spec.docToTarget(), task);
        List<TextRequest> reqs = new ArrayList<>();
        if (spec.multipleInput()) {
            String cont = TaskSpec.TARGET_DELIMITER + Templates.render(spec.continuation(), doc, task);
            for (String context : choices) {
                reqs.add(new TextRequest(context, cont));
            }
        } else {
            String context = Templates.render(spec.docToText(), doc, task);
            for (String c : choices) {
                reqs.add(new TextRequest(context, TaskSpec.TARGET_DELIMITER + c));
            }
        }
        return new TaskDoc(docId, doc, reqs, choices, gold);
    }

    private static List<String> choices(TaskSpec spec, ObjectNode doc) {
        List<String> out = new ArrayList<>();
        JsonNode def = spec.docToChoice();
        if (def.isArray()) {
            def.forEach(t -> out.add(Templates.render(t.asText(), doc, spec.task())));
        } else {
            Templates.field(doc, def.asText(), spec.task()).forEach(c -> out.add(c.asText()));
        }
        return out;
    }
}
