package dev.deltaeval.deltanet.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.DType;
import dev.deltaeval.checkpoints.HalfFloat;
import dev.deltaeval.checkpoints.HostTensor;
import dev.deltaeval.checkpoints.TestShards;
import dev.deltaeval.deltanet.models.CheckpointInitializer;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layouts, canonical names, dtypes and round trips through init. */
class CheckpointFilesTest {
    @TempDir
    Path tmp;

    @Test
    void fla022LayoutIsDetectedAndStepsAreConcatenatedInOrder() throws IOException {
        DeltaNetCheckpoint c = TinyConfigs.init(tmp.resolve("dp3"), TinyConfigs.dp022(3), CheckpointLayout.FLA_0_2_2_PER_STEP);
        assertEquals(CheckpointLayout.FLA_0_2_2_PER_STEP, c.layout());
        assertTrue(c.store().contains("model.layers.0.attn.q_conv1ds.2.weight"), "dead q convs are written like fla");
        assertTrue(c.warnings().isEmpty(), "dead q convs are accepted silently: " + c.warnings());
        HostTensor merged = c.weight("model.layers.1.attn.k_proj.weight");
        assertArrayEquals(new long[] {3 * 32, 32}, merged.shape());
        float[] all = merged.toFloatArray();
        for (int j = 0; j < 3; j++) {
            float[] part = c.store().readFloat("model.layers.1.attn.k_projs." + j + ".weight").toFloatArray();
            for (int i = 0; i < part.length; i++) {
                assertEquals(part[i], all[j * part.length + i], "step " + j + " element " + i);
            }
        }
        assertArrayEquals(new long[] {3 * 2, 32}, c.weight("model.layers.0.attn.b_proj.weight").shape());
        assertArrayEquals(new long[] {32, 1, 4}, c.weight("model.layers.0.attn.q_conv1d.weight").shape());
    }

    @Test
    void mergedLayoutRoundTripsAndTiedEmbeddingsServeAsOutput() throws IOException {
        String cfg = TinyConfigs.dp022(2).replace("\"use_gate\": false", "\"use_output_gate\": true, "
                + "\"use_forget_gate\": true");
        DeltaNetCheckpoint c = TinyConfigs.init(tmp.resolve("merged"), cfg, CheckpointLayout.FLA_MERGED);
        assertEquals(CheckpointLayout.FLA_MERGED, c.layout());
        assertTrue(c.config().useOutputGate());
        assertTrue(c.config().useForgetGate());
        assertFalse(c.store().contains("lm_head.weight"));
        assertArrayEquals(c.weight(WeightSchema.EMBEDDINGS).toFloatArray(), c.outputProjection().toFloatArray());
        float[] aLog = c.weight("model.layers.0.attn.A_log").toFloatArray();
        for (float a : aLog) {
            assertTrue(a < Math.log(16) + 1e-6, "A_log = log(U(0,16))");
        }
    }

