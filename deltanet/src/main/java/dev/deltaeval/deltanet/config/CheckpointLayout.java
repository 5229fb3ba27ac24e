package dev.deltaeval.deltanet.config;

/**
 * How a checkpoint names its token-mixer tensors. Detected from the tensor names, never from the config.
 */
public enum CheckpointLayout {
    /**
     * fla 0.2.2, the copy inside the DeltaProduct repository that trained the released checkpoints: one
     * projection and one convolution per Householder step ({@code k_projs.j}, {@code k_conv1ds.j}, ...).
     */
    FLA_0_2_2_PER_STEP("fla-0.2.2"),
    /** Current fla: the steps merged into one tensor ({@code k_proj} with rows ordered (step, head, dim)). */
    FLA_MERGED("fla-current");

    private final String label;

    CheckpointLayout(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static CheckpointLayout detect(Iterable<String> tensorNames) {
        for (String n : tensorNames) {
            if (n.contains(".attn.k_projs.") || n.contains(".attn.k_conv1ds.")) {
                return FLA_0_2_2_PER_STEP;
            }
        }
        return FLA_MERGED;
    }

    public static CheckpointLayout parse(String label) {
        for (CheckpointLayout l : values()) {
            if (l.label.equals(label)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown layout " + label + " (expected fla-0.2.2 or fla-current)");
    }
}
