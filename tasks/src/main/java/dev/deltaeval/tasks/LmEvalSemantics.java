package dev.deltaeval.tasks;

/**
 * Which lm-eval behaviour to reproduce (lm-eval.md §6.2, §9). Recorded in every result.
 */
public enum LmEvalSemantics {
    /** Current lm-eval (0.4.9.2 and later): the tokenizer's default special tokens, so BOS for Mistral/Llama. */
    CURRENT("current", true),
    /** lm-eval 0.4.2, the version of the DeltaProduct paper's era: no special tokens (no BOS) for causal models. */
    V0_4_2("0.4.2", false);

    private final String label;
    private final boolean addSpecialTokens;

    LmEvalSemantics(String label, boolean addSpecialTokens) {
        this.label = label;
        this.addSpecialTokens = addSpecialTokens;
    }

    public String label() {
        return label;
    }

    public boolean addSpecialTokens() {
        return addSpecialTokens;
    }

    public static LmEvalSemantics parse(String s) {
        for (LmEvalSemantics v : values()) {
            if (v.label.equals(s)) {
                return v;
            }
        }
        throw new TaskException("--lm-eval-compat " + s + ": expected current or 0.4.2");
    }
}
