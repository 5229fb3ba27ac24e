package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that would replace one result or checkpoint with another refuse before writing anything. */
class NoLostResultsTest {
    @TempDir
    Path tmp;

    private Path copyOfDemo(Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
            Files.copy(CliTest.DEMO.resolve(f), to.resolve(f));
        }
        return to;
    }

    @Test
    void twoCheckpointsOfOneNameWouldShareAResultFile() throws IOException {
        Path a = copyOfDemo(tmp.resolve("runs/DN/checkpoint-100"));
        Path b = copyOfDemo(tmp.resolve("runs/DP2/checkpoint-100"));
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.run("extrapolate", a.toString(), b.toString(), "--out", out.toString(), "--max-len",
                "64", "--num-sequences", "1", "--device", "cpu");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("deltaeval: error: checkpoints " + a + " and " + b + " are both named "
                + "checkpoint-100, so their results would share one file"), r.err());
        assertTrue(!Files.exists(out) || Files.list(out).findAny().isEmpty(), "nothing written");
    }

    @Test
    void initDoesNotWriteOverAFolderWithFilesInIt() throws IOException {
        Path trained = copyOfDemo(tmp.resolve("trained"));
        byte[] weights = Files.readAllBytes(trained.resolve("model.safetensors"));
        CliTest.Run r = CliTest.run("init", "--config", "delta_product_340m_-1_1_2_4k_8h", "--out", trained.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("deltaeval: error: " + trained + ": not empty; init writes a new checkpoint into a new or empty "
                + "folder\n", r.err());
        assertArrayEquals(weights, Files.readAllBytes(trained.resolve("model.safetensors")));
    }
}
