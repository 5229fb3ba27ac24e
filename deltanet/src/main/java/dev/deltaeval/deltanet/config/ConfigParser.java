package dev.deltaeval.deltanet.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.deltanet.config.ModelConfig.QkActivation;
import dev.deltaeval.deltanet.config.ModelConfig.QkNorm;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code config.json} the way fla's config classes do: missing keys take the class defaults of the fla
 * version that wrote the checkpoint (model.md §2.1, §3, §4), unknown keys are ignored. The layout matters for
 * GatedDeltaProduct: fla 0.2.2 reads {@code use_gate}, current fla reads {@code use_output_gate}.
 */
public final class ConfigParser {
    /** Fields that set tensor shapes: when one is absent, its default is said (errors blame "config.json"). */
    private static final java.util.Set<String> SHAPE_FIELDS = java.util.Set.of("hidden_size", "num_heads", "head_dim",
            "expand_k", "expand_v", "num_hidden_layers", "vocab_size", "hidden_ratio", "num_householder", "conv_size");
    private final JsonNode root;
    private final String where;
    private final List<String> defaulted = new java.util.ArrayList<>();

    private ConfigParser(JsonNode root, String where) {
        this.root = root;
        this.where = where;
    }

    public static ModelConfig parse(Path configFile, CheckpointLayout layout, List<String> warnings) {
        return parse(dev.deltaeval.checkpoints.JsonFiles.readObject(configFile), configFile.toString(), layout, warnings);
    }

    public static ModelConfig parse(JsonNode root, String where, CheckpointLayout layout, List<String> warnings) {
        return new ConfigParser(root, where).build(layout, warnings);
    }

    /** The shape fields {@code root} leaves out, each with the default used for it: "hidden_size 2048". */
    public static List<String> defaultedShapeFields(JsonNode root, CheckpointLayout layout) {
        ConfigParser p = new ConfigParser(root, "config.json");
        p.build(layout, new java.util.ArrayList<>());
        return List.copyOf(p.defaulted);
    }

