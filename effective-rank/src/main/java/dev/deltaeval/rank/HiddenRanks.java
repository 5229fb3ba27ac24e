package dev.deltaeval.rank;

import java.util.List;

/**
 * Rank measures of the hidden-state activations of one sequence, per entry of Hugging Face's hidden_states
 * (0 = embeddings, i = output of block i-1 for 1 <= i < L, L = after the final norm), optionally followed by the
 * token-mixer outputs of each layer.
 *
 * @param names        display name of each entry
 * @param whole        of the whole [tokens x hidden] activation matrix
 * @param covariance   of its covariance matrix (singular values = covariance eigenvalues)
 * @param window       tokens per window
 * @param windowStarts first token (0-based) of each complete window
 * @param windowed     [entry][window] of each [window x hidden] block
 */
public record HiddenRanks(List<String> names, SpectralMeasures[] whole, SpectralMeasures[] covariance, int window, long[] windowStarts,
                          SpectralMeasures[][] windowed) {
    public static String hiddenName(int entry, int layers) {
        if (entry == 0) {
            return "embeddings";
        }
        return entry == layers ? "final norm" : "block " + (entry - 1);
    }
}
