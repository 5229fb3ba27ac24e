package dev.deltaeval.checkpoints.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hub's HTTP API as huggingface_hub uses it: {@code /api/{models|datasets}/ID/revision/REV} for the commit,
 * {@code /api/.../tree/COMMIT?recursive=true} for files with sizes and hashes, and
 * {@code /[datasets/]ID/resolve/COMMIT/PATH} for content (with HTTP Range). Endpoint from HF_ENDPOINT, token
 * from HF_TOKEN.
 */
public final class HubClient {
    private static final ObjectMapper JSON = dev.deltaeval.common.DataFiles.jsonMapper(); // a large tree listing
    private final String endpoint;
    private final String token;
    private final HttpClient http;

    public HubClient(String endpoint, String token) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        String t = token == null || token.isBlank() ? null : token.strip(); // a copied token often ends in \r or \n
        if (t != null && !t.matches("[\\x21-\\x7e]+")) {
            // never echo it: the message of the JDK's header check would print the whole token
            throw new HubException("HF_TOKEN holds characters an HTTP header cannot carry (expected printable ASCII "
                    + "without spaces; check how it was pasted)");
        }
        this.token = t;
        // redirects are followed here, not by the client: the JDK's client would repeat the Authorization header to
        // whatever host a redirect names (the Hub sends downloads to CDN hosts), as huggingface_hub does not
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** HF_ENDPOINT and HF_TOKEN from the environment; a JVM system property of the same name overrides each. */
    public static HubClient fromEnvironment() {
        String ep = setting("HF_ENDPOINT");
        if (ep != null && !ep.isBlank()) {
            checkEndpoint(ep);
        }
        return new HubClient(ep == null || ep.isBlank() ? "https://huggingface.co" : ep, setting("HF_TOKEN"));
    }

