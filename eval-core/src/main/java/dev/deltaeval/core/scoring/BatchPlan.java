package dev.deltaeval.core.scoring;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.runtime.ModelException;
import java.util.function.IntUnaryOperator;

/**
 * How many sequences go into one forward pass. Sequences come sorted longest first, so a batch's first row is its
 * longest and its padded size is rows x that length: a token budget keeps that size steady across tasks (many short
 * PIQA rows, few long LAMBADA rows) where a fixed row count either wastes a GPU on short rows or overflows it on long
 * ones. The plan depends only on the lengths, so a resumed run batches exactly as the interrupted one did.
 *
 * @param maxRows     at most this many sequences per pass
 * @param tokenBudget at most this many padded tokens per pass (a single longer sequence still runs alone), or 0 for
 *                    no budget
 */
public record BatchPlan(int maxRows, long tokenBudget) {
    /**
     * The GPU default. On an H200, a 417M model's arc_easy (500 documents) took 39 passes at 64 rows and 11 with a
     * budget like this one (then capped at 256 rows); the row cap bounds the forked states a continuation pass copies
     * (12.6 MB a row for that model).
     */
    public static final long GPU_TOKEN_BUDGET = 32768;
    public static final int GPU_MAX_ROWS = 128;
    /** The CPU default: small batches, since a CPU gains nothing from width and pads more. */
    public static final int CPU_ROWS = 16;

    public BatchPlan {
        if (maxRows < 1 || tokenBudget < 0) {
            throw new ModelException("batch size must be positive, got " + maxRows + " rows / " + tokenBudget
                    + " tokens");
        }
    }

    public static BatchPlan rows(int n) {
        return new BatchPlan(n, 0);
    }

    /** {@code auto}: a token budget on a GPU, a fixed row count on the CPU. */
    public static BatchPlan auto(boolean gpu) {
        return gpu ? new BatchPlan(GPU_MAX_ROWS, GPU_TOKEN_BUDGET) : rows(CPU_ROWS);
    }

    /** Parses {@code auto}, {@code N} (rows) or {@code Nt} (a token budget, at most {@link #GPU_MAX_ROWS} rows). */
    public static BatchPlan parse(String spec, boolean gpu) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.equals("auto")) {
                return auto(gpu);
            }
            if (s.endsWith("t")) {
                return new BatchPlan(GPU_MAX_ROWS, Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return rows(Integer.parseInt(s));
        } catch (NumberFormatException | ModelException e) {
            throw new ModelException(DeltaEvalException.setting("batch_size") + " " + spec + ": expected auto, a positive number of sequences (16), "
                    + "or a token budget (32768t)");
        }
    }

    /**
     * End (exclusive) of the batch that starts at {@code from}.
     *
     * @param length the padded length of the sequence at a position (non-increasing from {@code from} on)
     */
    public int end(int from, int size, IntUnaryOperator length) {
        int rows = maxRows;
        if (tokenBudget > 0) {
            long longest = Math.max(1, length.applyAsInt(from));
            rows = (int) Math.max(1, Math.min(maxRows, tokenBudget / longest));
        }
        return Math.min(size, from + rows);
    }

    /** For provenance and journal keys: "16" or "128 rows / 32768 tokens". */
    public String label() {
        return tokenBudget == 0 ? Integer.toString(maxRows) : maxRows + " rows / " + tokenBudget + " tokens";
    }
}
