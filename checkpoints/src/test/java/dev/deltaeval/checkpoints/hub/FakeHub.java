package dev.deltaeval.checkpoints.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local HTTP server that imitates the Hugging Face Hub's endpoints (revision, tree, resolve with Range) for a
 * few repositories, with faults on demand: cut a transfer after N bytes, serve corrupt bytes, require a token.
 */
public final class FakeHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A repository: id like "org/name", whether it is a dataset, its files, and whether it needs a token. */
    public static final class Repo {
        final String id;
        final boolean dataset;
        final String commit;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final java.util.Set<String> lfs = new java.util.HashSet<>();
        final Map<String, String> hostileLfs = new LinkedHashMap<>();
        boolean privateRepo;
        String announcedCommit;

        Repo(String id, boolean dataset, String commit) {
            this.id = id;
            this.dataset = dataset;
            this.commit = commit;
        }

        public Repo file(String path, byte[] content, boolean largeFile) {
            files.put(path, content);
            if (largeFile) {
                lfs.add(path);
            }
            return this;
        }

        public Repo privateRepo() {
            privateRepo = true;
            return this;
        }

        /** The revision API answers with this instead of the real commit (a hostile or broken server). */
        public Repo announceCommit(String sha) {
            announcedCommit = sha;
            return this;
        }

        /** The tree lists a file with this LFS oid (a hostile or broken server). */
        public Repo hostileLfsFile(String path, String oid) {
            hostileLfs.put(path, oid);
            return this;
        }

        public String commit() {
            return commit;
        }
    }

    private final HttpServer server;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    private final Map<String, Long> cutAfter = new ConcurrentHashMap<>();
    private final java.util.Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private final List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String redirectFilesTo;

    public FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Repo model(String id) {
        Repo r = new Repo(id, false, sha1(id + "@model"));
        repos.put("models/" + id, r);
        return r;
    }

    public Repo dataset(String id) {
        Repo r = new Repo(id, true, sha1(id + "@dataset"));
        repos.put("datasets/" + id, r);
        return r;
    }

    /** Copies every regular file of a folder into a model repository (safetensors as LFS files). */
    public Repo modelFromDir(String id, Path dir) throws IOException {
        Repo r = model(id);
        try (var s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                r.file(p.getFileName().toString(), Files.readAllBytes(p), p.toString().endsWith(".safetensors"));
            }
        }
        return r;
    }

    /** The next transfer of this file stops after {@code bytes} bytes (once). */
    public void cutAfter(String path, long bytes) {
        cutAfter.put(path, bytes);
    }

    public void corrupt(String path) {
        corrupt.add(path);
    }

    /** Bytes of this file's content sent so far, over all requests. */
    public long served(String path) {
        return served.computeIfAbsent(path, k -> new AtomicLong()).get();
    }

    /** The Range headers received, as "path=bytes=N-". */
    public List<String> ranges() {
        return ranges;
    }

    /** Every request's Authorization header ("none" when absent), in order. */
    public List<String> authorizations() {
        return authorizations;
    }

    /** Answers file downloads with a 302 to the same path on {@code other} (the Hub's CDN redirect). */
    public void redirectFilesTo(FakeHub other) {
        redirectFilesTo = other.endpoint();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "none" : auth);
            String path = java.net.URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            if (redirectFilesTo != null && !path.startsWith("/api/")) {
                ex.getResponseHeaders().add("Location", redirectFilesTo + ex.getRequestURI().getRawPath());
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (path.startsWith("/api/")) {
                api(ex, path.substring(5));
            } else {
                resolve(ex, path.substring(1));
            }
        }
    }

    private void api(HttpExchange ex, String path) throws IOException {
        // {models|datasets}/org/name/{revision|tree}/REV
        String[] p = path.split("/");
        if (p.length < 5) {
            send(ex, 404, "{}");
            return;
        }
        Repo r = repos.get(p[0] + "/" + p[1] + "/" + p[2]);
        if (r == null) {
            send(ex, 404, "{\"error\":\"Repository not found\"}");
            return;
        }
        if (!authorized(ex, r)) {
            return;
        }
        if (p[3].equals("revision")) {
            send(ex, 200, JSON.createObjectNode().put("id", r.id)
                    .put("sha", r.announcedCommit != null ? r.announcedCommit : r.commit).toString());
        } else if (p[3].equals("tree")) {
            ArrayNode a = JSON.createArrayNode();
            for (Map.Entry<String, byte[]> f : r.files.entrySet()) {
                var e = a.addObject().put("type", "file").put("path", f.getKey()).put("size", f.getValue().length)
                        .put("oid", gitOid(f.getValue()));
                if (r.lfs.contains(f.getKey())) {
                    e.putObject("lfs").put("oid", sha256(f.getValue())).put("size", f.getValue().length);
                }
            }
            r.hostileLfs.forEach((path1, oid) -> a.addObject().put("type", "file").put("path", path1).put("size", 1)
                    .put("oid", "0".repeat(40)).putObject("lfs").put("oid", oid).put("size", 1));
            send(ex, 200, a.toString());
        } else {
            send(ex, 404, "{}");
        }
    }

    private void resolve(HttpExchange ex, String path) throws IOException {
        boolean dataset = path.startsWith("datasets/");
        String rest = dataset ? path.substring(9) : path;
        String[] p = rest.split("/", 5); // org, name, "resolve", commit, file
        Repo r = p.length == 5 ? repos.get((dataset ? "datasets/" : "models/") + p[0] + "/" + p[1]) : null;
        if (r == null || !p[2].equals("resolve")) {
            send(ex, 404, "Repository not found");
            return;
        }
        if (!authorized(ex, r)) {
            return;
        }
        byte[] content = r.files.get(p[4]);
        if (content == null || !p[3].equals(r.commit)) {
            send(ex, 404, "Entry not found");
            return;
        }
        if (corrupt.contains(p[4])) {
            content = content.clone();
            content[content.length / 2] ^= 0x5a;
        }
        long from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
            ranges.add(p[4] + "=" + range);
            from = Long.parseLong(range.replace("bytes=", "").replace("-", ""));
            if (from >= content.length) {
                ex.sendResponseHeaders(416, -1);
                return;
            }
        }
        long len = content.length - from;
        ex.getResponseHeaders().add("ETag", "\"" + (r.lfs.contains(p[4]) ? sha256(content) : gitOid(content)) + "\"");
        ex.sendResponseHeaders(range != null ? 206 : 200, len);
        Long cut = cutAfter.remove(p[4]);
        long send = cut != null ? Math.min(cut, len) : len;
        OutputStream out = ex.getResponseBody();
        out.write(content, (int) from, (int) send);
        out.flush();
        served.computeIfAbsent(p[4], k -> new AtomicLong()).addAndGet(send);
        if (cut != null) {
            throw new IOException("cut on purpose"); // the server drops the connection mid-file
        }
    }

    private boolean authorized(HttpExchange ex, Repo r) throws IOException {
        if (r.privateRepo && !"Bearer secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"Invalid credentials\"}");
            return false;
        }
        return true;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    static String sha256(byte[] b) {
        return digest("SHA-256", b, null);
    }

    static String gitOid(byte[] b) {
        return digest("SHA-1", b, ("blob " + b.length + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static String sha1(String s) {
        return digest("SHA-1", s.getBytes(StandardCharsets.UTF_8), null);
    }

    private static String digest(String alg, byte[] b, byte[] prefix) {
        try {
            MessageDigest md = MessageDigest.getInstance(alg);
            if (prefix != null) {
                md.update(prefix);
            }
            return HexFormat.of().formatHex(md.digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            server.stop(0);
        }
    }
}
