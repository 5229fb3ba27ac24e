package dev.deltaeval.model;

/**
 * What the analyses need to know about a model, whatever its family.
 *
 * @param family                the family that loaded it ("deltanet")
 * @param modelType             config.json's {@code model_type}
 * @param summary               one line for consoles and reports
 * @param numLayers             decoder blocks (hidden states come as numLayers + 1 entries)
 * @param hiddenSize            width of the residual stream
 * @param vocabSize             rows of the output head
 * @param maxPositionEmbeddings the positional limit in config.json (lm-eval's default max_length)
 * @param bosTokenId            beginning-of-sequence token (lm-eval prepends it to rolling windows)
 * @param eosTokenId            end-of-sequence token (lm-eval's prefix for an empty context)
 */
public record ModelInfo(String family, String modelType, String summary, int numLayers, int hiddenSize,
                        int vocabSize, int maxPositionEmbeddings, int bosTokenId, int eosTokenId) {
}
