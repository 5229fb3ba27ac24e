package dev.deltaeval.statetracking;

/**
 * How a drawn sequence of group elements becomes the model's input and targets, as the DeltaProduct repository's
 * generator writes its variants: the elements and their running products ({@link Plain}); Grazzi et al.'s "hard"
 * task, where every 4 draws are one token (their product) and three identity tokens, targets delayed by 3
 * ({@link Blocks}); and the "_m_tokens" tasks, where each element is repeated m times or followed by m - 1
 * separators, targets delayed by m - 1 ({@link Repeated}). Targets are always a function of the input tokens, so a
 * file can be checked without the draws.
 */
public sealed interface WordProblemEncoding {
    /** The problem the generator writes for {@code drawn} (k elements). */
    WordProblem encode(FiniteGroup g, int[] drawn);

    /** The targets the generator writes for an input of this encoding. */
    int[] targets(FiniteGroup g, int[] input);

    /** Input symbols the vocabulary holds: the group's elements (and the separator). */
    default int symbols(FiniteGroup g) {
        return g.order();
    }

    /** Running products of {@code xs} from the identity (element 0). */
    static int[] prefixProducts(FiniteGroup g, int[] xs) {
        int[] out = new int[xs.length];
        int acc = 0;
        for (int t = 0; t < xs.length; t++) {
            acc = g.mul(acc, xs[t]);
            out[t] = acc;
        }
        return out;
    }

    /** {@code shift} identity (0) targets first, the last {@code shift} targets dropped: "learn better" delay. */
    static int[] delayed(int[] targets, int shift) {
        int[] out = new int[targets.length];
        System.arraycopy(targets, 0, out, Math.min(shift, targets.length), Math.max(0, targets.length - shift));
        return out;
    }

    /** The plain word problem. */
    record Plain() implements WordProblemEncoding {
        @Override
        public WordProblem encode(FiniteGroup g, int[] drawn) {
            return WordProblem.of(g, drawn);
        }

        @Override
        public int[] targets(FiniteGroup g, int[] input) {
            return prefixProducts(g, input);
        }
    }

    /** "_hard": each block of 4 draws (the last may be shorter) is its product followed by identity tokens. */
    record Blocks() implements WordProblemEncoding {
        static final int SIZE = 4;

        @Override
        public WordProblem encode(FiniteGroup g, int[] drawn) {
            int[] input = new int[drawn.length];
            for (int start = 0; start < drawn.length; start += SIZE) {
                int acc = 0;
                for (int i = start; i < Math.min(drawn.length, start + SIZE); i++) {
                    acc = g.mul(acc, drawn[i]);
                }
                input[start] = acc; // the rest of the block stays 0, the identity
            }
            return new WordProblem(input, targets(g, input));
        }

        @Override
        public int[] targets(FiniteGroup g, int[] input) {
            return delayed(prefixProducts(g, input), SIZE - 1);
        }
    }

    /**
     * "_m_tokens[_s_token][_only_input]": the first k / m + 1 draws, each followed by m - 1 copies of itself (or of
     * the separator, id |G|), cut to k tokens; targets are the running products of the draws, each held for its
     * m tokens (the separator's own target is the separator unless only_input), delayed by m - 1.
     */
    record Repeated(int m, boolean separator, boolean onlyInput) implements WordProblemEncoding {
        public Repeated {
            if (m < 2) {
                throw new IllegalArgumentException("m must be at least 2, got " + m);
            }
        }

        @Override
        public WordProblem encode(FiniteGroup g, int[] drawn) {
            int k = drawn.length;
            int[] input = new int[k];
            for (int t = 0; t < k; t++) {
                input[t] = t % m == 0 || !separator ? drawn[t / m] : g.order();
            }
            return new WordProblem(input, targets(g, input));
        }

        @Override
        public int[] targets(FiniteGroup g, int[] input) {
            int[] heads = new int[(input.length + m - 1) / m];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = input[i * m];
            }
            int[] products = prefixProducts(g, heads);
            int[] out = new int[input.length];
            for (int t = 0; t < input.length; t++) {
                out[t] = separator && !onlyInput && t % m != 0 ? g.order() : products[t / m];
            }
            return delayed(out, m - 1);
        }

        @Override
        public int symbols(FiniteGroup g) {
            return separator ? g.order() + 1 : g.order();
        }
    }
}
