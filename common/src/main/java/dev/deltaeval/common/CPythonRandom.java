package dev.deltaeval.common;

/**
 * CPython's {@code random.Random}: MT19937 seeded with {@code init_by_array} from an int seed, {@code random()} as
 * {@code genrand_res53} and {@code choices(xs, k)} as {@code xs[floor(random() * n)]}. lm-eval's bootstrap standard
 * errors are seeded with it, so reproducing its stream reproduces lm-eval's stderr values exactly.
 */
public final class CPythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    /**
     * {@code random.Random(); rnd.seed(seed)} for a non-negative seed: CPython seeds {@code init_by_array} with the
     * 32-bit words of the seed, least significant first ([0] for 0).
     */
    public CPythonRandom(long seed) {
        if (seed < 0) {
            throw new DeltaEvalException("seed must not be negative: " + seed);
        }
        int high = (int) (seed >>> 32);
        initByArray(high == 0 ? new int[] {(int) seed} : new int[] {(int) seed, high});
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    private int nextUint32() {
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            for (; kk < N - 1; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            int y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** A double in [0, 1) with 53 random bits, exactly as CPython's {@code random()}. */
    public double random() {
        long a = (nextUint32() & 0xFFFFFFFFL) >>> 5;
        long b = (nextUint32() & 0xFFFFFFFFL) >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /** {@code choices(xs, k=xs.length)}: a resample with replacement. */
    public double[] choices(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = xs[(int) Math.floor(random() * xs.length)];
        }
        return out;
    }
}
