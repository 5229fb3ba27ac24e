package dev.deltaeval.statetracking;

import dev.deltaeval.common.DeltaEvalException;

/**
 * The word-problem models' vocabulary (the DeltaProduct repository's main.py tokenizer): ids 0..N-1 are the group's
 * elements, then [PAD], [BOS], [UNK], [EOS], [SEP], [CLS], [MASK]; every sequence starts with [BOS] in the input
 * and in the labels. config.json's bos_token_id (main.py writes 0, an element) is never read.
 */
public record GroupVocab(int tokens) {
    public static final int SPECIALS = 7;

    /** The vocabulary of a checkpoint whose config says {@code vocabSize}, for group {@code g}. */
    public static GroupVocab of(FiniteGroup g, int vocabSize, String where) {
        if (vocabSize - SPECIALS != g.order()) {
            throw new DeltaEvalException(where + ": vocab_size " + vocabSize + " is " + (vocabSize - SPECIALS)
                    + " tokens and 7 specials, but " + g.name() + " has " + g.order() + " elements");
        }
        return new GroupVocab(g.order());
    }

    public int pad() {
        return tokens;
    }

    public int bos() {
        return tokens + 1;
    }

    public int size() {
        return tokens + SPECIALS;
    }
}
