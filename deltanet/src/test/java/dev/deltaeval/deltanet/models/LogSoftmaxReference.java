package dev.deltaeval.deltanet.models;

/** Independent reference for scoring tests: log-softmax and argmax of one logits row, in double, in plain Java. */
public final class LogSoftmaxReference {
    private LogSoftmaxReference() {
    }

    public static double logProb(float[] logits, int row, int vocab, long target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[row * vocab + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[row * vocab + v] - max);
        }
        return logits[row * vocab + (int) target] - max - Math.log(sum);
    }

    /** First index of the maximum. */
    public static int argmax(float[] logits, int row, int vocab) {
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (logits[row * vocab + v] > logits[row * vocab + best]) {
                best = v;
            }
        }
        return best;
    }
}
