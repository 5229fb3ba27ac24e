package dev.deltaeval.core.scoring;

/**
 * What a scoring run cost.
 *
 * @param requests      requests scored (not counting batches skipped because they were cached)
 * @param contexts      distinct contexts run (equals requests without forking)
 * @param tokensRun     tokens fed through the model
 * @param forwardPasses batched forward passes
 */
public record ScoringStats(long requests, long contexts, long tokensRun, long forwardPasses) {
    /** "1,998 requests scored, 500 contexts, 23,991 tokens run in 11 forward passes". */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%,d requests scored, %,d contexts, %,d tokens run in %,d forward "
                + "pass%s", requests, contexts, tokensRun, forwardPasses, forwardPasses == 1 ? "" : "es");
    }
}
