package dev.deltaeval.tasks;

import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * lm-eval's {@code get_rolling_token_windows(tokens, prefix, max_seq_len, context_len=1)} followed by
 * {@code make_disjoint_window} (lm-eval.md §6.7): the document is cut into non-overlapping blocks of at most
 * {@code maxLen} predicted tokens; the first is conditioned on the prefix token only, each later full block on
 * the single previous token, and the last partial block on enough preceding tokens to fill a window.
 */
public final class RollingWindows {
    private RollingWindows() {
    }

    public static List<LoglikelihoodRequest> windows(long[] tokens, long prefix, int maxLen) {
        if (tokens.length == 0) {
            throw new TaskException("rolling loglikelihood of an empty document");
        }
        List<LoglikelihoodRequest> out = new ArrayList<>();
        int n = tokens.length;
        int first = Math.min(maxLen, n);
        out.add(new LoglikelihoodRequest(new long[] {prefix}, Arrays.copyOfRange(tokens, 0, first)));
        int predicted = first;
        while (predicted < n) {
            int wlen = Math.min(n - predicted, maxLen);
            int end = predicted + wlen;
            long[] ctx = Arrays.copyOfRange(tokens, end - maxLen - 1, end - 1);
            long[] disjoint = Arrays.copyOfRange(ctx, 0, ctx.length - (wlen - 1));
            out.add(new LoglikelihoodRequest(disjoint, Arrays.copyOfRange(tokens, end - wlen, end)));
            predicted += wlen;
        }
        return out;
    }
}
