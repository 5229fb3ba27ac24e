package dev.deltaeval.statetracking;

import java.util.Arrays;

/**
 * One sequence of a group word problem: the elements read and, at every position, the product of all read so far
 * ({@code target[t] = input[0] ∘ ... ∘ input[t]}, the DeltaProduct repository's running scan from the identity).
 */
public record WordProblem(int[] input, int[] target) {
    public static WordProblem of(FiniteGroup g, int[] input) {
        int[] target = new int[input.length];
        int acc = 0;
        for (int t = 0; t < input.length; t++) {
            acc = g.mul(acc, input[t]);
            target[t] = acc;
        }
        return new WordProblem(input.clone(), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordProblem w && Arrays.equals(input, w.input) && Arrays.equals(target, w.target);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(input);
    }

    @Override
    public String toString() {
        return Arrays.toString(input) + " -> " + Arrays.toString(target);
    }
}
