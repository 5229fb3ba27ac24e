package dev.deltaeval.core.scoring;

/**
 * @param logLikelihood sum of the continuation tokens' log-probabilities (accumulated in double)
 * @param greedy        every continuation token is the argmax of its position's distribution
 */
public record LoglikelihoodResult(double logLikelihood, boolean greedy) {
}
