package dev.deltaeval.deltanet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.TestShards;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad checkpoint gives one line naming the file, tensor or field and what was expected. */
class BadInputTest {
    @TempDir
    Path tmp;
    Path good;

    @BeforeEach
    void writeGoodCheckpoint() throws IOException {
        good = TinyConfigs.init(tmp.resolve("good"), TinyConfigs.dp022(2), CheckpointLayout.FLA_0_2_2_PER_STEP).dir();
    }

    private static String error(Path dir) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> DeltaNetCheckpoint.open(dir));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private Path copyOfGood(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(good.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    private Path withConfig(String name, String json) throws IOException {
        Path dir = copyOfGood(name);
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    @Test
    void missingDirectory() throws IOException {
        assertEquals(tmp.resolve("nope") + ": checkpoint directory not found", error(tmp.resolve("nope")));
        Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        assertEquals(file + ": is a file; expected a checkpoint directory (config.json, model.safetensors, "
                + "tokenizer.json)", error(file));
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = copyOfGood("noconfig");
        Files.delete(dir.resolve("config.json"));
        assertEquals(dir.resolve("config.json") + ": file not found (every checkpoint needs its config.json)", error(dir));
    }

    @Test
    void configThatIsNotJson() throws IOException {
        Path dir = withConfig("badjson", "{\"model_type\": ");
        assertTrue(error(dir).startsWith(dir.resolve("config.json") + ": not valid JSON ("));
    }

    @Test
    void missingWeights() throws IOException {
        Path dir = copyOfGood("noweights");
        Files.delete(dir.resolve("model.safetensors"));
        assertEquals(dir + ": no weights found (expected model.safetensors or model.safetensors.index.json)", error(dir));
        Files.writeString(dir.resolve("pytorch_model.bin"), "pickle");
        assertTrue(error(dir).contains("found pytorch_model.bin: run `deltaeval checkpoints import-torch " + dir
                + "` to write model.safetensors from it"), error(dir));
        Files.delete(dir.resolve("pytorch_model.bin"));
        Files.createSymbolicLink(dir.resolve("model.safetensors"), Path.of("/dev/zero"));
        assertEquals(dir.resolve("model.safetensors") + ": not a regular file (expected the checkpoint's weights)",
                error(dir));
        Files.delete(dir.resolve("model.safetensors")); // the link, before JUnit's clean-up warns about it
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path dir = copyOfGood("truncated");
        Path f = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 100));
        String msg = error(dir);
        assertTrue(msg.startsWith(f + ": tensor "), msg);
        assertTrue(msg.contains(": file is truncated (tensor data ends at byte " + all.length + ", file has "
                + (all.length - 100) + " bytes)"), msg);
        Files.write(f, new byte[] {1, 2, 3});
        assertEquals(f + ": truncated safetensors file (3 bytes; expected at least an 8-byte header length)", error(dir));
    }

    @Test
    void corruptHeader() throws IOException {
        Path dir = copyOfGood("corrupt");
        Path f = dir.resolve("model.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(16).put("{not json at all".getBytes(StandardCharsets.US_ASCII));
        Files.write(f, b.array());
        assertTrue(error(dir).startsWith(f + ": corrupt safetensors header (not valid JSON"), error(dir));
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Files.write(f, huge.array());
        assertEquals(f + ": corrupt or truncated safetensors header (declared header length 1099511627776 bytes, "
                + "file has 16 bytes)", error(dir));
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path dir = copyOfGood("f64");
        Path f = dir.resolve("model.safetensors");
        String header = "{\"model.embeddings.weight\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).putDouble(1.0);
        Files.write(f, b.array());
        assertEquals(f + ": tensor model.embeddings.weight: unsupported dtype F64 (expected one of F32, F16, BF16 for "
                + "weights, I64/I32 for ids)", error(dir));
    }

    @Test
    void unknownModelType() throws IOException {
        Path dir = withConfig("mamba", TinyConfigs.dp022(2).replace("gated_deltaproduct", "mamba2"));
        assertEquals(dir.resolve("config.json") + ": unknown model_type \"mamba2\" (expected one of gated_deltaproduct, "
                + "delta_net, gated_deltanet)", error(dir));
        Path none = withConfig("notype", "{\"hidden_size\": 32}");
        assertTrue(error(none).contains("field model_type is missing"), error(none));
    }

    @Test
    void shapeMismatch() throws IOException {
        Path dir = withConfig("shape", TinyConfigs.dp022(2).replace("\"hidden_size\": 32", "\"hidden_size\": 48"));
        assertEquals(dir.resolve("model.safetensors") + ": tensor model.embeddings.weight has shape [64, 32], expected "
                + "[64, 48] from config.json", error(dir));
    }

    @Test
    void anAbsentShapeFieldNamesTheDefaultThatWasUsed() throws IOException {
        Path dir = withConfig("nohidden", TinyConfigs.dp022(2).replace("\"hidden_size\": 32, ", ""));
        assertEquals(dir.resolve("model.safetensors") + ": tensor model.embeddings.weight has shape [64, 32], expected "
                + "[64, 2048] from config.json (config.json lacks hidden_size; fla's defaults were used: hidden_size "
                + "2048)", error(dir));
    }

    @Test
    void missingTensorBecauseConfigAsksForMoreSteps() throws IOException {
        Path dir = withConfig("steps", TinyConfigs.dp022(3));
        assertEquals(dir + ": tensor model.layers.0.attn.k_projs.2.weight is missing (expected [32, 32] for "
                + "gated_deltaproduct in layout fla-0.2.2)", error(dir));
    }

    @Test
    void fieldOfTheWrongType() throws IOException {
        Path dir = withConfig("type", TinyConfigs.dp022(2).replace("\"num_heads\": 2", "\"num_heads\": \"two\""));
        assertEquals(dir.resolve("config.json") + ": field num_heads must be an integer, got \"two\"", error(dir));
    }

    @Test
    void hybridAttentionIsRefused() throws IOException {
        Path dir = withConfig("hybrid", TinyConfigs.dp022(2).replace("{", "{\"attn\": {\"layers\": [1]}, "));
        assertTrue(error(dir).contains("field attn is set (hybrid softmax-attention layers are not supported"));
    }

    @Test
    void shardNamesMustStayInsideTheCheckpointFolder() throws IOException {
        Path dir = tmp.resolve("inner").resolve("sharded");
        TestShards.split(good, dir);
        // a shard that exists, but outside the folder: never loaded
        Files.move(dir.resolve("model-00002-of-00002.safetensors"), tmp.resolve("inner").resolve("outside.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("model-00002-of-00002.safetensors",
                "../outside.safetensors"));
        assertEquals(index + ": shard \"../outside.safetensors\" in weight_map is not a plain file name in the "
                + "checkpoint folder (expected e.g. model-00001-of-00002.safetensors)", error(dir));
    }

    @Test
    void missingShard() throws IOException {
        Path dir = tmp.resolve("sharded");
        TestShards.split(good, dir);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertEquals(dir.resolve("model.safetensors.index.json") + ": shard model-00002-of-00002.safetensors listed in "
                + "weight_map is missing", error(dir));
    }

    /** The config's layer count against the weights: an absurd one fails at once, a smaller one drops no layer. */
    @Test
    void layerCountMustMatchTheWeights() throws IOException {
        String twoLayers = TinyConfigs.dp022(2);
        Path huge = withConfig("huge", twoLayers.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1000000000"));
        assertEquals(huge.resolve("config.json") + ": num_hidden_layers is 1000000000, but the weights hold 2 layers "
                + "(model.layers.0 to 1)", error(huge));
        Path fewer = withConfig("fewer", twoLayers.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"));
        assertEquals(fewer.resolve("config.json") + ": num_hidden_layers is 1, but the weights hold 2 layers "
                + "(model.layers.0 to 1)", error(fewer));
    }

    /** Trained short-convolution weights are not ignored because the config says there are none. */
    @Test
    void convolutionWeightsWithUseShortConvFalse() throws IOException {
        Path dir = withConfig("noconv", TinyConfigs.dp022(2).replace("{", "{\"use_short_conv\": false, "));
        String e = error(dir);
        assertTrue(e.startsWith(dir + ": tensor ") && e.endsWith(" is a short-convolution weight, but config.json "
                + "has use_short_conv false: set it to true if the model was trained with one"), e);
    }

    @Test
    void anIntegerTooLargeIsNamedAsSuch() throws IOException {
        Path dir = withConfig("huge-int", TinyConfigs.dp022(2).replace("{", "{\"max_position_embeddings\": "
                + "1000000000000, "));
        assertEquals(dir.resolve("config.json") + ": field max_position_embeddings is 1000000000000, too large (at "
                + "most 2147483647)", error(dir));
    }

    @Test
    void aNegativeNormEpsilonIsNamed() throws IOException {
        Path dir = withConfig("neg-eps", TinyConfigs.dp022(2).replace("{", "{\"norm_eps\": -1, "));
        assertEquals(dir.resolve("config.json") + ": field norm_eps is -1; expected a small positive number (fla's "
                + "default is 1e-6)", error(dir));
    }
}
