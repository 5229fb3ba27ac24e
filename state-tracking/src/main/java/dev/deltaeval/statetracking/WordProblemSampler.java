package dev.deltaeval.statetracking;

import dev.deltaeval.common.CPythonRandom;
import dev.deltaeval.common.DeltaEvalException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The DeltaProduct repository's generate_data.py: {@code random.seed(seed)}, then {@code random.choices(population,
 * k=k)} until {@code samples} distinct sequences exist (at most N^k). CPython's Mersenne Twister is reproduced
 * ({@link CPythonRandom}), so the same seed gives the same set of sequences; they come in draw order (Python's CSV
 * lists the same set in its set-iteration order, which no metric depends on).
 */
public final class WordProblemSampler {
    private WordProblemSampler() {
    }

    /** Inputs drawn from the variant's population, targets in its group. */
    public static List<WordProblem> sample(Groups.Variant v, int k, long samples, long seed) {
        return sample(v.group(), v.population(), v.encoding(), k, samples, seed);
    }

    /** Every element of the group is drawn (the plain groups). */
    public static List<WordProblem> sample(FiniteGroup g, int k, long samples, long seed) {
        int[] population = new int[g.order()];
        for (int i = 0; i < population.length; i++) {
            population[i] = i;
        }
        return sample(g, population, k, samples, seed);
    }

    public static List<WordProblem> sample(FiniteGroup g, int[] population, int k, long samples, long seed) {
        return sample(g, population, new WordProblemEncoding.Plain(), k, samples, seed);
    }

    /**
     * Distinct draws, as the generator keeps them (its set holds the drawn tuples, so two draws that encode alike
     * both stay), each encoded.
     */
    public static List<WordProblem> sample(FiniteGroup g, int[] population, WordProblemEncoding encoding, int k,
                                           long samples, long seed) {
        if (k < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("k") + " " + k + ": expected a sequence length of"
                    + " at least 1");
        }
        if (samples < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("samples") + " " + samples
                    + ": expected at least 1 sequence");
        }
        double distinct = Math.pow(population.length, k);
        long wanted = distinct < samples ? (long) distinct : samples;
        CPythonRandom rng = new CPythonRandom(seed);
        Set<java.util.List<Integer>> seen = new HashSet<>();
        List<WordProblem> out = new ArrayList<>();
        double n = population.length;
        while (out.size() < wanted) {
            int[] x = new int[k];
            for (int t = 0; t < k; t++) {
                x[t] = population[(int) Math.floor(rng.random() * n)];
            }
            if (seen.add(java.util.Arrays.stream(x).boxed().toList())) {
                out.add(encoding.encode(g, x));
            }
        }
        return out;
    }
}
