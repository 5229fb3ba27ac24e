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
        return of(new Groups.Variant(g, new int[0]), vocabSize, where);
    }

    /** As above for a variant, whose separator (the _s_token tasks) is one more input symbol. */
    public static GroupVocab of(Groups.Variant v, int vocabSize, String where) {
        int symbols = v.symbols();
        if (vocabSize - SPECIALS != symbols) {
            throw new DeltaEvalException(where + ": vocab_size " + vocabSize + " is " + (vocabSize - SPECIALS)
                    + " tokens and 7 specials, but " + v.group().name() + " has " + v.group().order() + " elements"
                    + (symbols > v.group().order() ? " and a separator" : ""));
        }
        return new GroupVocab(symbols);
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