    private ModelConfig build(CheckpointLayout layout, List<String> warnings) {
        if (!root.hasNonNull("model_type")) {
            throw new CheckpointException(where + ": field model_type is missing (expected gated_deltaproduct, "
                    + "delta_net or gated_deltanet)");
        }
        String modelType = str("model_type", null);
        DeltaNetVariant family = DeltaNetVariant.fromModelType(modelType, where);
        if (!family.modelType().equals(modelType)) {
            warnings.add("model_type \"" + modelType + "\" read as " + family.modelType());
        }
        if (root.has("use_decay_gate") && !root.has("use_forget_gate")) {
            // the DeltaProduct repository's two "_decay" configs: a key of an older internal class
            warnings.add("use_decay_gate is not read by fla 0.2.2's class (its gate is use_forget_gate): read without a "
                    + "forget gate; a checkpoint that has forget-gate weights is rejected, naming them");
        }
        if (root.hasNonNull("attn")) {
            throw new CheckpointException(where + ": field attn is set (hybrid softmax-attention layers are not supported;"
                    + " expected null or absent)");
        }
        String act = str("hidden_act", "swish");
        if (!act.equals("swish")) {
            throw new CheckpointException(where + ": field hidden_act is \"" + act + "\" (fla's GatedMLP requires swish)");
        }
        int hidden = integer("hidden_size", 2048);
        int intermediate = root.hasNonNull("intermediate_size") ? integer("intermediate_size", 0)
                : ModelConfig.defaultIntermediateSize(hidden, integer("hidden_ratio", 4));
        double normEps = number("norm_eps", 1e-6);
        if (!(normEps > 0) || Double.isInfinite(normEps)) {
            // RMSNorm divides by sqrt(mean(x^2) + eps): a negative eps turns small activations into NaN
            throw new CheckpointException(where + ": field norm_eps is " + root.get("norm_eps")
                    + "; expected a small positive number (fla's default is 1e-6)");
        }
        int vocab = integer("vocab_size", 32000);
        boolean tied = bool("tie_word_embeddings", false);
        int maxPos = integer("max_position_embeddings", 2048);
        int bos = integer("bos_token_id", 1);
        int eos = integer("eos_token_id", 2);
        boolean shortConv = bool("use_short_conv", true);
        int convSize = integer("conv_size", 4);
        boolean convBias = bool("conv_bias", false);

        switch (family) {
            case GATED_DELTAPRODUCT: {
                int heads = integer("num_heads", 6);
                int headDim = integer("head_dim", 256);
                checkGva(heads);
                boolean outGate = layout == CheckpointLayout.FLA_0_2_2_PER_STEP
                        ? bool("use_gate", true) : bool("use_output_gate", true);
                return new ModelConfig(family, hidden, integer("num_hidden_layers", 21), heads, headDim,
                        (int) (headDim * number("expand_v", 2.0)), integer("num_householder", 1), shortConv, convSize,
                        false, bool("use_forget_gate", false), bool("allow_neg_eigval", false), outGate, true,
                        QkActivation.SILU, QkNorm.L2, normEps, intermediate, vocab, tied, maxPos, bos, eos);
            }
            case GATED_DELTANET: {
                int heads = integer("num_heads", 6);
                int headDim = integer("head_dim", 256);
                checkGva(heads);
                return new ModelConfig(family, hidden, integer("num_hidden_layers", 21), heads, headDim,
                        (int) (headDim * number("expand_v", 2.0)), 1, shortConv, convSize, convBias, true,
                        bool("allow_neg_eigval", false), bool("use_gate", true), true, QkActivation.SILU, QkNorm.L2,
                        normEps, intermediate, vocab, tied, maxPos, bos, eos);
            }
            case DELTA_NET: {
                int heads = integer("num_heads", 16);
                int keyDim = (int) (hidden * number("expand_k", 1.0));
                int valueDim = (int) (hidden * number("expand_v", 1.0));
                if (keyDim % heads != 0 || valueDim % heads != 0) {
                    throw new CheckpointException(where + ": key_dim " + keyDim + " and value_dim " + valueDim
                            + " must be divisible by num_heads " + heads);
                }
                return new ModelConfig(family, hidden, integer("num_hidden_layers", 24), heads, keyDim / heads,
                        valueDim / heads, 1, shortConv, convSize, convBias, false, bool("allow_neg_eigval", false),
                        bool("use_gate", false), bool("use_beta", true), qkActivation(), qkNorm(), normEps,
                        intermediate, vocab, tied, maxPos, bos, eos);
            }
            default:
                throw new AssertionError(family);
        }
    }

    private void checkGva(int heads) {
        if (root.hasNonNull("num_v_heads") && integer("num_v_heads", heads) != heads) {
            throw new CheckpointException(where + ": field num_v_heads = " + integer("num_v_heads", heads)
                    + " (grouped value heads are not supported; expected null or num_heads = " + heads + ")");
        }
    }

    private QkActivation qkActivation() {
        String s = str("qk_activation", "silu");
        try {
            return QkActivation.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": field qk_activation is \"" + s
                    + "\" (expected silu, relu, elu or identity)");
        }
    }

    private QkNorm qkNorm() {
        String s = str("qk_norm", "l2");
        try {
            return QkNorm.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": field qk_norm is \"" + s + "\" (expected l2 or sum)");
        }
    }

    private int integer(String field, int dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            noteDefault(field, Integer.toString(dflt));
            return dflt;
        }
        if (!(n.isIntegralNumber() || (n.isNumber() && n.asDouble() == Math.rint(n.asDouble())))) {
            throw new CheckpointException(where + ": field " + field + " must be an integer, got " + n);
        }
        if (!n.canConvertToInt()) {
            throw new CheckpointException(where + ": field " + field + " is " + n + ", too large (at most "
                    + Integer.MAX_VALUE + ")");
        }
        return n.asInt();
    }

    private double number(String field, double dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            noteDefault(field, dflt == Math.rint(dflt) ? Long.toString((long) dflt) : Double.toString(dflt));
            return dflt;
        }
        if (!n.isNumber()) {
            throw new CheckpointException(where + ": field " + field + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    private boolean bool(String field, boolean dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new CheckpointException(where + ": field " + field + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    private String str(String field, String dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new CheckpointException(where + ": field " + field + " must be a string, got " + n);
        }
        return n.asText();
    }

    private void noteDefault(String field, String value) {
        if (SHAPE_FIELDS.contains(field) && !defaulted.contains(field + " " + value)) {
            defaulted.add(field + " " + value);
        }
    }
}
