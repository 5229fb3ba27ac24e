package dev.deltaeval.deltanet.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.checkpoints.SafetensorsWriter;
import dev.deltaeval.checkpoints.TensorStore;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.deltanet.config.CheckpointLayout;
import dev.deltaeval.deltanet.config.ConfigParser;
import dev.deltaeval.deltanet.config.ModelConfig;
import dev.deltaeval.deltanet.config.WeightSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a checkpoint with random weights in the exact on-disk format fla's {@code save_pretrained} produces for a
 * config: the same tensor names for the chosen layout (including fla 0.2.2's dead query convolutions), tied
 * {@code lm_head} left out. Used by benchmarks and tests; read back by {@link Checkpoint#open}.
 */
public final class CheckpointInitializer {
    /** Stored element type of the written weights. */
    public enum StoredType { F32, BF16 }

    private CheckpointInitializer() {
    }

    /** fla 0.2.2 for GatedDeltaProduct configs that use its {@code use_gate} key, current fla otherwise. */
    public static CheckpointLayout defaultLayout(JsonNode config) {
        boolean gdp = config.path("model_type").asText().startsWith("gated_delta")
                && !config.path("model_type").asText().equals("gated_deltanet");
        return gdp && config.has("use_gate") && !config.has("use_output_gate")
                ? CheckpointLayout.FLA_0_2_2_PER_STEP : CheckpointLayout.FLA_MERGED;
    }

    /**
     * A GatedDeltaProduct config in fla 0.2.2's names, renamed for the current layout: 0.2.2's {@code use_gate}
     * is current fla's {@code use_output_gate}, which defaults to true there, so without the rename a config with
     * {@code use_gate: false} would gain an output gate (417M parameters instead of the config's 392M) and fla would
     * initialise it when loading.
     */
    static JsonNode forLayout(JsonNode config, CheckpointLayout layout) {
        if (layout != CheckpointLayout.FLA_MERGED || !config.path("model_type").asText().equals("gated_deltaproduct")
                || !config.has("use_gate") || config.has("use_output_gate")) {
            return config;
        }
        com.fasterxml.jackson.databind.node.ObjectNode c = ((com.fasterxml.jackson.databind.node.ObjectNode) config)
                .deepCopy();
        c.set("use_output_gate", c.remove("use_gate"));
        return c;
    }

    public static DeltaNetCheckpoint write(Path configFile, Path outDir, long seed, CheckpointLayout layout, StoredType type)
            throws IOException {
        JsonNode json = forLayout(dev.deltaeval.checkpoints.JsonFiles.readObject(configFile), layout);
        List<String> warnings = new ArrayList<>();
        ModelConfig config = ConfigParser.parse(json, configFile.toString(), layout, warnings);
        double std = json.path("initializer_range").asDouble(0.02);
        Random rng = new Random(seed);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (WeightSchema.Spec spec : WeightSchema.of(config, layout)) {
            for (WeightSchema.Part part : spec.parts()) {
                put(writer, part, draw(spec.init(), numel(part.shape()), part.shape(), std, rng), type);
            }
        }
        List<String> dead = WeightSchema.tolerated(config, layout);
        for (String name : dead) {
            if (name.equals(WeightSchema.LM_HEAD)) {
                continue;
            }
            long[] shape = {config.keyDim(), 1, config.convSize()};
            put(writer, new WeightSchema.Part(name, shape), draw(WeightSchema.Init.CONV, numel(shape), shape, std, rng),
                    type);
        }
        Files.createDirectories(outDir);
        writer.write(outDir.resolve(TensorStore.SINGLE_FILE));
        AtomicFiles.writeBytes(outDir.resolve(DeltaNetCheckpoint.CONFIG_FILE),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        return DeltaNetCheckpoint.open(outDir);
    }

    private static void put(SafetensorsWriter w, WeightSchema.Part part, float[] values, StoredType type) {
        if (type == StoredType.BF16) {
            w.putBf16(part.name(), part.shape(), values);
        } else {
            w.putFloat(part.name(), part.shape(), values);
        }
    }

    private static int numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    private static float[] draw(WeightSchema.Init init, int n, long[] shape, double std, Random rng) {
        float[] v = new float[n];
        switch (init) {
            case NORMAL:
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (rng.nextGaussian() * std);
                }
                break;
            case ONES:
                java.util.Arrays.fill(v, 1f);
                break;
            case CONV: {
                // PyTorch's Conv1d default (kaiming uniform with a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
                double bound = 1.0 / Math.sqrt(shape[shape.length - 1]);
                for (int i = 0; i < n; i++) {
                    v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                }
                break;
            }
            case A_LOG:
                for (int i = 0; i < n; i++) {
                    v[i] = (float) Math.log(Math.max(1e-4, rng.nextDouble() * 16));
                }
                break;
            case DT_BIAS:
                for (int i = 0; i < n; i++) {
                    double dt = Math.exp(rng.nextDouble() * (Math.log(0.1) - Math.log(0.001)) + Math.log(0.001));
                    dt = Math.max(dt, 1e-4);
                    v[i] = (float) (dt + Math.log(-Math.expm1(-dt)));
                }
                break;
            default:
                throw new AssertionError(init);
        }
        return v;
    }
}
