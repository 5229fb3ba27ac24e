package dev.deltaeval.statetracking;

/**
 * The repository's metrics over positions 0..k (position 0 is the [BOS] label), accumulated sequence by sequence
 * so that no logits are kept: per position the share of sequences right there ({@link #tokenAccuracy}) and the
 * share right at every position up to there ({@link #prefixSequenceAccuracy}, sfirah's cumulative sequence
 * accuracy, the paper's curve; its last value is the sequence accuracy).
 */
public final class PrefixAccuracy {
    private final long[] rightAt;
    private final long[] rightSoFar;
    private long sequences;

    public PrefixAccuracy(int positions) {
        rightAt = new long[positions];
        rightSoFar = new long[positions];
    }

    /** One sequence's per-position correctness (length = positions). */
    public void add(boolean[] correct) {
        if (correct.length != rightAt.length) {
            throw new IllegalArgumentException("expected " + rightAt.length + " positions, got " + correct.length);
        }
        boolean all = true;
        for (int t = 0; t < correct.length; t++) {
            all &= correct[t];
            rightAt[t] += correct[t] ? 1 : 0;
            rightSoFar[t] += all ? 1 : 0;
        }
        sequences++;
    }

    public long sequences() {
        return sequences;
    }

    public int positions() {
        return rightAt.length;
    }

    public double[] tokenAccuracy() {
        return share(rightAt);
    }

    public double[] prefixSequenceAccuracy() {
        return share(rightSoFar);
    }

    public double sequenceAccuracy() {
        return (double) rightSoFar[rightSoFar.length - 1] / sequences;
    }

    /** Mean over all positions of all sequences, [BOS] included (sfirah's token_accuracy). */
    public double tokenAccuracyMean() {
        long sum = 0;
        for (long r : rightAt) {
            sum += r;
        }
        return (double) sum / ((double) sequences * rightAt.length);
    }

    /** The largest position t whose prefix-sequence accuracy is at least {@code level}, or -1. */
    public int longestAtLeast(double level) {
        double[] curve = prefixSequenceAccuracy();
        for (int t = curve.length - 1; t >= 0; t--) {
            if (curve[t] >= level) {
                return t;
            }
        }
        return -1;
    }

    /** Wilson's 95% interval of the prefix-sequence accuracy at position t. */
    public double[] wilson95(int t) {
        double n = sequences;
        double p = (double) rightSoFar[t] / n;
        double z = 1.959963984540054;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
        // at 0 (or all) right the bound is exactly 0 (or 1); centre - half would leave a rounding residue there
        return new double[] {rightSoFar[t] == 0 ? 0.0 : centre - half, rightSoFar[t] == sequences ? 1.0 : centre + half};
    }

    private double[] share(long[] counts) {
        double[] out = new double[counts.length];
        for (int t = 0; t < counts.length; t++) {
            out[t] = (double) counts[t] / sequences;
        }
        return out;
    }
}
