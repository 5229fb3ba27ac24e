package dev.deltaeval.tasks;

import dev.deltaeval.core.GreedyDecoder;
import dev.deltaeval.core.scoring.BatchPlan;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * lm-eval's generate_until (lm-eval.md §6.8): greedy, each prompt on its own recurrent state (no left padding
 * flows into a state, unlike lm-eval's SSM wrappers), stopping at EOS or once the text contains a stop string, then
 * cut at the first occurrence of each stop string in order. Prompts are decoded in batches (longest first, sized by
 * the batch plan on prompt plus generation length); a prompt's text does not depend on its batch.
 */
public final class Generator {
    private final LanguageModel model;
    private final TextTokenizer tokenizer;
    private final boolean special;
    private final long eos;
    private final int maxLength;
    private final BatchPlan batches;

    /** One prompt at a time. */
    public Generator(LanguageModel model, TextTokenizer tokenizer, LmEvalSemantics semantics, long eos, int maxLength) {
        this(model, tokenizer, semantics, eos, maxLength, BatchPlan.rows(1));
    }

    public Generator(LanguageModel model, TextTokenizer tokenizer, LmEvalSemantics semantics, long eos, int maxLength,
                     BatchPlan batches) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.special = semantics.addSpecialTokens();
        this.eos = eos;
        this.maxLength = maxLength;
        this.batches = batches;
    }

    /**
     * Generates for every context; {@code done} receives (index into contexts, text) as each batch finishes.
     *
     * @throws dev.deltaeval.model.NonFiniteOutputException whose row is the index of the offending context
     */
    public void generateAll(List<String> contexts, List<String> until, int maxGenToks,
                            BiConsumer<Integer, String> done) {
        List<long[]> prompts = new ArrayList<>();
        int keep = Math.max(1, maxLength - maxGenToks);
        for (String context : contexts) {
            long[] ids = tokenizer.encode(context, special);
            if (ids.length > keep) {
                ids = Arrays.copyOfRange(ids, ids.length - keep, ids.length); // left truncation, as lm-eval
            }
            prompts.add(ids);
        }
        Integer[] order = new Integer[prompts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -prompts.get(i).length));
        GreedyDecoder decoder = new GreedyDecoder(model);
        for (int from = 0; from < order.length; ) {
            int start = from;
            int end = batches.end(from, order.length, at -> prompts.get(order[at]).length + maxGenToks);
            List<long[]> batch = new ArrayList<>();
            for (int i = start; i < end; i++) {
                batch.add(prompts.get(order[i]));
            }
            List<long[]> out;
            try {
                out = decoder.generateAll(batch, maxGenToks, id -> id == eos,
                        (i, soFar) -> containsAny(tokenizer.decode(soFar, true), until));
            } catch (dev.deltaeval.model.NonFiniteOutputException e) {
                throw new dev.deltaeval.model.NonFiniteOutputException(e.getMessage(), order[start + e.row()]);
            }
            for (int i = 0; i < out.size(); i++) {
                done.accept(order[start + i], cut(tokenizer.decode(out.get(i), true), until));
            }
            from = end;
        }
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
