package dev.deltaeval.tasks.metrics;

import dev.deltaeval.common.CPythonRandom;
/**
 * lm-eval's aggregations and standard errors (lm-eval.md §5.4, §5.5), with Python's left-to-right float sums so
 * that values match to the last bit where the inputs do.
 */
public final class Aggregations {
    /** lm-eval's default number of bootstrap iterations. */
    public static final int BOOTSTRAP_ITERS = 100_000;

    private Aggregations() {
    }

    public static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    /** exp(-mean(ll)): lambada's perplexity over per-document log-likelihoods. */
    public static double perplexity(double[] ll) {
        return Math.exp(-mean(ll));
    }

    /** sum(a) / sum(b). */
    public static double weightedMean(double[] a, double[] b) {
        double sa = 0;
        double sb = 0;
        for (int i = 0; i < a.length; i++) {
            sa += a[i];
            sb += b[i];
        }
        return sa / sb;
    }

    /** exp(-sum(ll) / sum(weights)): word and byte perplexity. */
    public static double weightedPerplexity(double[] ll, double[] weights) {
        return Math.exp(-weightedMean(ll, weights));
    }

    /** -sum(ll) / (sum(bytes) ln 2). */
    public static double bitsPerByte(double[] ll, double[] bytes) {
        return -weightedMean(ll, bytes) / Math.log(2);
    }

    /** sqrt(sum((x - mean)^2) / (n - 1)). */
    public static double sampleStddev(double[] xs) {
        double mu = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - mu) * (x - mu);
        }
        return Math.sqrt(s / (xs.length - 1));
    }

    /** Closed-form stderr of a mean: sample_stddev / sqrt(n). NaN (lm-eval's "N/A") for fewer than 2 items. */
    public static double meanStderr(double[] xs) {
        return xs.length < 2 ? Double.NaN : sampleStddev(xs) / Math.sqrt(xs.length);
    }

    /**
     * lm-eval's bootstrap stderr of {@code perplexity}: iters/chunk chunks, chunk i resampled with
     * {@code random.Random(i)}, then the sample stddev of all resampled statistics.
     */
    public static double perplexityBootstrapStderr(double[] ll, int iters) {
        if (ll.length < 2 || iters <= 0) {
            return Double.NaN;
        }
        int chunk = Math.min(1000, iters);
        double[] res = new double[(iters / chunk) * chunk];
        int at = 0;
        for (int i = 0; i < iters / chunk; i++) {
            CPythonRandom rnd = new CPythonRandom(i);
            for (int c = 0; c < chunk; c++) {
                res[at++] = perplexity(rnd.choices(ll));
            }
        }
        return sampleStddev(res);
    }
}
