package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One document as lm-eval requests.
 *
 * @param requests one (context, continuation) pair per choice, or one for loglikelihood tasks
 * @param choices  the choice strings without the target delimiter (lengths for acc_norm), empty for loglikelihood
 * @param gold     index of the correct choice, -1 for loglikelihood tasks
 * @param doc      the document as lm-eval logs it (see {@link TaskSpec#loggedDoc()}), not DeltaEval's helper fields
 * @param target   {@code str(doc_to_target(doc))} as lm-eval logs it: the gold index, the gold text or the target
 */
public record TaskDoc(int docId, ObjectNode doc, List<TextRequest> requests, List<String> choices, int gold,
                      String target) {

    /** A request in text form, before tokenization. */
    public record TextRequest(String context, String continuation) {
    }
}