    /**
     * A model trained with a forget gate whose config names it by the older key (use_decay_gate, as the DeltaProduct
     * repository's "_decay" configs) must not load silently without its gate.
     */
    @Test
    void forgetGateWeightsWithoutAForgetGateInTheConfigAreRejected() throws IOException {
        String gated = TinyConfigs.dp022(2).replace("\"use_gate\": false", "\"use_gate\": false, \"use_forget_gate\": true");
        Path dir = tmp.resolve("decay");
        TinyConfigs.init(dir, gated, CheckpointLayout.FLA_0_2_2_PER_STEP);
        java.nio.file.Files.writeString(dir.resolve("config.json"),
                gated.replace("\"use_forget_gate\": true", "\"use_decay_gate\": true"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> DeltaNetCheckpoint.open(dir));
        assertTrue(e.getMessage().contains(": tensor model.layers.0.attn.") && e.getMessage().contains(
                "is a forget-gate weight, but config.json has no forget gate"), e.getMessage());
    }

    @Test
    void bf16WeightsAreWidenedExactly() throws IOException {
        Path cfgDir = tmp.resolve("cfg");
        Path cfg = TinyConfigs.write(cfgDir, TinyConfigs.dp022(2));
        DeltaNetCheckpoint f32 = CheckpointInitializer.write(cfg, tmp.resolve("f32"), 3, CheckpointLayout.FLA_0_2_2_PER_STEP,
                CheckpointInitializer.StoredType.F32);
        DeltaNetCheckpoint bf16 = CheckpointInitializer.write(cfg, tmp.resolve("bf16"), 3, CheckpointLayout.FLA_0_2_2_PER_STEP,
                CheckpointInitializer.StoredType.BF16);
        assertEquals(DType.BF16, bf16.store().info(WeightSchema.EMBEDDINGS).dtype());
        float[] a = f32.weight(WeightSchema.EMBEDDINGS).toFloatArray();
        float[] b = bf16.weight(WeightSchema.EMBEDDINGS).toFloatArray();
        for (int i = 0; i < a.length; i++) {
            // the stored value is the nearer of the two bf16 neighbours of the fp32 value (ties to even)
            int bits = Float.floatToRawIntBits(a[i]);
            float down = Float.intBitsToFloat(bits & 0xFFFF0000);
            float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
            double dDown = Math.abs((double) a[i] - down);
            double dUp = Math.abs((double) a[i] - up);
            float nearest = dDown < dUp ? down : dUp < dDown ? up : (((bits >>> 16) & 1) == 0 ? down : up);
            assertEquals(nearest, b[i], "element " + i + " of " + a[i]);
        }
    }

    @Test
    void halfFloatConversionMatchesIeee() {
        assertEquals(1.0f, HalfFloat.toFloat((short) 0x3C00));
        assertEquals(-2.0f, HalfFloat.toFloat((short) 0xC000));
        assertEquals(65504f, HalfFloat.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloat.toFloat((short) 0x0001));
        assertEquals(0x1p-14f, HalfFloat.toFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.toFloat((short) 0x7C00));
        assertTrue(Float.isNaN(HalfFloat.toFloat((short) 0x7E00)));
        assertEquals(-0.0f, HalfFloat.toFloat((short) 0x8000));
        assertEquals(0.333251953125f, HalfFloat.toFloat((short) 0x3555));
    }

    @Test
    void shardedCheckpointReadsThroughTheIndex() throws IOException {
        DeltaNetCheckpoint single = TinyConfigs.init(tmp.resolve("one"), TinyConfigs.dp022(2), CheckpointLayout.FLA_0_2_2_PER_STEP);
        Path sharded = tmp.resolve("sharded");
        TestShards.split(single.dir(), sharded);
        DeltaNetCheckpoint c = DeltaNetCheckpoint.open(sharded);
        assertEquals(2, c.store().files().size());
        for (String name : List.of(WeightSchema.EMBEDDINGS, "model.layers.1.attn.v_proj.weight", WeightSchema.FINAL_NORM)) {
            assertArrayEquals(single.weight(name).toFloatArray(), c.weight(name).toFloatArray(), name);
        }
        assertEquals(single.parameterCount(), c.parameterCount());
    }

    @Test
    void contentHashChangesWithTheWeights() throws IOException {
        DeltaNetCheckpoint a = TinyConfigs.init(tmp.resolve("a"), TinyConfigs.dp022(2), CheckpointLayout.FLA_0_2_2_PER_STEP);
        Path cfg = TinyConfigs.write(tmp.resolve("bcfg"), TinyConfigs.dp022(2));
        DeltaNetCheckpoint b = CheckpointInitializer.write(cfg, tmp.resolve("b"), 8, CheckpointLayout.FLA_0_2_2_PER_STEP,
                CheckpointInitializer.StoredType.F32);
        assertEquals(64, a.contentHash().length());
        assertEquals(a.contentHash(), DeltaNetCheckpoint.open(a.dir()).contentHash());
        assertFalse(a.contentHash().equals(b.contentHash()));
    }

    @Test
    void aFla022ConfigWrittenInTheCurrentLayoutKeepsItsModel() throws IOException {
        // use_gate: false in 0.2.2's names; current fla reads use_output_gate (default true)
        DeltaNetCheckpoint c = TinyConfigs.init(tmp.resolve("current"), TinyConfigs.dp022(2), CheckpointLayout.FLA_MERGED);
        assertEquals(CheckpointLayout.FLA_MERGED, c.layout());
        assertFalse(c.config().useOutputGate(), "the written model gained an output gate");
        com.fasterxml.jackson.databind.JsonNode written = dev.deltaeval.checkpoints.JsonFiles.readObject(tmp.resolve("current/config.json"));
        assertFalse(written.get("use_output_gate").asBoolean());
        assertFalse(written.has("use_gate"));
        assertFalse(c.store().contains("model.layers.0.attn.g_proj.weight"));
        DeltaNetCheckpoint old = TinyConfigs.init(tmp.resolve("old"), TinyConfigs.dp022(2), CheckpointLayout.FLA_0_2_2_PER_STEP);
        assertEquals(old.parameterCount(), c.parameterCount());
    }
}
