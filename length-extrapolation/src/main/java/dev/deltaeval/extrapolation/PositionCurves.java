package dev.deltaeval.extrapolation;

/**
 * Per-position curves over equal-length sequences, with the DeltaProduct script's definitions: for each sequence
 * the running mean of the loss (and accuracy) up to position t, averaged over sequences; perplexity[t] = exp of
 * that; plus the plain per-position loss averaged over sequences. Sums are kept in fp64, so the order in which
 * sequences arrive does not matter to 1e-12, and the accumulator can be saved and resumed.
 */
public final class PositionCurves {
    private final double[] runningLoss;
    private final double[] runningAcc;
    private final double[] tokenLoss;
    private int sequences;

    public PositionCurves(int positions) {
        this(new double[positions], new double[positions], new double[positions], 0);
    }

    private PositionCurves(double[] runningLoss, double[] runningAcc, double[] tokenLoss, int sequences) {
        this.runningLoss = runningLoss;
        this.runningAcc = runningAcc;
        this.tokenLoss = tokenLoss;
        this.sequences = sequences;
    }

    /** Restores an accumulator saved with {@link #sums()}. */
    public static PositionCurves resume(Sums s) {
        return new PositionCurves(s.runningLoss().clone(), s.runningAcc().clone(), s.tokenLoss().clone(), s.sequences());
    }

    /**
     * @param loss    cross-entropy of each target token (positions 0..n-1)
     * @param correct whether the argmax prediction was the target
     */
    public void add(double[] loss, boolean[] correct) {
        if (loss.length != runningLoss.length || correct.length != loss.length) {
            throw new IllegalArgumentException("expected " + runningLoss.length + " positions, got " + loss.length);
        }
        double cumLoss = 0;
        double cumAcc = 0;
        for (int t = 0; t < loss.length; t++) {
            cumLoss += loss[t];
            cumAcc += correct[t] ? 1 : 0;
            runningLoss[t] += cumLoss / (t + 1);
            runningAcc[t] += cumAcc / (t + 1);
            tokenLoss[t] += loss[t];
        }
        sequences++;
    }

    public int sequences() {
        return sequences;
    }

    public Sums sums() {
        return new Sums(runningLoss.clone(), runningAcc.clone(), tokenLoss.clone(), sequences);
    }

    public Curves curves() {
        if (sequences == 0) {
            throw new IllegalStateException("no sequence was scored");
        }
        int n = runningLoss.length;
        double[] ppl = new double[n];
        double[] acc = new double[n];
        double[] tok = new double[n];
        for (int t = 0; t < n; t++) {
            ppl[t] = Math.exp(runningLoss[t] / sequences);
            acc[t] = runningAcc[t] / sequences;
            tok[t] = tokenLoss[t] / sequences;
        }
        return new Curves(ppl, acc, tok, sequences);
    }

    /** The accumulator's raw state, for resuming an interrupted run. */
    public record Sums(double[] runningLoss, double[] runningAcc, double[] tokenLoss, int sequences) {
    }

    /**
     * @param perplexities exp(mean over sequences of the running mean loss up to position t)
     * @param accuracies   mean over sequences of the running argmax accuracy up to t
     * @param tokenLosses  mean over sequences of the loss at t
     */
    public record Curves(double[] perplexities, double[] accuracies, double[] tokenLosses, int sequences) {
        /**
         * Perplexity of each bucket of {@code bucket} positions, exp(mean token loss in the bucket), as fla's ppl.py
         * reports it; the last bucket may be shorter.
         */
        public double[] bucketedPerplexity(int bucket) {
            int n = tokenLosses.length;
            double[] out = new double[(n + bucket - 1) / bucket];
            for (int b = 0; b < out.length; b++) {
                double sum = 0;
                int to = Math.min(n, (b + 1) * bucket);
                for (int t = b * bucket; t < to; t++) {
                    sum += tokenLosses[t];
                }
                out[b] = Math.exp(sum / (to - b * bucket));
            }
            return out;
        }

        /**
         * The first 1-based position after {@code trainContext} where the running perplexity exceeds its value at
         * {@code trainContext} by the relative {@code margin}, or -1 if it never does (or the sequences are not
         * longer than the training context).
         */
        public int firstExceedance(int trainContext, double margin) {
            if (trainContext < 1 || trainContext >= perplexities.length) {
                return -1;
            }
            double limit = perplexities[trainContext - 1] * (1 + margin);
            for (int t = trainContext; t < perplexities.length; t++) {
                if (perplexities[t] > limit) {
                    return t + 1;
                }
            }
            return -1;
        }
    }
}
