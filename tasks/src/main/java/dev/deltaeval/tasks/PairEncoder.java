package dev.deltaeval.tasks;

import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import dev.deltaeval.tasks.TaskDoc.TextRequest;
import dev.deltaeval.tasks.text.PyText;
import dev.deltaeval.text.tokenizer.TextTokenizer;
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

    private final long prefixToken;

    /**
     * @param bos the model's BOS id, the rolling prefix token in current lm-eval
     * @param eos the model's EOS id, the rolling prefix token (eot_token_id) in lm-eval 0.4.2
     */
    public PairEncoder(TextTokenizer tokenizer, LmEvalSemantics semantics, long bos, long eos) {
        this.tokenizer = tokenizer;
        this.special = semantics.addSpecialTokens();
        this.prefixToken = semantics == LmEvalSemantics.CURRENT ? bos : eos;
    }

    /**
     * The encoder every command uses, so that {@code eval}, {@code bench tasks} and {@code data requests} build the
     * same requests: the checkpoint's own BOS and EOS ids (never a tokenizer family's usual ones).
     */
    public static PairEncoder forModel(TextTokenizer tokenizer, LmEvalSemantics semantics,
                                       dev.deltaeval.model.ModelInfo model) {
        return new PairEncoder(tokenizer, semantics, model.bosTokenId(), model.eosTokenId());
    }

    /**
     * lm-eval's loglikelihood_rolling: the text encoded as the tokenizer does by default in current lm-eval (so
     * with BOS for Mistral, which then also appears after the BOS prefix, as lm-eval does) or without special
     * tokens in 0.4.2, cut into disjoint windows of at most {@code maxLength} predicted tokens.
     */
    public java.util.List<LoglikelihoodRequest> rolling(String text, int maxLength) {
        return RollingWindows.windows(tokenizer.encode(text, special), prefixToken, maxLength);
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
