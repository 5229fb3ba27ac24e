package dev.deltaeval.checkpoints.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local server that imitates the Hub. */
class HubDownloaderTest {
    static final Path DEMO = Path.of("../checkpoints/demo-dp2-6m");

    @TempDir
    Path tmp;
    FakeHub hub;
    HubCache cache;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        hub.modelFromDir("fla-hub/demo-dp2-6m", DEMO);
        hub.model("fla-hub/private").file("config.json", "{}".getBytes(), false).privateRepo();
        cache = new HubCache(tmp.resolve("cache"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubDownloader downloader(String token) {
        return new HubDownloader(new HubClient(hub.endpoint(), token), cache);
    }

    static List<Path> looksComplete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList();
        }
    }

    @Test
    void fullDownloadGivesTheSameCheckpoint() throws IOException {
        HubDownloader.Result r = downloader(null).fetch(HubRepo.parse("hf:fla-hub/demo-dp2-6m"),
                HubDownloader.MODEL_FILES, false, null);
        long total = 0;
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(DEMO.resolve(f)), Files.readAllBytes(r.snapshot().resolve(f)), f);
            total += Files.size(DEMO.resolve(f));
        }
        assertTrue(r.downloaded() >= total);
        assertFalse(Files.exists(r.snapshot().resolve("README.md")), "only the files a checkpoint needs");
        // huggingface_hub's layout: refs/main holds the commit, snapshots link to blobs
        assertEquals(r.commit(), Files.readString(cache.repoDir(HubRepo.parse("hf:fla-hub/demo-dp2-6m"))
                .resolve("refs/main")));
        assertTrue(Files.isSymbolicLink(r.snapshot().resolve("model.safetensors")));
        // a second fetch downloads nothing
        assertEquals(0, downloader(null).fetch(HubRepo.parse("hf:fla-hub/demo-dp2-6m"), HubDownloader.MODEL_FILES,
                false, null).downloaded());
    }

    @Test
    void anInterruptedDownloadResumesWithOnlyTheMissingBytes() throws IOException {
        long size = Files.size(DEMO.resolve("model.safetensors"));
        hub.cutAfter("model.safetensors", 3_000_000);
        HubRepo repo = HubRepo.parse("hf:fla-hub/demo-dp2-6m");
        HubException e = assertThrows(HubException.class,
                () -> downloader(null).fetch(repo, HubDownloader.MODEL_FILES, false, null));
        assertTrue(e.getMessage().startsWith("hf:fla-hub/demo-dp2-6m: download of model.safetensors"), e.getMessage());
        assertTrue(e.getMessage().endsWith("run the command again to resume"), e.getMessage());
        assertEquals(List.of(), looksComplete(tmp.resolve("cache")), "nothing that looks complete");
        Path part;
        try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
            part = s.filter(p -> p.toString().endsWith(".incomplete")).findFirst().orElseThrow();
        }
        long kept = Files.size(part); // what reached the client before the cut (socket buffers may lose a little)
        assertTrue(kept > 2_000_000 && kept <= 3_000_000, "kept " + kept);
        long servedBefore = hub.served("model.safetensors");

        HubDownloader.Result r = downloader(null).fetch(repo, HubDownloader.MODEL_FILES, false, null);
        assertEquals(List.of("model.safetensors=bytes=" + kept + "-"), hub.ranges(), "resumed where the file ended");
        assertEquals(size - kept, hub.served("model.safetensors") - servedBefore, "only the missing bytes");
        assertArrayEquals(Files.readAllBytes(DEMO.resolve("model.safetensors")),
                Files.readAllBytes(r.snapshot().resolve("model.safetensors")));
    }

    @Test
    void aHashMismatchIsAClearErrorAndLeavesNothingBehind() throws IOException {
        hub.corrupt("model.safetensors");
        HubException e = assertThrows(HubException.class, () -> downloader(null).fetch(
                HubRepo.parse("hf:fla-hub/demo-dp2-6m"), HubDownloader.MODEL_FILES, false, null));
        assertTrue(e.getMessage().startsWith("hf:fla-hub/demo-dp2-6m: model.safetensors failed verification (sha256 "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("the download was removed"));
        try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
            assertEquals(List.of(), s.filter(p -> p.toString().contains("safetensors")
                    || Files.isRegularFile(p) && Files.isRegularFile(p) && p.getParent().getFileName().toString()
                    .equals("blobs") && p.toString().endsWith(".incomplete") && p.toString().contains("model"))
                    .toList());
        }
    }

    @Test
    void theTokenGoesOnlyToTheHubNotToTheHostARedirectNames() throws IOException {
        try (FakeHub cdn = new FakeHub()) {
            hub.model("fla-hub/gated").file("config.json", "{\"a\": 1}".getBytes(), false).privateRepo();
            cdn.model("fla-hub/gated").file("config.json", "{\"a\": 1}".getBytes(), false);
            hub.redirectFilesTo(cdn);
            HubDownloader.Result r = downloader("secret").fetch(HubRepo.parse("hf:fla-hub/gated"),
                    f -> f.equals("config.json"), false, null);
            assertEquals("{\"a\": 1}", Files.readString(r.snapshot().resolve("config.json")));
            assertTrue(hub.authorizations().stream().allMatch("Bearer secret"::equals), hub.authorizations().toString());
            assertFalse(cdn.authorizations().isEmpty(), "the download went to the redirect's host");
            assertTrue(cdn.authorizations().stream().allMatch("none"::equals), cdn.authorizations().toString());
        }
    }

    @Test
    void namesFromTheServerNeverBecomePathsOutsideTheCache() throws IOException {
        List<Path> before = listing(tmp);
        hub.model("evil/commit").file("config.json", "{}".getBytes(), false).announceCommit("../../../../tmp/x");
        HubException c = assertThrows(HubException.class, () -> downloader(null).fetch(HubRepo.parse("hf:evil/commit"),
                f -> true, false, null));
        assertEquals("hf:evil/commit: the Hub returned \"../../../../tmp/x\" as commit (expected 40 hex digits)",
                c.getMessage());
        hub.model("evil/blob").file("config.json", "{}".getBytes(), false).hostileLfsFile("model.safetensors",
                "../../../../outside");
        HubException b = assertThrows(HubException.class, () -> downloader(null).fetch(HubRepo.parse("hf:evil/blob"),
                f -> true, false, null));
        assertEquals("hf:evil/blob: model.safetensors: the Hub returned \"../../../../outside\" as LFS sha256 "
                + "(expected 64 hex digits)", b.getMessage());
        hub.model("evil/path").file("../escape.json", "{}".getBytes(), false);
        HubException p = assertThrows(HubException.class, () -> downloader(null).fetch(HubRepo.parse("hf:evil/path"),
                f -> true, false, null));
        assertTrue(p.getMessage().contains("a file named \"../escape.json\", which is not a relative path"),
                p.getMessage());
        List<Path> after = listing(tmp);
        after.removeIf(x -> x.startsWith(tmp.resolve("cache")));
        before.removeIf(x -> x.startsWith(tmp.resolve("cache")));
        assertEquals(before, after, "nothing may be written outside the cache");
    }

    private static List<Path> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return new java.util.ArrayList<>(s.sorted().toList());
        }
    }

    @Test
    void notFoundAndUnauthorizedNameTheRepository() {
        HubException missing = assertThrows(HubException.class, () -> downloader(null).fetch(
                HubRepo.parse("hf:fla-hub/nope"), HubDownloader.MODEL_FILES, false, null));
        assertEquals("hf:fla-hub/nope: repository or revision not found on " + hub.endpoint() + " (HTTP 404)",
                missing.getMessage());
        HubException denied = assertThrows(HubException.class, () -> downloader(null).fetch(
                HubRepo.parse("hf:fla-hub/private"), HubDownloader.MODEL_FILES, false, null));
        assertEquals("hf:fla-hub/private: access denied to repository or revision (HTTP 401); set HF_TOKEN to a token"
                + " that can read it", denied.getMessage());
        assertEquals(1, downloader("secret").fetch(HubRepo.parse("hf:fla-hub/private"), HubDownloader.MODEL_FILES,
                false, null).files().size());
    }

    @Test
    void offlineUsesTheCacheOrSaysItIsMissing() {
        HubRepo repo = HubRepo.parse("hf:fla-hub/demo-dp2-6m");
        HubException e = assertThrows(HubException.class, () -> downloader(null).fetch(repo,
                HubDownloader.MODEL_FILES, true, null));
        assertTrue(e.getMessage().startsWith("hf:fla-hub/demo-dp2-6m: not in the cache "), e.getMessage());
        HubDownloader.Result online = downloader(null).fetch(repo, HubDownloader.MODEL_FILES, false, null);
        hub.close();
        HubDownloader.Result offline = downloader(null).fetch(repo, HubDownloader.MODEL_FILES, true, null);
        assertEquals(online.snapshot(), offline.snapshot());
        assertEquals(0, offline.downloaded());
    }

    @Test
    void references() {
        assertEquals(new HubRepo(HubRepo.Kind.MODEL, "fla-hub/dp", "v1"), HubRepo.parse("hf:fla-hub/dp@v1"));
        assertEquals(new HubRepo(HubRepo.Kind.DATASET, "allenai/ai2_arc", "main"),
                HubRepo.parse("hf:datasets/allenai/ai2_arc"));
        assertEquals("datasets--allenai--ai2_arc", HubRepo.parse("hf:datasets/allenai/ai2_arc").cacheFolder());
        assertThrows(HubException.class, () -> HubRepo.parse("hf:justaname"));
        assertEquals("refs/pr/1", HubRepo.parse("hf:fla-hub/dp@refs/pr/1").revision());
    }

    /** A revision is a folder name under refs/: one that climbs out of the cache is refused before any I/O. */
    @Test
    void revisionsCannotLeaveTheCache() throws IOException {
        java.nio.file.Files.writeString(tmp.resolve("secret"), "do not print");
        for (String ref : new String[] {"hf:t/good@../../../../tmp/x", "hf:t/good@main/../../x", "hf:t/good@..",
            "hf:t/good@/etc/hostname", "hf:t/good@a//b", "hf:t/good@v1 x"}) {
            HubException e = assertThrows(HubException.class, () -> HubRepo.parse(ref), ref);
            assertTrue(e.getMessage().startsWith("revision \"") && e.getMessage().contains("is not a branch, tag or "
                    + "commit name"), e.getMessage());
        }
        String escape = "../".repeat(12) + tmp.resolve("secret").toString().substring(1);
        assertThrows(HubException.class, () -> downloader(null).fetch(new HubRepo(HubRepo.Kind.MODEL, "t/good",
                escape), HubDownloader.MODEL_FILES, true, null));
        assertThrows(HubException.class, () -> HubRepo.parse("hf:t/good").at("../../x"));
    }

    /** Secrets stay out of messages: the endpoint's user and password, and a token the JDK refuses as a header. */
    @Test
    void secretsAreNeverPrinted() {
        HubClient withPassword = new HubClient("http://alice:hunter2@127.0.0.1:9", "hf_token_abc");
        HubException unreachable = assertThrows(HubException.class, () -> new HubDownloader(withPassword, cache)
                .fetch(HubRepo.parse("hf:fla-hub/demo-dp2-6m"), HubDownloader.MODEL_FILES, false, null));
        assertTrue(unreachable.getMessage().contains("cannot reach http://***@127.0.0.1:9/"), unreachable.getMessage());
        assertFalse(unreachable.getMessage().endsWith("()"), "a reason, not empty brackets: " + unreachable.getMessage());
        assertFalse(unreachable.getMessage().contains("hunter2") || unreachable.getMessage().contains("alice"),
                unreachable.getMessage());
        // a pasted token with its line end is used without it; one with a space inside is refused, unprinted
        HubDownloader.Result r = new HubDownloader(new HubClient(hub.endpoint(), "hf_token_abc\r\n"), cache)
                .fetch(HubRepo.parse("hf:fla-hub/demo-dp2-6m"), HubDownloader.MODEL_FILES, false, null);
        assertTrue(Files.exists(r.snapshot().resolve("config.json")));
        HubException bad = assertThrows(HubException.class, () -> new HubClient(hub.endpoint(), "hf_tok en"));
        assertFalse(bad.getMessage().contains("hf_tok"), bad.getMessage());
    }

    /** A malformed HF_ENDPOINT is named as such (it was a bare URI syntax error), credentials hidden. */
    @Test
    void aMalformedEndpointIsNamed() {
        HubException e = assertThrows(HubException.class, () -> HubClient.checkEndpoint("ht!tp://bob:pw@bad host"));
        assertEquals("HF_ENDPOINT \"ht!tp://***@bad host\" is not an http(s) URL with a host (e.g. "
                + "https://huggingface.co)", e.getMessage());
        assertThrows(HubException.class, () -> HubClient.checkEndpoint("huggingface.co"));
        HubClient.checkEndpoint("http://127.0.0.1:8080/mirror");
    }

    /** A server that accepts and never answers costs a few short tries, each said, then one line: never a hang. */
    @Test
    void aSilentServerIsGivenUpOn() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            System.setProperty("HF_HUB_DOWNLOAD_TIMEOUT", "0.3");
            try {
                String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
                long t0 = System.nanoTime();
                HubException e = assertThrows(HubException.class, () -> new HubDownloader(new HubClient(endpoint, null),
                        cache).fetch(HubRepo.parse("hf:fla-hub/demo-dp2-6m"), HubDownloader.MODEL_FILES, false, null));
                assertTrue(e.getMessage().contains("no answer from " + endpoint + " in 0.3 s, 3 tries "
                        + "(HF_HUB_DOWNLOAD_TIMEOUT sets the wait)"), e.getMessage());
                assertTrue((System.nanoTime() - t0) / 1e9 < 20, "gave up in seconds");
            } finally {
                System.clearProperty("HF_HUB_DOWNLOAD_TIMEOUT");
                synchronized (held) {
                    for (java.net.Socket s : held) {
                        s.close();
                    }
                }
            }
        }
    }
}
