package dev.deltaeval.checkpoints.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.DType;
import dev.deltaeval.checkpoints.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torch.save zip files (fixtures from src/test/python/make_torch_zips.py: torch's pickle opcodes and globals,
 * written without torch): tensors come out with their names, types, shapes and values; anything a state dict does
 * not need is refused before it could run.
 */
class TorchZipFileTest {
    private static final Path DIR = Path.of("src/test/resources/torch-zip");

    @TempDir
    Path tmp;

    private static float bf16(byte[] b, int i) {
        return Float.intBitsToFloat(((b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8) << 16);
    }

    @Test
    void aStateDictIsReadWithItsTypesShapesAndValues() throws IOException {
        Map<String, TorchZipFile.Tensor> t = TorchZipFile.read(DIR.resolve("good.bin"));
        assertEquals(List.of("model.embeddings.weight", "model.norm.weight", "lm_head.scale"), List.copyOf(t.keySet()),
                "the file's order, torch.compile's _orig_mod. prefix removed");
        TorchZipFile.Tensor emb = t.get("model.embeddings.weight");
        assertEquals(DType.BF16, emb.dtype());
        assertArrayEquals(new long[] {2, 3}, emb.shape());
        for (int i = 0; i < 6; i++) {
            assertEquals(0.5f * i, bf16(emb.data(), i));
        }
        TorchZipFile.Tensor norm = t.get("model.norm.weight");
        assertEquals(DType.F32, norm.dtype());
        java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(norm.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] got = new float[4];
        f.get(got);
        assertArrayEquals(new float[] {1.25f, -2.5f, 3.75f, 1e-3f}, got, "a view at offset 2 of its storage");
        TorchZipFile.Tensor scale = t.get("lm_head.scale");
        assertEquals(DType.F16, scale.dtype());
        assertEquals(0, scale.shape().length);
        assertArrayEquals(new byte[] {0x00, 0x3E}, scale.data(), "1.5 in fp16");
    }

    @Test
    void anyOtherGlobalIsRefusedAndNothingRuns() throws IOException {
        Path marker = Path.of("/tmp/deltaeval-pickle-ran");
        Files.deleteIfExists(marker);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchZipFile.read(DIR.resolve("evil.bin")));
        assertEquals(DIR.resolve("evil.bin") + " (archive/data.pkl): refused: the pickle uses the global posix.system, "
                + "which a state dict of tensors never needs (a pickle is code; nothing in it was run)", e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void layoutsTorchDoesNotWriteForAStateDictAreOneLine() {
        CheckpointException strided = assertThrows(CheckpointException.class,
                () -> TorchZipFile.read(DIR.resolve("transposed.bin")));
        assertEquals(DIR.resolve("transposed.bin") + ": tensor w: not contiguous (shape [3, 2], stride [1, 3]); save "
                + ".contiguous() tensors", strided.getMessage());
        CheckpointException big = assertThrows(CheckpointException.class,
                () -> TorchZipFile.read(DIR.resolve("bigendian.bin")));
        assertEquals(DIR.resolve("bigendian.bin") + ": byte order \"big\" (only little-endian files are read)",
                big.getMessage());
    }

    @Test
    void aFileThatIsNotAZipOrIsCutShortIsOneLine() throws IOException {
        Path junk = Files.writeString(tmp.resolve("pytorch_model.bin"), "not a zip");
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZipFile.read(junk));
        assertTrue(e.getMessage().startsWith(junk + ": not a torch.save zip file"), e.getMessage());
        byte[] good = Files.readAllBytes(DIR.resolve("good.bin"));
        Path cut = Files.write(tmp.resolve("cut.bin"), java.util.Arrays.copyOf(good, good.length / 2));
        CheckpointException c = assertThrows(CheckpointException.class, () -> TorchZipFile.read(cut));
        assertTrue(c.getMessage().startsWith(cut.toString()), c.getMessage());
    }

    @Test
    void importWritesTheSameTensorsAsSafetensorsAndCopiesTheConfig() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("run"));
        Files.copy(DIR.resolve("good.bin"), src.resolve("pytorch_model.bin"));
        Files.writeString(src.resolve("config.json"), "{\"model_type\": \"gated_deltaproduct\"}");
        Path out = tmp.resolve("imported");
        Path st = TorchImport.run(src, out);
        assertEquals(out.resolve("model.safetensors"), st);
        assertEquals("{\"model_type\": \"gated_deltaproduct\"}", Files.readString(out.resolve("config.json")));
        SafetensorsFile f = SafetensorsFile.open(st);
        Map<String, TorchZipFile.Tensor> expected = TorchZipFile.read(src.resolve("pytorch_model.bin"));
        assertEquals(expected.keySet(), f.tensors().keySet());
        for (Map.Entry<String, TorchZipFile.Tensor> e : expected.entrySet()) {
            assertEquals(e.getValue().dtype(), f.info(e.getKey()).dtype());
            assertArrayEquals(e.getValue().shape(), f.info(e.getKey()).shape());
            java.nio.ByteBuffer mapped = f.map(e.getKey());
            byte[] bytes = new byte[mapped.remaining()];
            mapped.get(bytes);
            assertArrayEquals(e.getValue().data(), bytes, e.getKey());
        }
        assertEquals(out.resolve("model.safetensors") + " exists already; import into an empty folder",
                assertThrows(CheckpointException.class, () -> TorchImport.run(src, out)).getMessage());
    }
}
