package dev.deltaeval.checkpoints.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * Downloads a repository snapshot into the Hugging Face cache. Each file goes to {@code blobs/<hash>.incomplete};
 * an interrupted transfer is resumed with an HTTP Range request; the finished file is checked against the Hub's
 * hash (LFS SHA-256, or the git blob id) and only then renamed to its final name, so nothing that looks complete
 * is ever unverified. Offline, the cache alone is used.
 */
public final class HubDownloader {
    /** Told of bytes as they arrive (for a progress line) and of each file finished. */
    public interface Listener {
        void bytes(String file, long done, long total);

        default void skipped(String file) {
        }
    }

    /**
     * @param snapshot    the local folder with the repository's files
     * @param downloaded  bytes received over the network in this call
     */
    public record Result(Path snapshot, String commit, List<HubFile> files, long downloaded) {
    }

    /** Files a checkpoint needs: configs, weights (and the shard index), tokenizer files. */
    public static final Predicate<String> MODEL_FILES = p -> !p.contains("/") && (p.endsWith(".json")
            || p.endsWith(".safetensors") || p.equals("tokenizer.model"));

    private final HubClient client;
    private final HubCache cache;

    public HubDownloader(HubClient client, HubCache cache) {
        this.client = client;
        this.cache = cache;
    }

    public Result fetch(HubRepo repo, Predicate<String> wanted, boolean offline, Listener listener) {
        if (offline) {
            return offline(repo);
        }
        String commit = client.commit(repo);
        List<HubFile> files = client.files(repo, commit).stream().filter(f -> wanted.test(f.path())).toList();
        if (files.isEmpty()) {
            throw new HubException(repo + ": no files to download at " + commit.substring(0, Math.min(12,
                    commit.length())));
        }
        long downloaded = 0;
        Path snap = cache.snapshot(repo, commit);
        try {
            for (HubFile f : files) {
                downloaded += fetchFile(repo, commit, f, listener);
                link(snap.resolve(f.path()), cache.blob(repo, f));
            }
            Path ref = cache.repoDir(repo).resolve("refs").resolve(repo.revision());
            Files.createDirectories(ref.getParent());
            Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
            Files.writeString(tmp, commit);
            Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HubException(repo + ": cannot write the cache under " + cache.root() + " (" + e.getMessage()
                    + ")", e);
        }
        return new Result(snap, commit, files, downloaded);
    }

    private Result offline(HubRepo repo) {
        String commit = cache.commitOf(repo).orElseThrow(() -> new HubException(repo + ": not in the cache "
                + cache.root() + " (offline; run 'deltaeval fetch " + repo + "' with network access first)"));
        Path snap = cache.snapshot(repo, commit);
        if (!Files.isDirectory(snap)) {
            throw new HubException(repo + ": the cache names commit " + commit + " but has no snapshot " + snap);
        }
        return new Result(snap, commit, List.of(), 0);
    }

    /** @return bytes received */
    private long fetchFile(HubRepo repo, String commit, HubFile f, Listener listener) throws IOException {
        Path blob = cache.blob(repo, f);
        if (Files.exists(blob) && Files.size(blob) == f.size()) {
            if (listener != null) {
                listener.skipped(f.path());
            }
            return 0;
        }
        Files.createDirectories(blob.getParent());
        Path part = blob.resolveSibling(blob.getFileName() + ".incomplete");
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > f.size()) {
            Files.delete(part);
            have = 0;
        }
        long received = 0;
        if (have < f.size() || f.size() == 0) {
            HttpResponse<InputStream> r = client.open(repo, commit, f, have);
            boolean append = r.statusCode() == 206;
            if (r.statusCode() == 416) {
                r.body().close();
            } else {
                long at = append ? have : 0;
                try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        received += n;
                        at += n;
                        if (listener != null) {
                            listener.bytes(f.path(), at, f.size());
                        }
                    }
                } catch (IOException e) {
                    throw new HubException(repo + ": download of " + f.path() + " interrupted at " + at + " of "
                            + f.size() + " bytes (" + e.getMessage() + "); run the command again to resume", e);
                }
            }
        }
        if (Files.size(part) != f.size()) {
            throw new HubException(repo + ": download of " + f.path() + " ended at " + Files.size(part) + " of "
                    + f.size() + " bytes; run the command again to resume");
        }
        String got = f.sha256() != null ? sha256(part) : gitBlobId(part);
        String want = f.blobName();
        if (want != null && !want.equalsIgnoreCase(got)) {
            Files.delete(part);
            throw new HubException(repo + ": " + f.path() + " failed verification (" + (f.sha256() != null ? "sha256"
                    : "git blob id") + " " + got + ", the Hub says " + want + "); the download was removed");
        }
        Files.move(part, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return received;
    }

    /** snapshots/COMMIT/PATH -> ../../blobs/HASH, or a copy where symbolic links are not allowed. */
    private static void link(Path at, Path blob) throws IOException {
        Files.createDirectories(at.getParent());
        if (Files.exists(at, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createSymbolicLink(at, at.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Path tmp = at.resolveSibling(at.getFileName() + ".tmp");
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, at, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static String sha256(Path file) throws IOException {
        return digest(file, "SHA-256", null);
    }

    /** git's blob id: SHA-1 over "blob SIZE\0" followed by the content. */
    static String gitBlobId(Path file) throws IOException {
        return digest(file, "SHA-1", ("blob " + Files.size(file) + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                md.update(prefix);
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
