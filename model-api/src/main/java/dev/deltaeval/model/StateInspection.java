package dev.deltaeval.model;

/**
 * The optional capability to watch a model's matrix-valued recurrent state as it evolves (effective rank of the
 * states). A family offers it through {@link LanguageModel#stateInspection()}.
 */
public interface StateInspection {
    /** The state's shape per layer and sequence, and how many updates each token makes. */
    StateShape stateShape();

    /**
     * A step-by-step forward pass that hands every layer's state to {@code observer} after every update.
     *
     * @see LanguageModel#forward(TokenBatch, RecurrentState, ForwardRequest)
     */
    ForwardOutput forwardObserved(TokenBatch input, RecurrentState initial, ForwardRequest request,
                                  StateObserver observer);

    /**
     * @param heads          heads per layer, each with its own [keyDim, valueDim] state
     * @param keyDim         rows of one head's state
     * @param valueDim       columns of one head's state
     * @param updatesPerToken state updates per token (DeltaProduct's n_h; 1 for DeltaNet)
     */
    record StateShape(int heads, int keyDim, int valueDim, int updatesPerToken) {
    }

    /** Receives the states of one layer after one update. */
    @FunctionalInterface
    interface StateObserver {
        /**
         * @param layer  layer index
         * @param token  token position within this call
         * @param update update within the token (0 .. updatesPerToken - 1)
         * @param state  [B, heads, keyDim, valueDim] row-major on the host; reused after the call (copy to keep it)
         */
        void onState(int layer, long token, int update, float[] state);
    }
}
