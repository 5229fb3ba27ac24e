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
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String endpoint;
    private final String token;
    private final HttpClient http;

    public HubClient(String endpoint, String token) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.token = token == null || token.isBlank() ? null : token;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** HF_ENDPOINT and HF_TOKEN from the environment; a JVM system property of the same name overrides each. */
    public static HubClient fromEnvironment() {
        String ep = setting("HF_ENDPOINT");
        return new HubClient(ep == null || ep.isBlank() ? "https://huggingface.co" : ep, setting("HF_TOKEN"));
    }

    static String setting(String name) {
        String p = System.getProperty(name);
        return p != null ? p : System.getenv(name);
    }

    public String endpoint() {
        return endpoint;
    }

    /** The commit a revision (branch, tag or commit) points to. */
    public String commit(HubRepo repo) {
        JsonNode info = getJson(repo, null, "/api/" + repo.kind().api + "/" + repo.id() + "/revision/"
                + enc(repo.revision()));
        String sha = info.path("sha").asText(null);
        if (sha == null) {
            throw new HubException(repo + ": the Hub's revision API returned no commit sha");
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
            out.add(new HubFile(e.path("path").asText(), e.path("size").asLong(),
                    lfs != null ? lfs.path("oid").asText(null) : null, e.path("oid").asText(null)));
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
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            int s = r.statusCode();
            if (s != 200 && s != 206 && s != 416) {
                r.body().close();
                throw statusError(repo, f.path(), s);
            }
            return r;
        } catch (IOException e) {
            throw new HubException(repo + ": cannot reach " + url + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(repo + ": interrupted", e);
        }
    }

    private JsonNode getJson(HubRepo repo, String file, String path) {
        String url = endpoint + path;
        try {
            HttpResponse<String> r = http.send(request(url).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw statusError(repo, file, r.statusCode());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new HubException(repo + ": cannot reach " + url + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(repo + ": interrupted", e);
        }
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
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
            case 404 -> new HubException(repo + ": " + what + " not found on " + endpoint + " (HTTP 404)");
            default -> new HubException(repo + ": " + what + ": HTTP " + status + " from " + endpoint);
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
