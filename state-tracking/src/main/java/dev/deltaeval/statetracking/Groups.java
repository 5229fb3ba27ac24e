package dev.deltaeval.statetracking;

import dev.deltaeval.common.DeltaEvalException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Group names as the DeltaProduct repository's generator takes them: S<n>, A<n>, Z<n>, joined by _x_; and the
 * variants of Grazzi et al.'s S5 experiments that draw inputs from part of the group ({@link #variant}).
 */
public final class Groups {
    private static final Pattern FACTOR = Pattern.compile("([SAZ])(\\d+)");
    private static final Pattern LIMIT = Pattern.compile("S(\\d)_limit_to_(\\d)");
    private static final Pattern TOKENS = Pattern.compile("(?<g>[SAZ]\\d+)_(?<m>\\d+)_tokens(?<s>_s_token)?"
            + "(?<o>_only_input)?");

    private Groups() {
    }

    /**
     * A group and the elements its inputs are drawn from: all of them, or for {@code S5_only_swaps} the identity
     * and the 10 transpositions, for {@code S<n>_limit_to_<m>} the permutations moving at most m points (in the
     * group's order). Targets are products in the whole group either way.
     */
    public record Variant(FiniteGroup group, int[] population, WordProblemEncoding encoding) {
        public Variant(FiniteGroup group, int[] population) {
            this(group, population, new WordProblemEncoding.Plain());
        }

        /** Input symbols the model's vocabulary must hold before its 7 special tokens. */
        public int symbols() {
            return encoding.symbols(group);
        }
    }

    /**
     * Also the generator's encodings: a name ending in {@code _hard} (blocks of 4 draws as one token, e.g.
     * {@code S5_only_swaps_hard}) and {@code G_m_tokens[_s_token][_only_input]} (each draw repeated m times or
     * followed by m - 1 separators; G a single group, m at least 2).
     */
    public static Variant variant(String name) {
        if (name.endsWith("_hard")) {
            Variant base = variant(name.substring(0, name.length() - "_hard".length()));
            return new Variant(base.group(), base.population(), new WordProblemEncoding.Blocks());
        }
        Matcher tokens = TOKENS.matcher(name);
        if (tokens.matches()) {
            int m = Integer.parseInt(tokens.group("m"));
            if (m < 2) {
                throw new DeltaEvalException("group \"" + name + "\": m is " + m + "; each element must take at least "
                        + "2 tokens (the generator fails on 1)");
            }
            Variant base = variant(tokens.group("g"));
            return new Variant(base.group(), base.population(), new WordProblemEncoding.Repeated(m,
                    tokens.group("s") != null, tokens.group("o") != null));
        }
        Matcher limit = LIMIT.matcher(name);
        if (name.equals("S5_only_swaps") || limit.matches()) {
            int n = name.equals("S5_only_swaps") ? 5 : Integer.parseInt(limit.group(1));
            int m = name.equals("S5_only_swaps") ? 2 : Integer.parseInt(limit.group(2));
            PermutationGroup g = PermutationGroup.symmetric(n);
            int[] population = java.util.stream.IntStream.range(0, g.order()).filter(i -> g.movedPoints(i) <= m)
                    .toArray();
            return new Variant(g, population);
        }
        FiniteGroup g = parse(name);
        return new Variant(g, java.util.stream.IntStream.range(0, g.order()).toArray());
    }

    public static FiniteGroup parse(String name) {
        FiniteGroup out = null;
        for (String part : name.split("_x_", -1)) {
            Matcher m = FACTOR.matcher(part);
            if (!m.matches()) {
                throw new DeltaEvalException("group \"" + name + "\": expected S<n>, A<n> or Z<n>, or a product of "
                        + "them joined by _x_ (e.g. S3, A5, Z60, A4_x_Z5)");
            }
            int n = Integer.parseInt(m.group(2));
            FiniteGroup g = switch (m.group(1)) {
                case "S" -> PermutationGroup.symmetric(n);
                case "A" -> PermutationGroup.alternating(n);
                default -> {
                    if (n < 1) {
                        throw new DeltaEvalException("group \"" + name + "\": Z" + n + " has no elements");
                    }
                    yield new CyclicGroup(n);
                }
            };
            out = out == null ? g : new DirectProduct(out, g);
        }
        return out;
    }
}
