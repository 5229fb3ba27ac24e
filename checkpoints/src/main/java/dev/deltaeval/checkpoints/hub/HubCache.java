package dev.deltaeval.checkpoints.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Hugging Face cache layout, so DeltaEval and huggingface_hub share downloads: {@code ROOT/models--org--name/}
 * with {@code blobs/<etag>}, {@code snapshots/<commit>/<path>} (a symbolic link to the blob, or a copy where
 * links are not allowed) and {@code refs/<revision>} holding the commit. Root: HF_HUB_CACHE, else HF_HOME/hub,
 * else ~/.cache/huggingface/hub (system properties of those names override the environment).
 */
public record HubCache(Path root) {
    public static HubCache fromEnvironment() {
        String hub = HubClient.setting("HF_HUB_CACHE");
        if (hub != null && !hub.isBlank()) {
            return new HubCache(Path.of(hub));
        }
        String home = HubClient.setting("HF_HOME");
        if (home != null && !home.isBlank()) {
            return new HubCache(Path.of(home, "hub"));
        }
        return new HubCache(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
    }

    public Path repoDir(HubRepo repo) {
        return root.resolve(repo.cacheFolder());
    }

    public Path blob(HubRepo repo, HubFile f) {
        return repoDir(repo).resolve("blobs").resolve(f.blobName());
    }

    public Path snapshot(HubRepo repo, String commit) {
        return repoDir(repo).resolve("snapshots").resolve(commit);
    }

    /** The commit a revision resolved to when it was last fetched, if any. */
    public Optional<String> commitOf(HubRepo repo) {
        if (repo.revision().matches("[0-9a-f]{40}")) {
            return Optional.of(repo.revision());
        }
        Path ref = repoDir(repo).resolve("refs").resolve(repo.revision());
        try {
            if (!Files.exists(ref)) {
                return Optional.empty();
            }
            String commit = Files.readString(ref).trim();
            if (!commit.matches("[0-9a-f]{40}")) {
                throw new HubException(repo + ": the cache's " + ref + " holds \"" + commit + "\", not a commit id "
                        + "(40 hex digits); delete it and fetch again");
            }
            return Optional.of(commit);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
