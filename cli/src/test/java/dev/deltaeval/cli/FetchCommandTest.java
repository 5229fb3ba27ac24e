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
}
