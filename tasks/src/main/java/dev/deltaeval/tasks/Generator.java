package dev.deltaeval.tasks;

import dev.deltaeval.core.DeltaModel;
import dev.deltaeval.core.GreedyDecoder;
import dev.deltaeval.core.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * lm-eval's generate_until for one prompt (lm-eval.md §6.8): greedy, each prompt on its own recurrent state (no
 * left padding flows into a state, unlike lm-eval's SSM wrappers), stopping at EOS or once the text contains a
 * stop string, then cut at the first occurrence of each stop string in order.
 */
public final class Generator {
    private final DeltaModel model;
    private final TextTokenizer tokenizer;
    private final boolean special;
    private final long eos;
    private final int maxLength;

    public Generator(DeltaModel model, TextTokenizer tokenizer, LmEvalSemantics semantics, long eos, int maxLength) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.special = semantics.addSpecialTokens();
        this.eos = eos;
        this.maxLength = maxLength;
    }

    public String generate(String context, List<String> until, int maxGenToks) {
        long[] ids = tokenizer.encode(context, special);
        int keep = Math.max(1, maxLength - maxGenToks);
        if (ids.length > keep) {
            ids = Arrays.copyOfRange(ids, ids.length - keep, ids.length); // left truncation, as lm-eval
        }
        long[] out = new GreedyDecoder(model).generate(ids, maxGenToks, id -> id == eos,
                soFar -> containsAny(tokenizer.decode(soFar, true), until));
        return cut(tokenizer.decode(out, true), until);
    }

    static boolean containsAny(String text, List<String> stops) {
        for (String s : stops) {
            if (text.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** {@code for stop in until: s = s.split(stop)[0]}. */
    static String cut(String text, List<String> until) {
        String s = text;
        for (String stop : until) {
            int at = s.indexOf(stop);
            if (at >= 0) {
                s = s.substring(0, at);
            }
        }
        return s;
    }

    /** lm-eval's contains: the target occurs in the generation, ignoring case (a literal, not a pattern). */
    public static double contains(String generation, String target) {
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(target),
                java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE)
                .matcher(generation).find() ? 1.0 : 0.0;
    }
}
