package dev.deltaeval.core.scoring;

import dev.deltaeval.runtime.ModelException;

/** lm-eval's loglikelihood request in token ids: log p(continuation | context). */
public record LoglikelihoodRequest(long[] context, long[] continuation) {
    public LoglikelihoodRequest {
        if (context.length == 0) {
            throw new ModelException("loglikelihood request with an empty context (lm-eval puts the prefix token there)");
        }
        if (continuation.length == 0) {
            throw new ModelException("loglikelihood request with an empty continuation");
        }
    }
}
