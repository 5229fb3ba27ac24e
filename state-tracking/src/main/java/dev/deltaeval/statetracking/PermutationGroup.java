package dev.deltaeval.statetracking;

import dev.deltaeval.common.DeltaEvalException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The symmetric group S_n and its alternating subgroup A_n on 1..n, elements in lexicographic order
 * (itertools.permutations of (1..n), the identity first; A_n: the even permutations in that order), with a Cayley
 * table: {@code (a ∘ b)[i] = a[b[i]]}.
 */
public final class PermutationGroup implements FiniteGroup {
    /** Largest n whose Cayley table is built (S7: 5040^2 = 25 M entries, 100 MB). */
    public static final int MAX_N = 7;

    private final String name;
    private final int[][] perms;
    private final int[] table;

    private PermutationGroup(String name, List<int[]> perms) {
        this.name = name;
        this.perms = perms.toArray(int[][]::new);
        int n = this.perms.length;
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(Arrays.toString(this.perms[i]), i);
        }
        table = new int[n * n];
        int degree = this.perms[0].length;
        int[] c = new int[degree];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < degree; i++) {
                    c[i] = this.perms[a][this.perms[b][i]];
                }
                Integer k = index.get(Arrays.toString(c));
                if (k == null) {
                    throw new IllegalStateException(name + " is not closed under composition");
                }
                table[a * n + b] = k;
            }
        }
    }

    public static PermutationGroup symmetric(int n) {
        return new PermutationGroup("S" + n, permutations(n, false));
    }

    public static PermutationGroup alternating(int n) {
        return new PermutationGroup("A" + n, permutations(n, true));
    }

    /** Permutations of 0..n-1 in lexicographic order (only the even ones when asked). */
    private static List<int[]> permutations(int n, boolean evenOnly) {
        if (n < 1 || n > MAX_N) {
            throw new DeltaEvalException("group of permutations of " + n + " points: expected 1 to " + MAX_N
                    + " (beyond that a Cayley table no longer fits in memory)");
        }
        List<int[]> out = new ArrayList<>();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        do {
            if (!evenOnly || even(p)) {
                out.add(p.clone());
            }
        } while (nextPermutation(p));
        return out;
    }

    private static boolean even(int[] p) {
        int inversions = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = i + 1; j < p.length; j++) {
                if (p[i] > p[j]) {
                    inversions++;
                }
            }
        }
        return inversions % 2 == 0;
    }

    private static boolean nextPermutation(int[] p) {
        int i = p.length - 2;
        while (i >= 0 && p[i] >= p[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = p.length - 1;
        while (p[j] <= p[i]) {
            j--;
        }
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
        for (int a = i + 1, b = p.length - 1; a < b; a++, b--) {
            t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
        return true;
    }

    /** How many points the permutation moves (for the variants that limit the population). */
    public int movedPoints(int i) {
        int moved = 0;
        for (int k = 0; k < perms[i].length; k++) {
            moved += perms[i][k] != k ? 1 : 0;
        }
        return moved;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int order() {
        return perms.length;
    }

    @Override
    public int mul(int a, int b) {
        return table[a * perms.length + b];
    }

    @Override
    public String elementName(int i) {
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < perms[i].length; k++) {
            sb.append(k == 0 ? "" : ", ").append(perms[i][k] + 1);
        }
        return sb.append(')').toString();
    }
}
