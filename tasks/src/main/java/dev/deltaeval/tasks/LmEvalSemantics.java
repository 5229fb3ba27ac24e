package dev.deltaeval.tasks;

import dev.deltaeval.common.DeltaEvalException;
/**
 * Which lm-eval behaviour to reproduce (lm-eval.md §6.2, §9). Recorded in every result.
 */
public enum LmEvalSemantics {
    /** Current lm-eval (0.4.9.2 and later): the tokenizer's default special tokens, so BOS for Mistral/Llama. */
    CURRENT("current", true, "0.4.13.dev0"),
    /** lm-eval 0.4.2, the version of the DeltaProduct paper's era: no special tokens (no BOS) for causal models. */
    V0_4_2("0.4.2", false, "0.4.2");

    private final String label;
    private final boolean addSpecialTokens;
    private final String lmEvalVersion;

    LmEvalSemantics(String label, boolean addSpecialTokens, String lmEvalVersion) {
        this.label = label;
        this.addSpecialTokens = addSpecialTokens;
        this.lmEvalVersion = lmEvalVersion;
    }

    /**
     * The lm-eval release whose behaviour this reproduces, as its results files write {@code lm_eval_version}
     * (current = the package version of lm-evaluation-harness at commit 4e7e0d47f, the code checked against).
     */
    public String lmEvalVersion() {
        return lmEvalVersion;
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
        throw new TaskException(DeltaEvalException.setting("lm_eval_compat") + " " + s + ": expected current or 0.4.2");
    }
}
