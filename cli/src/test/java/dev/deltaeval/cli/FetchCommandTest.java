package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.checkpoints.hub.FakeHub;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hf: checkpoints through the CLI against a local imitation of the Hub; the download scores like the original. */
class FetchCommandTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("HF_ENDPOINT");
        System.clearProperty("HF_HUB_CACHE");
        System.clearProperty("HF_HUB_OFFLINE");
    }

    private JsonNode score(String checkpoint, String name) throws IOException {
        Path json = tmp.resolve(name + ".json");
        CliTest.Run r = CliTest.run("score", checkpoint, "--text", "The Python interpreter reads a script and runs "
                + "it line by line.", "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void aFetchedCheckpointScoresIdenticallyAndWorksOffline() throws IOException {
        try (FakeHub hub = new FakeHub()) {
            hub.modelFromDir("fla-hub/demo-dp2-6m", CliTest.DEMO);
            System.setProperty("HF_ENDPOINT", hub.endpoint());
            System.setProperty("HF_HUB_CACHE", tmp.resolve("cache").toString());

            CliTest.Run fetch = CliTest.run("fetch", "hf:fla-hub/demo-dp2-6m");
            assertEquals(0, fetch.exit(), fetch.err());
            assertTrue(fetch.out().strip().startsWith(tmp.resolve("cache/models--fla-hub--demo-dp2-6m/snapshots/")
                    .toString()), fetch.out());

            // checkpoints verify re-hashes every file of the snapshot against its blob name
            Path snapshot = Path.of(fetch.out().strip());
            CliTest.Run verify = CliTest.run("checkpoints", "verify", snapshot.toString());
            assertEquals(0, verify.exit(), verify.err());
            assertTrue(verify.out().contains("1 files hash-verified"), verify.out());

            JsonNode original = score(CliTest.DEMO.toString(), "original");
            JsonNode fetched = score("hf:fla-hub/demo-dp2-6m", "fetched");
            assertEquals(original.get("total_nll").asDouble(), fetched.get("total_nll").asDouble(), 0.0);
            assertEquals(original.get("per_token"), fetched.get("per_token"));
        }
        // the server is gone: offline, the cache serves; an unknown repository is a clear error
        System.setProperty("HF_HUB_OFFLINE", "1");
        JsonNode offline = score("hf:fla-hub/demo-dp2-6m", "offline");
        assertTrue(offline.get("total_nll").asDouble() > 0);
        CliTest.Run missing = CliTest.run("inspect", "hf:fla-hub/other");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("deltaeval: error: hf:fla-hub/other: not in the cache "), missing.err());
    }

    @Test
    void checkpointsListFindsTheReleaseLayoutAndShowExplainsNames() throws IOException {
        Path run = tmp.resolve("runs/DP2_-1_1_4k_8h/checkpoint-66758");
        java.nio.file.Files.createDirectories(run);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            java.nio.file.Files.copy(CliTest.DEMO.resolve(f), run.resolve(f));
        }
        java.nio.file.Files.createDirectories(tmp.resolve("runs/broken/checkpoint-1"));
        java.nio.file.Files.writeString(tmp.resolve("runs/broken/checkpoint-1/config.json"), "{\"model_type\": \"x\"}");
        CliTest.Run list = CliTest.run("checkpoints", "list", tmp.resolve("runs").toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("DP2_-1_1_4k_8h/checkpoint-66758") && list.out().contains("5.9M")
                && list.out().contains("n_h=2 eig=[-1,1] max_pos=2048"), list.out());
        assertTrue(list.out().contains("broken/checkpoint-1") && list.out().contains("invalid: "), list.out());

        CliTest.Run show = CliTest.run("checkpoints", "show", "DP3_-1_1_4k");
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().startsWith("DP3_-1_1_4k: DeltaProduct with n_h = 3 Householder steps per token, "
                + "eigenvalues in [-1, 1], trained on 4096-token sequences"), show.out());
        CliTest.Run unknown = CliTest.run("checkpoints", "show", "DP9");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().startsWith("deltaeval: error: unknown checkpoint name DP9 (known: DN_-1_1_2k"));
    }
}
