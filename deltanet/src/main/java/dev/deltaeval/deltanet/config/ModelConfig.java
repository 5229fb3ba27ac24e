package dev.deltaeval.deltanet.config;

import dev.deltaeval.checkpoints.CheckpointException;
/**
 * A model's architecture with fla's defaults applied: everything the forward pass needs and nothing about files.
 * All three families share one shape: DeltaNet and Gated DeltaNet are DeltaProduct with one Householder step.
 *
 * @param headKDim         key (and query) dimension per head
 * @param headVDim         value dimension per head
 * @param numHouseholder   n_h, the Householder steps per token
 * @param useForgetGate    scalar decay per token and head (Gated DeltaNet / Gated DeltaProduct)
 * @param allowNegEigval   beta scaled to [0, 2]
 * @param useOutputGate    g_proj and the swish-gated output RMSNorm
 * @param useBeta          false only for DeltaNet with use_beta=false (beta = 1)
 * @param maxPositionEmbeddings unused by the recurrence; lm-eval's default max_length and the training context
 */
public record ModelConfig(
        DeltaNetVariant family,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int headKDim,
        int headVDim,
        int numHouseholder,
        boolean useShortConv,
        int convSize,
        boolean convBias,
        boolean useForgetGate,
        boolean allowNegEigval,
        boolean useOutputGate,
        boolean useBeta,
        QkActivation qkActivation,
        QkNorm qkNorm,
        double normEps,
        int intermediateSize,
        int vocabSize,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        int bosTokenId,
        int eosTokenId) {

    /** DeltaNet's query/key feature map after the projection (and convolution). */
    public enum QkActivation { SILU, RELU, ELU, IDENTITY }

    /** How queries and keys are normalised before the recurrence. */
    public enum QkNorm { L2, SUM }

    public ModelConfig {
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_heads", numHeads);
        positive("head_k_dim", headKDim);
        positive("head_v_dim", headVDim);
        positive("num_householder", numHouseholder);
        positive("conv_size", convSize);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new CheckpointException("config.json: field " + field + " must be positive, got " + value);
        }
    }

    public int keyDim() {
        return numHeads * headKDim;
    }

    public int valueDim() {
        return numHeads * headVDim;
    }

    /** fla's rule when intermediate_size is null: int(H * ratio * 2/3) rounded up to a multiple of 256. */
    public static int defaultIntermediateSize(int hiddenSize, int hiddenRatio) {
        int i = (int) (hiddenSize * hiddenRatio * 2.0 / 3.0);
        return 256 * ((i + 255) / 256);
    }

    /** The facts a listing shows: "gated_deltaproduct n_h=2 eig=[-1,1] max_pos=2048 4x128 heads=2". */
    public String facts() {
        return String.format(java.util.Locale.ROOT, "%s n_h=%d eig=%s max_pos=%d %dx%d heads=%d", family.modelType(),
                numHouseholder, allowNegEigval ? "[-1,1]" : "[0,1]", maxPositionEmbeddings, numLayers, hiddenSize,
                numHeads);
    }

    /** A short description, e.g. "gated_deltaproduct n_h=2 beta in [-1,1] ...". */
    public String summary() {
        return family.modelType() + ", " + numLayers + " layers, hidden " + hiddenSize + ", " + numHeads + " heads x "
                + headKDim + "/" + headVDim + " (k/v), n_h=" + numHouseholder
                + ", eigenvalues in " + (allowNegEigval ? "[-1,1]" : "[0,1]")
                + (useForgetGate ? ", forget gate" : "") + (useOutputGate ? ", output gate" : "")
                + (useShortConv ? ", short conv " + convSize : ", no short conv")
                + (tieWordEmbeddings ? ", tied embeddings" : ", untied lm_head");
    }
}
