package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One document as lm-eval requests.
 *
 * @param requests one (context, continuation) pair per choice, or one for loglikelihood tasks
 * @param choices  the choice strings without the target delimiter (lengths for acc_norm), empty for loglikelihood
 * @param gold     index of the correct choice, -1 for loglikelihood tasks
 */
public record TaskDoc(int docId, ObjectNode doc, List<TextRequest> requests, List<String> choices, int gold) {

    /** A request in text form, before tokenization. */
    public record TextRequest(String context, String continuation) {
    }
}
