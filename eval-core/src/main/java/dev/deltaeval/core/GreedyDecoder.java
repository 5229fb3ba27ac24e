package dev.deltaeval.core;

import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.NonFiniteOutputException;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.LongPredicate;

/**
 * Greedy decoding with an explicit recurrent state per sequence: the prompts (all but their last token) run once in
 * chunked mode as one right-padded batch (padding leaves a state untouched, so each row's state is the one it would
 * have alone), then every step feeds one token per unfinished prompt to the recurrent kernel. Finished prompts leave
 * the batch, so a long generation does not carry the short ones. Unlike lm-eval's padded SSM wrappers no padding
 * ever enters a state, and a prompt's tokens do not depend on which prompts share its batch.
 */
public final class GreedyDecoder {
    private final LanguageModel model;

    public GreedyDecoder(LanguageModel model) {
        this.model = model;
    }

    /**
     * @param prompt  token ids (at least one)
     * @param maxNew  tokens to generate at most
     * @param stop    stops after a token for which this is true (the token is kept), e.g. EOS
     * @return the generated tokens (without the prompt)
     */
    public long[] generate(long[] prompt, int maxNew, LongPredicate stop) {
        return generate(prompt, maxNew, stop, null);
    }

    /**
     * @param stopAfter also stops once this is true of the tokens generated so far (e.g. their text contains a stop
     *                  string); null for none
     */
    public long[] generate(long[] prompt, int maxNew, LongPredicate stop,
                           java.util.function.Predicate<long[]> stopAfter) {
        return generateAll(List.of(prompt), maxNew, stop, stopAfter == null ? null : (i, soFar) -> stopAfter.test(soFar))
                .get(0);
    }

    /**
     * Generates for several prompts at once, each exactly as {@link #generate} would alone.
     *
     * @param stopAfter (prompt index, tokens so far) -> stop; null for none
     * @throws NonFiniteOutputException with {@link NonFiniteOutputException#row()} the index of the first prompt
     *                                  whose output was not finite
     */
    public List<long[]> generateAll(List<long[]> prompts, int maxNew, LongPredicate stop,
                                    BiPredicate<Integer, long[]> stopAfter) {
        if (maxNew < 0) {
            throw new ModelException(dev.deltaeval.common.DeltaEvalException.setting("max_new_tokens") + " " + maxNew
                    + ": expected 0 or more tokens");
        }
        for (long[] p : prompts) {
            if (p.length == 0) {
                throw new ModelException("generation needs a non-empty prompt");
            }
        }
        long[][] out = new long[prompts.size()][];
        // a one-token prompt has no prefix to run: it starts from the empty state, the others from their prefixes
        List<Integer> bare = new ArrayList<>();
        List<Integer> prefixed = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            (prompts.get(i).length == 1 ? bare : prefixed).add(i);
        }
        for (List<Integer> group : List.of(prefixed, bare)) {
            if (!group.isEmpty()) {
                decode(prompts, group, maxNew, stop, stopAfter, out);
            }
        }
        return Arrays.asList(out);
    }

    private void decode(List<long[]> prompts, List<Integer> group, int maxNew, LongPredicate stop,
                        BiPredicate<Integer, long[]> stopAfter, long[][] out) {
        int n = group.size();
        // grown as tokens come: a generous limit must not be allocated up front (1e9 tokens would be 8 GB a row)
        long[][] produced = new long[n][Math.min(maxNew, 64)];
        int[] count = new int[n];
        int[] active = new int[n]; // active row r decodes prompt group.get(active[r])
        long[] next = new long[n];
        for (int r = 0; r < n; r++) {
            active[r] = r;
            long[] p = prompts.get(group.get(r));
            next[r] = p[p.length - 1];
        }
        RecurrentState state = null;
        try {
            if (prompts.get(group.get(0)).length > 1) {
                List<long[]> prefixes = new ArrayList<>();
                for (int g : group) {
                    long[] p = prompts.get(g);
                    prefixes.add(Arrays.copyOf(p, p.length - 1));
                }
                state = guarded(() -> model.forward(TokenBatch.padded(prefixes, 0), null, ForwardRequest.stateOnly()),
                        group, active).state();
            }
            for (int step = 0; step < maxNew && active.length > 0; step++) {
                long[][] column = new long[active.length][];
                for (int r = 0; r < active.length; r++) {
                    column[r] = new long[] {next[active[r]]};
                }
                RecurrentState from = state;
                int[] rows = active;
                ForwardOutput o = guarded(() -> model.forward(TokenBatch.of(column), from,
                        new ForwardRequest(ForwardMode.STEPWISE, true, null, false, true)), group, rows);
                if (state != null) {
                    state.close();
                }
                state = o.state();
                int[] still = new int[active.length];
                int kept = 0;
                for (int r = 0; r < active.length; r++) {
                    int a = active[r];
                    long token = o.argmax()[r];
                    if (count[a] == produced[a].length) {
                        produced[a] = Arrays.copyOf(produced[a], (int) Math.min(maxNew, 2L * produced[a].length));
                    }
                    produced[a][count[a]++] = token;
                    next[a] = token;
                    boolean done = stop != null && stop.test(token) || stopAfter != null
                            && stopAfter.test(group.get(a), Arrays.copyOf(produced[a], count[a]));
                    if (!done) {
                        still[kept++] = r;
                    }
                }
                if (kept < active.length && kept > 0) {
                    long[] keepRows = new long[kept];
                    int[] nowActive = new int[kept];
                    for (int i = 0; i < kept; i++) {
                        keepRows[i] = still[i];
                        nowActive[i] = active[still[i]];
                    }
                    RecurrentState narrowed = state.select(keepRows);
                    state.close();
                    state = narrowed;
                    active = nowActive;
                } else if (kept == 0) {
                    active = new int[0];
                }
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        for (int r = 0; r < n; r++) {
            out[group.get(r)] = Arrays.copyOf(produced[r], count[r]);
        }
    }

    /** Runs a forward pass and names the prompt (its index in the caller's list) behind a non-finite row. */
    private static ForwardOutput guarded(java.util.function.Supplier<ForwardOutput> pass, List<Integer> group,
                                         int[] active) {
        try {
            return pass.get();
        } catch (NonFiniteOutputException e) {
            throw new NonFiniteOutputException(e.getMessage(), group.get(active[e.row()]));
        }
    }
}
