package dev.deltaeval.rank;

/**
 * Rank measures of the recurrent state S of every layer and head at the selected sub-steps of one sequence.
 *
 * @param substeps         the sub-step index of each capture (states after that many sub-steps)
 * @param householder      n, the sub-steps per token (position = substep / n)
 * @param effectiveRank    [layer][capture][head]
 * @param numericalRank    [layer][capture][head]
 * @param participation    [layer][capture][head]
 * @param finalStates      [layer] the state after the last token, [heads, dk, dv] row-major
 */
public record StateRanks(long[] substeps, int householder, float[][][] effectiveRank, int[][][] numericalRank,
                         float[][][] participation, float[][] finalStates) {
    public int layers() {
        return effectiveRank.length;
    }

    public int heads() {
        return effectiveRank.length == 0 || effectiveRank[0].length == 0 ? 0 : effectiveRank[0][0].length;
    }

    /** Token position (may be fractional between a token's sub-steps), as the script's x-axis. */
    public double position(int capture) {
        return substeps[capture] / (double) householder;
    }
}
