package dev.deltaeval.jobs;

import dev.deltaeval.common.DeltaEvalException;

/** The document limit: absent means every document; zero or negative is a mistake, not "all" or an empty result. */
public final class Limits {
    private Limits() {
    }

    /** The limit for the evaluator: -1 for all documents. */
    public static int check(Integer limit) {
        if (limit == null) {
            return -1;
        }
        if (limit < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("limit") + " " + limit + ": expected a positive number of documents "
                    + "(leave it out to evaluate all)");
        }
        return limit;
    }

    /** @param setting the limit as the user named it (--limit on the command line, limit in a plan) */
    public static void warnIfBeyond(int limit, String task, int available, String setting) {
        if (limit > available) {
            System.err.printf("warning: %s has %d documents; %s %d evaluates all %d%n", task, available, setting,
                    limit, available);
        }
    }
}
