package dev.deltaeval.tasks;

import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import dev.deltaeval.core.tokenizer.TextTokenizer;
import dev.deltaeval.tasks.TaskDoc.TextRequest;
import dev.deltaeval.tasks.text.PyText;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * lm-eval's {@code _encode_pair}: trailing whitespace of the context moves to the continuation, then the whole
 * string is encoded and split by the context's token count (which keeps SentencePiece merges at the boundary).
 * Context encodings are cached, since every choice of a document shares its context.
 */
public final class PairEncoder {
    private final TextTokenizer tokenizer;
    private final boolean special;
    private final Map<String, long[]> contextCache = new HashMap<>();

    public PairEncoder(TextTokenizer tokenizer, LmEvalSemantics semantics) {
        this.tokenizer = tokenizer;
        this.special = semantics.addSpecialTokens();
    }

    public LoglikelihoodRequest encode(TextRequest r) {
        String context = r.context();
        String continuation = r.continuation();
        String stripped = PyText.rstrip(context);
        if (stripped.length() < context.length()) {
            continuation = context.substring(stripped.length()) + continuation;
            context = stripped;
        }
        long[] whole = tokenizer.encode(context + continuation, special);
        long[] ctx = contextCache.computeIfAbsent(context, c -> tokenizer.encode(c, special));
        if (ctx.length == 0) {
            throw new TaskException("empty context after tokenization: \"" + r.context() + "\"");
        }
        if (whole.length <= ctx.length) {
            throw new TaskException("continuation \"" + continuation + "\" adds no tokens to its context");
        }
        return new LoglikelihoodRequest(ctx, Arrays.copyOfRange(whole, ctx.length, whole.length));
    }
}
