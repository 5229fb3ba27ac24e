package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import dev.deltaeval.core.scoring.LoglikelihoodResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Per-request results on disk, so an interrupted {@code eval} continues where it stopped and gives identical
 * numbers. One append-only JSONL file per (checkpoint, lm-eval semantics, task); a record is one line holding the
 * request's key and its exact result, so a run killed mid-write leaves at most a torn last line, which is ignored.
 */
public final class ResultJournal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, LoglikelihoodResult> known = new HashMap<>();
    private final Map<String, String> generations = new HashMap<>();
    private final String settings;
    private final java.nio.channels.FileChannel lockChannel;
    private final java.nio.channels.FileLock lock;
    /** File locks are per process; this orders journals of one task within the process (in-process runs, tests). */
    private static final Map<Path, java.util.concurrent.locks.ReentrantLock> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private java.util.concurrent.locks.ReentrantLock inProcess;
    private BufferedWriter writer;

    /**
     * @param settings what else changes a result (max length, forking); part of every key
     */
    public ResultJournal(Path dir, String checkpointSha256, LmEvalSemantics semantics, String task, String settings) {
        this.file = dir.resolve(checkpointSha256.substring(0, 16)).resolve(semantics.label()).resolve(task + ".jsonl");
        this.settings = settings;
        // one run at a time per task journal: a second run into the same folder waits, then reuses the first's
        // results instead of computing them again
        try {
            Files.createDirectories(file.getParent());
            Path lockFile = file.resolveSibling(task + ".lock");
            refuseLink(file);
            refuseLink(lockFile);
            lockChannel = java.nio.channels.FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            inProcess = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                    k -> new java.util.concurrent.locks.ReentrantLock());
            if (!inProcess.tryLock()) {
                System.err.println("task " + task + ": another run holds " + lockFile + "; waiting for it, then "
                        + "reusing its results");
                inProcess.lock();
            }
            java.nio.channels.FileLock l = lockChannel.tryLock();
            if (l == null) {
                System.err.println("task " + task + ": another run holds " + lockFile + "; waiting for it, then "
                        + "reusing its results");
                l = lockChannel.lock();
            }
            lock = l;
        } catch (IOException e) {
            if (inProcess != null && inProcess.isHeldByCurrentThread()) {
                inProcess.unlock();
            }
            throw new TaskException("task " + task + ": cannot lock result cache " + file + " (" + e.getMessage()
                    + ")");
        }
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file)) {
                    read(line);
                }
            } catch (IOException e) {
                try {
                    close();
                } catch (IOException ignored) {
                    // the read error is the one to report
                }
                throw new TaskException("task " + task + ": cannot read result cache " + file + " (" + e.getMessage() + ")");
            }
        }
    }

    private void read(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n.has("gen")) {
                generations.put(n.get("key").asText(), n.get("gen").asText());
                return;
            }
            known.put(n.get("key").asText(), new LoglikelihoodResult(n.get("ll").asDouble(), n.get("greedy").asBoolean()));
        } catch (IOException | RuntimeException e) {
            // a torn record from an interrupted run: that request is simply scored again
        }
    }

    public Path file() {
        return file;
    }

    public int size() {
        return known.size() + generations.size();
    }

    /** Key of a greedy generation: the prompt text and every generation setting. */
    public String generationKey(String context, List<String> until, int maxGenToks) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(settings.getBytes(StandardCharsets.UTF_8));
            md.update(JSON.writeValueAsBytes(List.of("generate_until", context, until, maxGenToks)));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String generation(String key) {
        return generations.get(key);
    }

    /** Appends one generation and flushes it to the operating system. */
    public synchronized void putGeneration(String key, String text) {
        append(Map.of("key", key, "gen", text));
        generations.put(key, text);
    }

    public String key(LoglikelihoodRequest r) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(settings.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(8 * (r.context().length + r.continuation().length) + 8);
            for (long id : r.context()) {
                b.putLong(id);
            }
            b.putLong(-1);
            for (long id : r.continuation()) {
                b.putLong(id);
            }
            md.update(b.array());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public LoglikelihoodResult get(String key) {
        return known.get(key);
    }

    /**
     * The cache writes only files of its own: a symbolic link planted where a journal or lock file goes (a shared run
     * folder on a cluster) would make it append to, or read, whatever the link names.
     */
    private static void refuseLink(Path p) {
        if (Files.isSymbolicLink(p)) {
            throw new TaskException(p + ": is a symbolic link; the result cache reads and writes only its own files "
                    + "(remove the link, or give another cache folder)");
        }
    }

    /** Appends one record and flushes it to the operating system. */
    public synchronized void put(String key, LoglikelihoodResult r) {
        append(Map.of("key", key, "ll", r.logLikelihood(), "greedy", r.greedy()));
        known.put(key, r);
    }

    private void append(Map<String, Object> record) {
        try {
            if (writer == null) {
                Files.createDirectories(file.getParent());
                writer = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
            writer.write(JSON.writeValueAsString(record));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(file + ": cannot append to the result cache ("
                    + e.getMessage() + ")", e));
        }
    }

    /** The cached results for these requests, or null where none is cached. */
    public LoglikelihoodResult[] lookup(List<LoglikelihoodRequest> requests, String[] keys) {
        LoglikelihoodResult[] out = new LoglikelihoodResult[requests.size()];
        for (int i = 0; i < out.length; i++) {
            keys[i] = key(requests.get(i));
            out[i] = known.get(keys[i]);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            if (writer != null) {
                writer.close();
            }
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } finally {
                inProcess.unlock();
            }
        }
    }
}
