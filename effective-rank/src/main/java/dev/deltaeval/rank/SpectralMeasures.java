package dev.deltaeval.rank;

/**
 * Rank measures of one matrix from its singular values.
 *
 * @param effectiveRank      Roy and Vetterli's effective rank, as the DeltaProduct script computes it: singular
 *                           values at or below machine epsilon (2.22e-16) dropped, p = sigma / sum(sigma),
 *                           exp(-sum p log p); 0 for a zero matrix
 * @param numericalRank      singular values above {@code relTol} times the largest
 * @param participationRatio (sum sigma^2)^2 / sum sigma^4: the participation ratio of the eigenvalues sigma^2 of
 *                           the Gram (or covariance) matrix; 0 for a zero matrix
 */
public record SpectralMeasures(double effectiveRank, int numericalRank, double participationRatio) {
    /** numpy's np.finfo(float).eps, the script's cut-off. */
    public static final double EPS = Math.ulp(1.0);
    /** Default relative threshold of the numerical rank (numpy's matrix_rank uses max(m, n) * eps instead). */
    public static final double DEFAULT_REL_TOL = 1e-6;

    public static SpectralMeasures of(double[] sigma, double relTol) {
        double sum = 0;
        double max = 0;
        double s2 = 0;
        double s4 = 0;
        for (double s : sigma) {
            if (s > EPS) {
                sum += s;
            }
            max = Math.max(max, s);
            s2 += s * s;
            s4 += s * s * s * s;
        }
        if (sum == 0) {
            return new SpectralMeasures(0, 0, 0);
        }
        double entropy = 0;
        int rank = 0;
        for (double s : sigma) {
            if (s > EPS) {
                double p = s / sum;
                entropy -= p * Math.log(p);
            }
            if (s > relTol * max) {
                rank++;
            }
        }
        return new SpectralMeasures(Math.exp(entropy), rank, s2 * s2 / s4);
    }
}
