package dev.deltaeval.statetracking;

import dev.deltaeval.common.DeltaEvalException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a word-problem file against a group: every target recomputed (a file made with another element order or
 * composition convention fails on its first row), and, given the seed, the set of sequences regenerated.
 */
public final class WordProblemCheck {
    private WordProblemCheck() {
    }

    /** @return a one-line summary; a mismatch is an error naming the row and position */
    public static String check(String file, Groups.Variant variant, List<WordProblemCsv.Row> rows, Long seed) {
        FiniteGroup g = variant.group();
        if (rows.isEmpty()) {
            throw new DeltaEvalException(file + ": no sequences");
        }
        int k = rows.get(0).problem().input().length;
        for (int r = 0; r < rows.size(); r++) {
            WordProblem w = rows.get(r).problem();
            int[] want = variant.encoding().targets(g, w.input());
            for (int t = 0; t < w.target().length; t++) {
                if (w.target()[t] != want[t]) {
                    throw new DeltaEvalException(file + ": row " + (r + 2) + ", position " + t + ": target "
                            + w.target()[t] + ", but the product of the inputs so far in " + g.name() + " is "
                            + want[t] + " (another element order or composition convention?)");
                }
            }
        }
        String summary = rows.size() + " sequences of " + g.name() + ", targets recomputed";
        if (seed == null) {
            return summary;
        }
        // the generator keeps distinct draws, so with an encoding two rows may be equal: compare as sets all the same
        Set<WordProblem> regenerated = new HashSet<>(WordProblemSampler.sample(variant, k, rows.size(), seed));
        Set<WordProblem> read = new HashSet<>();
        rows.forEach(r -> read.add(r.problem()));
        if (!regenerated.equals(read)) {
            read.removeAll(regenerated);
            throw new DeltaEvalException(file + ": " + read.size() + " of " + rows.size() + " sequences are not among "
                    + "those seed " + seed + " generates for " + g.name() + " with k " + k + " (e.g. "
                    + read.iterator().next() + ")");
        }
        return summary + ", the same set as seed " + seed + " generates";
    }
}
