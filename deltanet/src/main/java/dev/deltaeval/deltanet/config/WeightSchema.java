package dev.deltaeval.deltanet.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Every tensor a model needs, under its canonical name (current fla's merged names), with its shape and where it
 * comes from in each layout. fla 0.2.2 stores one tensor per Householder step; those parts are concatenated along
 * rows, which is exact because current fla orders merged rows as (step, head, dim) and the convolutions are
 * depthwise.
 */
public final class WeightSchema {
    /** How {@code init} draws a tensor (fla's initialisation, model.md §4). */
    public enum Init { NORMAL, ONES, CONV, A_LOG, DT_BIAS }

    /** One stored tensor. */
    public record Part(String name, long[] shape) {
    }

    /** One canonical tensor, assembled from one or more stored parts. */
    public record Spec(String canonical, long[] shape, List<Part> parts, Init init) {
    }

    public static final String EMBEDDINGS = "model.embeddings.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private WeightSchema() {
    }

    public static String layer(int layer, String suffix) {
        return "model.layers." + layer + "." + suffix;
    }

    public static List<Spec> of(ModelConfig c, CheckpointLayout layout) {
        List<Spec> specs = new ArrayList<>();
        long h = c.hiddenSize();
        long kd = c.keyDim();
        long vd = c.valueDim();
        long nh = c.numHeads();
        int n = c.numHouseholder();
        long w = c.convSize();
        long inter = c.intermediateSize();
        boolean perStep = layout == CheckpointLayout.FLA_0_2_2_PER_STEP && c.family() == DeltaNetVariant.GATED_DELTAPRODUCT;
        specs.add(single(EMBEDDINGS, Init.NORMAL, c.vocabSize(), h));
        for (int l = 0; l < c.numLayers(); l++) {
            specs.add(single(layer(l, "attn_norm.weight"), Init.ONES, h));
            specs.add(single(layer(l, "attn.q_proj.weight"), Init.NORMAL, kd, h));
            specs.add(stepped(l, "k_proj", "k_projs", perStep, n, Init.NORMAL, kd, h));
            specs.add(stepped(l, "v_proj", "v_projs", perStep, n, Init.NORMAL, vd, h));
            if (c.useBeta()) {
                specs.add(stepped(l, "b_proj", "b_projs", perStep, n, Init.NORMAL, nh, h));
            }
            if (c.useShortConv()) {
                String qConv = perStep ? "attn.q_conv1ds.0.weight" : "attn.q_conv1d.weight";
                specs.add(new Spec(layer(l, "attn.q_conv1d.weight"), new long[] {kd, 1, w},
                        List.of(new Part(layer(l, qConv), new long[] {kd, 1, w})), Init.CONV));
                specs.add(stepped(l, "k_conv1d", "k_conv1ds", perStep, n, Init.CONV, kd, 1, w));
                specs.add(stepped(l, "v_conv1d", "v_conv1ds", perStep, n, Init.CONV, vd, 1, w));
                if (c.convBias()) {
                    specs.add(single(layer(l, "attn.q_conv1d.bias"), Init.CONV, kd));
                    specs.add(single(layer(l, "attn.k_conv1d.bias"), Init.CONV, kd));
                    specs.add(single(layer(l, "attn.v_conv1d.bias"), Init.CONV, vd));
                }
            }
            if (c.useForgetGate()) {
                specs.add(single(layer(l, "attn.a_proj.weight"), Init.NORMAL, nh, h));
                specs.add(single(layer(l, "attn.A_log"), Init.A_LOG, nh));
                specs.add(single(layer(l, "attn.dt_bias"), Init.DT_BIAS, nh));
            }
            if (c.useOutputGate()) {
                specs.add(single(layer(l, "attn.g_proj.weight"), Init.NORMAL, vd, h));
            }
            specs.add(single(layer(l, "attn.o_norm.weight"), Init.ONES, c.headVDim()));
            specs.add(single(layer(l, "attn.o_proj.weight"), Init.NORMAL, h, vd));
            specs.add(single(layer(l, "mlp_norm.weight"), Init.ONES, h));
            specs.add(single(layer(l, "mlp.gate_proj.weight"), Init.NORMAL, inter, h));
            specs.add(single(layer(l, "mlp.up_proj.weight"), Init.NORMAL, inter, h));
            specs.add(single(layer(l, "mlp.down_proj.weight"), Init.NORMAL, h, inter));
        }
        specs.add(single(FINAL_NORM, Init.ONES, h));
        if (!c.tieWordEmbeddings()) {
            specs.add(single(LM_HEAD, Init.NORMAL, c.vocabSize(), h));
        }
        return specs;
    }

    /**
     * Stored tensors a valid checkpoint may carry that the forward pass does not use: fla 0.2.2's dead query
     * convolutions of steps j >= 1, and a saved copy of tied {@code lm_head.weight}.
     */
    public static List<String> tolerated(ModelConfig c, CheckpointLayout layout) {
        List<String> names = new ArrayList<>();
        if (layout == CheckpointLayout.FLA_0_2_2_PER_STEP && c.useShortConv()) {
            for (int l = 0; l < c.numLayers(); l++) {
                for (int j = 1; j < c.numHouseholder(); j++) {
                    names.add(layer(l, "attn.q_conv1ds." + j + ".weight"));
                }
            }
        }
        if (c.tieWordEmbeddings()) {
            names.add(LM_HEAD);
        }
        return names;
    }

    private static Spec single(String name, Init init, long... shape) {
        return new Spec(name, shape, List.of(new Part(name, shape)), init);
    }

    private static Spec stepped(int l, String merged, String perStepName, boolean perStep, int n, Init init,
                                long rows, long... tail) {
        long[] full = shape(rows * n, tail);
        String canonical = layer(l, "attn." + merged + ".weight");
        if (!perStep) {
            return new Spec(canonical, full, List.of(new Part(canonical, full)), init);
        }
        List<Part> parts = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            parts.add(new Part(layer(l, "attn." + perStepName + "." + j + ".weight"), shape(rows, tail)));
        }
        return new Spec(canonical, full, parts, init);
    }

    private static long[] shape(long first, long... tail) {
        long[] s = new long[tail.length + 1];
        s[0] = first;
        System.arraycopy(tail, 0, s, 1, tail.length);
        return s;
    }
}
