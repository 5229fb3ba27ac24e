package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.tasks.TaskDoc.TextRequest;
import dev.deltaeval.tasks.text.PyText;
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
            ObjectNode processed = Preprocessors.apply(spec.processDocs(), docs.get(i).deepCopy(), spec.task());
            ObjectNode logged = spec.loggedDoc() == TaskSpec.LoggedDoc.PROCESSED ? processed : docs.get(i);
            out.add(build(spec, i, processed, logged, semantics));
        }
        return out;
    }

    private static TaskDoc build(TaskSpec spec, int docId, ObjectNode doc, ObjectNode logged,
                                 LmEvalSemantics semantics) {
        String task = spec.task();
        if (spec.outputType() == TaskSpec.OutputType.GENERATE_UNTIL) {
            // recall tasks: v1 (current) strips prompt and target, v0 (lm-eval 0.4.2) uses them raw
            boolean strip = spec.generation(semantics).strip();
            String text = Templates.text(doc, spec.docToText(), task);
            String value = Templates.text(doc, spec.docToTarget(), task);
            String target = strip ? PyText.strip(value) : value;
            return new TaskDoc(docId, logged, List.of(new TextRequest(strip ? PyText.strip(text) : text, target)),
                    List.of(), -1, target);
        }
        if (spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD_ROLLING) {
            // the whole (detokenized) page is scored unconditionally; the evaluator cuts it into rolling windows
            String page = Templates.text(doc, spec.docToTarget(), task);
            String text = spec.detokenizer() == null ? page : TaskCode.detokenizer(spec.detokenizer(), task).apply(page);
            return new TaskDoc(docId, logged, List.of(new TextRequest("", text)), List.of(), -1, text);
        }
        if (spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD) {
            // the target carries its own leading space; no delimiter is inserted
            String target = Templates.render(spec.docToTarget(), doc, task);
            return new TaskDoc(docId, logged, List.of(new TextRequest(Templates.render(spec.docToText(), doc, task),
                    target)), List.of(), -1, target);
        }
        List<String> choices = choices(spec, doc);
        int gold = Templates.index(doc, spec.docToTarget(), task);
        List<TextRequest> reqs = new ArrayList<>();
        String continuation = spec.multipleInput() ? Templates.render(spec.continuation(), doc, task) : null;
        if (spec.multipleInput()) {
            String cont = TaskSpec.TARGET_DELIMITER + continuation;
            for (String context : choices) {
                reqs.add(new TextRequest(context, cont));
            }
        } else {
            String context = Templates.render(spec.docToText(), doc, task);
            for (String c : choices) {
                reqs.add(new TextRequest(context, TaskSpec.TARGET_DELIMITER + c));
            }
        }
        String target = switch (spec.loggedTarget()) {
            case GOLD_INDEX -> Integer.toString(gold);
            // an out-of-range gold is reported by the evaluator with its file and line; the target waits for that
            case GOLD_CHOICE -> gold >= 0 && gold < choices.size() ? choices.get(gold) : Integer.toString(gold);
            case CONTINUATION -> continuation;
        };
        return new TaskDoc(docId, logged, reqs, choices, gold, target);
    }

    private static List<String> choices(TaskSpec spec, ObjectNode doc) {
        List<String> out = new ArrayList<>();
        JsonNode def = spec.docToChoice();
        if (def.isArray()) {
            def.forEach(t -> out.add(Templates.render(t.asText(), doc, spec.task())));
        } else {
            out.addAll(Templates.textList(doc, def.asText(), spec.task()));
        }
        return out;
    }
}
