package dev.deltaeval.rank;

import dev.deltaeval.common.DeltaEvalException;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Which recurrent states to analyse. States are indexed by sub-steps applied: after token t (0-based) and
 * Householder step j of n, the index is {@code t*n + j + 1}, so token position p (1-based) ends at index p*n.
 * {@code all} takes every sub-step (the DeltaProduct script's choice); the others take the state at the end of
 * selected token positions: every k-th, about N log-spaced, or a list.
 */
public record PositionSelector(Kind kind, int every, long[] tokens) {
    public enum Kind { ALL, EVERY, LIST }

    /** Parses {@code all}, {@code every:K}, {@code log:N} (given the sequence length) or {@code P1,P2,...}. */
    public static PositionSelector parse(String spec, long sequenceLength) {
        String s = spec.trim();
        try {
            if (s.equals("all")) {
                return new PositionSelector(Kind.ALL, 1, new long[0]);
            }
            if (s.startsWith("every:")) {
                int k = Integer.parseInt(s.substring(6));
                if (k < 1) {
                    throw new NumberFormatException();
                }
                return new PositionSelector(Kind.EVERY, k, new long[0]);
            }
            if (s.startsWith("log:")) {
                int n = Integer.parseInt(s.substring(4));
                if (n < 1) {
                    throw new NumberFormatException();
                }
                TreeSet<Long> ps = new TreeSet<>();
                for (int i = 0; i < n; i++) {
                    double f = n == 1 ? 1 : (double) i / (n - 1);
                    ps.add(Math.max(1, Math.round(Math.exp(f * Math.log(sequenceLength)))));
                }
                return new PositionSelector(Kind.LIST, 0, ps.stream().mapToLong(Long::longValue).toArray());
            }
            long[] list = Arrays.stream(s.split(",")).mapToLong(x -> Long.parseLong(x.trim())).sorted().distinct()
                    .toArray();
            for (long p : list) {
                if (p < 1) {
                    throw new NumberFormatException();
                }
            }
            if (list[list.length - 1] > sequenceLength) {
                throw new DeltaEvalException(DeltaEvalException.setting("positions") + " '" + spec + "': position "
                        + list[list.length - 1] + " is beyond the analysed sequence of " + sequenceLength + " tokens ("
                        + DeltaEvalException.setting("max_len") + ")");
            }
            return new PositionSelector(Kind.LIST, 0, list);
        } catch (NumberFormatException e) {
            throw new DeltaEvalException(DeltaEvalException.setting("positions") + " '" + spec + "': expected all, every:K, log:N or a list of "
                    + "token positions >= 1 such as 1,512,4096");
        }
    }

    /** Whether the state after token {@code token} (0-based), step {@code step} of {@code n} is analysed. */
    public boolean takes(long token, int step, int n) {
        switch (kind) {
            case ALL:
                return true;
            case EVERY:
                return step == n - 1 && (token + 1) % every == 0;
            default:
                return step == n - 1 && Arrays.binarySearch(tokens, token + 1) >= 0;
        }
    }

    /** How many states of a sequence of {@code length} tokens are taken. */
    public int count(long length, int n) {
        switch (kind) {
            case ALL:
                return (int) (length * n);
            case EVERY:
                return (int) (length / every);
            default:
                return (int) Arrays.stream(tokens).filter(p -> p <= length).count();
        }
    }
}
