package dev.deltaeval.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes that never leave a half-written file: a temporary file in the same directory, then an atomic rename.
 * Temporary files are created like any other file (the umask decides who may read the result, not a temp-file
 * default of 0600); ones that a killed run left behind are removed once they are an hour old. Failures name the
 * file and the reason.
 */
public final class AtomicFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration STALE = Duration.ofHours(1);
    private static volatile Faults faults;

    /** Simulated write failures, for tests of what happens when a disk fills up; null in normal runs. */
    @FunctionalInterface
    public interface Faults {
        /** Throws to make the write of {@code target} fail. */
        void beforeWrite(Path target) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Tests only: every write first calls {@code f} (null to stop). */
    public static void injectFaults(Faults f) {
        faults = f;
    }

    /** For writers of their own (streamed files): the injected fault for {@code target}, if any. */
    public static void checkFaults(Path target) throws IOException {
        Faults f = faults;
        if (f != null) {
            f.beforeWrite(target);
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeJson(Path target, Object value) throws IOException {
        writeBytes(target, JSON.writeValueAsBytes(value));
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Map<Path, byte[]> one = new LinkedHashMap<>();
        one.put(target, bytes);
        writeAll(one);
    }

    /**
     * Several files as one unit: all are written to temporary files first, and only when every write succeeded
     * are they renamed into place, in the map's order (so put the file that says "done", e.g. results, last).
     * A failure leaves none of them.
     */
    public static void writeAll(Map<Path, byte[]> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                Path target = f.getKey();
                try {
                    Path tmp = tempBeside(target);
                    temps.put(target, tmp);
                    Faults fi = faults;
                    if (fi != null) {
                        fi.beforeWrite(target);
                    }
                    try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        out.write(f.getValue());
                    }
                } catch (IOException e) {
                    throw named(target, e);
                }
            }
            for (Map.Entry<Path, Path> t : temps.entrySet()) {
                try {
                    Files.move(t.getValue(), t.getKey(), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw named(t.getKey(), e);
                }
            }
        } finally {
            for (Path tmp : temps.values()) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A name for a temporary file beside {@code target} (not created: open it with CREATE_NEW, so that it gets
     * the permissions of any new file), after creating the folder and removing stale temporary files there.
     */
    public static Path tempBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        removeStaleTemps(dir);
        return dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    }

    /** An IOException whose message is "FILE: cannot write (reason)". */
    public static IOException named(Path target, IOException e) {
        String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new IOException(target + ": cannot write (" + reason + ")", e);
    }

    /** Hidden temporary files ({@code .NAME....tmp}) of writes that a kill interrupted, once an hour old. */
    private static void removeStaleTemps(Path dir) {
        Instant cutoff = Instant.now().minus(STALE);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    // another run's file, or gone already: leave it
                }
            }
        } catch (IOException e) {
            // listing failed: the write itself will say why, if it fails
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
}