    /** HF_ENDPOINT must be an http(s) URL with a host; anything else fails later as a puzzling URI error. */
    static void checkEndpoint(String ep) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(ep);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new HubException("HF_ENDPOINT \"" + shown(ep) + "\" is not an http(s) URL with a host (e.g. "
                    + "https://huggingface.co)");
        }
    }

    /** Why a request failed: the JDK's message, or what its exception type means when it has none. */
    private String reason(IOException e) {
        String m = e.getMessage();
        if (m != null && !m.isBlank()) {
            return redacted(m);
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return e.getClass().getSimpleName();
    }

    static String setting(String name) {
        String p = System.getProperty(name);
        return p != null ? p : System.getenv(name);
    }

    public String endpoint() {
        return endpoint;
    }

    /** A message with the token and any URL credentials hidden (a JDK message may quote either). */
    private String redacted(String message) {
        String m = message == null ? "" : shown(message);
        return token == null ? m : m.replace(token, "***");
    }

    /** A URL as messages may show it: a user and password in it (https://user:secret@host) are hidden. */
    static String shown(String url) {
        return url.replaceFirst("(?<=//)[^/@]*@", "***@");
    }

    /** The commit a revision (branch, tag or commit) points to. */
    public String commit(HubRepo repo) {
        JsonNode info = getJson(repo, null, "/api/" + repo.kind().api + "/" + repo.id() + "/revision/"
                + enc(repo.revision()));
        String sha = info.path("sha").asText(null);
        if (sha == null) {
            throw new HubException(repo + ": the Hub's revision API returned no commit sha");
        }
        if (!sha.matches("[0-9a-f]{40}")) {
            throw new HubException(repo + ": the Hub returned \"" + clip(sha) + "\" as commit (expected 40 hex digits)");
        }
        return sha;
    }

    /** Every file at a commit, with size and hash. */
    public List<HubFile> files(HubRepo repo, String commit) {
        JsonNode tree = getJson(repo, null, "/api/" + repo.kind().api + "/" + repo.id() + "/tree/" + enc(commit)
                + "?recursive=true");
        List<HubFile> out = new ArrayList<>();
        for (JsonNode e : tree) {
            if (!"file".equals(e.path("type").asText())) {
                continue;
            }
            JsonNode lfs = e.get("lfs");
            HubFile f = new HubFile(e.path("path").asText(), e.path("size").asLong(),
                    lfs != null ? lfs.path("oid").asText(null) : null, e.path("oid").asText(null));
            checkNames(repo, f);
            out.add(f);
        }
        return out;
    }

    /** Opens a file's content from byte {@code from} on; the response status tells whether the range was honoured. */
    HttpResponse<InputStream> open(HubRepo repo, String commit, HubFile f, long from) {
        String url = endpoint + "/" + repo.kind().urlPrefix + repo.id() + "/resolve/" + enc(commit) + "/"
                + f.path().replace(" ", "%20");
        HttpRequest.Builder b = request(url);
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        try {
            HttpResponse<InputStream> r = send(b, url, HttpResponse.BodyHandlers.ofInputStream());
            int s = r.statusCode();
            if (s != 200 && s != 206 && s != 416) {
                r.body().close();
                throw statusError(repo, f.path(), s);
            }
            return r;
        } catch (IOException e) {
            throw new HubException(repo + ": cannot reach " + shown(url) + " (" + reason(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(repo + ": interrupted", e);
        }
    }

    private JsonNode getJson(HubRepo repo, String file, String path) {
        String url = endpoint + path;
        try {
            HttpResponse<String> r = send(request(url), url, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw statusError(repo, file, r.statusCode());
            }
            try {
                return JSON.readTree(r.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // reached, but the answer is not the Hub's JSON (a proxy's page, a truncated body)
                throw new HubException(repo + ": the answer of " + shown(url) + " is not JSON ("
                        + redacted(e.getOriginalMessage()) + ")", e);
            }
        } catch (IOException e) {
            throw new HubException(repo + ": cannot reach " + shown(url) + " (" + reason(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(repo + ": interrupted", e);
        }
    }

    private static final int MAX_REDIRECTS = 10;
    /** Tries of a request that gets no answer before the client gives up. */
    static final int TRIES = 3;

    /**
     * How long a request may wait for the server's answer (its status line and headers, not the whole file):
     * HF_HUB_DOWNLOAD_TIMEOUT seconds as huggingface_hub reads it, 30 by default. A server that accepts and never
     * answers then costs a few tries of this, with a line for each, not a silent wait.
     */
    static Duration answerTimeout() {
        String v = setting("HF_HUB_DOWNLOAD_TIMEOUT");
        try {
            double secs = v == null || v.isBlank() ? 30 : Double.parseDouble(v.strip());
            if (!(secs > 0)) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis((long) (secs * 1000));
        } catch (NumberFormatException e) {
            throw new HubException("HF_HUB_DOWNLOAD_TIMEOUT=" + v + ": expected a number of seconds above 0");
        }
    }

    /**
     * Sends and follows redirects; the token goes only to the endpoint's own host (scheme, host and port), never to
     * a host a redirect points at.
     */
    private <T> HttpResponse<T> send(HttpRequest.Builder first, String url, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        HttpRequest req = first.build();
        for (int hop = 0; ; hop++) {
            HttpResponse<T> r = sendWithRetries(req, body);
            int s = r.statusCode();
            java.util.Optional<String> location = r.headers().firstValue("Location");
            if (s < 300 || s > 399 || s == 304 || location.isEmpty()) {
                return r;
            }
            if (r.body() instanceof java.io.Closeable c) {
                c.close();
            }
            if (hop >= MAX_REDIRECTS) {
                throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + url);
            }
            URI next = req.uri().resolve(location.get());
            HttpRequest.Builder b = HttpRequest.newBuilder(next).timeout(answerTimeout())
                    .header("User-Agent", "deltaeval");
            req.headers().firstValue("Range").ifPresent(v -> b.header("Range", v));
            if (token != null && sameOrigin(next, URI.create(endpoint))) {
                b.header("Authorization", "Bearer " + token);
            }
            req = b.build();
        }
    }

    /** One request, tried again when the server does not answer in time, saying so on stderr each time. */
    private <T> HttpResponse<T> sendWithRetries(HttpRequest req, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(req, body);
            } catch (java.net.http.HttpTimeoutException e) {
                String where = shown(req.uri().getScheme() + "://" + req.uri().getRawAuthority());
                String secs = java.math.BigDecimal.valueOf(req.timeout().map(Duration::toMillis).orElse(0L), 3)
                        .stripTrailingZeros().toPlainString();
                if (attempt >= TRIES) {
                    throw new IOException("no answer from " + where + " in " + secs + " s, " + TRIES + " tries "
                            + "(HF_HUB_DOWNLOAD_TIMEOUT sets the wait)");
                }
                System.err.println("deltaeval: no answer from " + where + " in " + secs + " s; trying again ("
                        + (attempt + 1) + " of " + TRIES + ")");
            }
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * Names from the server become paths in the cache: a file path must stay inside its snapshot, and blob names
     * must be the hashes they claim to be, or a hostile server could write outside HF_HUB_CACHE.
     */
    static void checkNames(HubRepo repo, HubFile f) {
        String p = f.path();
        boolean escapes = p.isEmpty() || p.startsWith("/") || p.contains("\\") || p.indexOf('\0') >= 0;
        for (String part : p.split("/", -1)) {
            escapes |= part.isEmpty() || part.equals(".") || part.equals("..");
        }
        if (escapes) {
            throw new HubException(repo + ": the Hub listed a file named \"" + clip(p) + "\", which is not a relative "
                    + "path inside the repository");
        }
        if (f.sha256() != null && !f.sha256().matches("[0-9a-f]{64}")) {
            throw new HubException(repo + ": " + p + ": the Hub returned \"" + clip(f.sha256()) + "\" as LFS sha256 "
                    + "(expected 64 hex digits)");
        }
        if (f.sha256() == null && (f.gitOid() == null || !f.gitOid().matches("[0-9a-f]{40}"))) {
            throw new HubException(repo + ": " + p + ": the Hub returned \"" + clip(String.valueOf(f.gitOid()))
                    + "\" as git object id (expected 40 hex digits)");
        }
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(answerTimeout())
                .header("User-Agent", "deltaeval");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HubException statusError(HubRepo repo, String file, int status) {
        String what = file == null ? "repository or revision" : "file " + file;
        return switch (status) {
            case 401, 403 -> new HubException(repo + ": access denied to " + what + " (HTTP " + status + "); set HF_TOKEN"
                    + " to a token that can read it");
            case 404 -> new HubException(repo + ": " + what + " not found on " + shown(endpoint) + " (HTTP 404)");
            default -> new HubException(repo + ": " + what + ": HTTP " + status + " from " + shown(endpoint));
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
