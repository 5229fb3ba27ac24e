package dev.deltaeval.cli;

/** --limit: absent means every document; zero or negative is a mistake, not "all" or an empty result. */
final class Limits {
    private Limits() {
    }

    /** The limit for the evaluator: -1 for all documents. */
    static int check(Integer limit) {
        if (limit == null) {
            return -1;
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + ": expected a positive number of documents "
                    + "(leave it out to evaluate all)");
        }
        return limit;
    }

    static void warnIfBeyond(int limit, String task, int available) {
        if (limit > available) {
            System.err.printf("warning: %s has %d documents; --limit %d evaluates all %d%n", task, available, limit,
                    available);
        }
    }
}
