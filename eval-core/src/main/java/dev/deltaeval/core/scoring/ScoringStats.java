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
}
