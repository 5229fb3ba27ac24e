package dev.deltaeval.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @AfterEach
    void noFaults() {
        AtomicFiles.injectFaults(null);
    }

    @Test
    void aFailedWriteNamesTheFileAndTheReason() {
        Path target = dir.resolve("results.json");
        AtomicFiles.injectFaults(t -> {
            throw new IOException("No space left on device");
        });
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "{}"));
        assertEquals(target + ": cannot write (No space left on device)", e.getMessage());
        assertEquals(target + ": cannot write (permission denied)",
                AtomicFiles.named(target, new AccessDeniedException(target.toString())).getMessage());
    }

    @Test
    void filesWrittenAsOneUnitAreAllThereOrNoneIs() throws IOException {
        Map<Path, byte[]> unit = new LinkedHashMap<>();
        unit.put(dir.resolve("samples_piqa.jsonl"), "{}\n".getBytes());
        unit.put(dir.resolve("results.json"), "{}".getBytes());
        AtomicFiles.injectFaults(t -> {
            if (t.getFileName().toString().equals("results.json")) {
                throw new IOException("No space left on device");
            }
        });
        assertThrows(IOException.class, () -> AtomicFiles.writeAll(unit));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "neither file nor any temporary file may remain");
        }
        AtomicFiles.injectFaults(null);
        AtomicFiles.writeAll(unit);
        assertTrue(Files.exists(dir.resolve("samples_piqa.jsonl")) && Files.exists(dir.resolve("results.json")));
    }

    @Test
    void temporaryFilesOfKilledRunsAreRemovedOnceStale() throws IOException {
        Path stale = Files.writeString(dir.resolve(".results_2026.json.1234.tmp"), "half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(2 * 3600)));
        Path fresh = Files.writeString(dir.resolve(".results_now.json.5678.tmp"), "being written");
        AtomicFiles.writeString(dir.resolve("other.json"), "{}");
        assertFalse(Files.exists(stale), "an interrupted run's temporary file stays forever");
        assertTrue(Files.exists(fresh), "a write in progress elsewhere must not be touched");
    }

    @Test
    void outputFilesFollowTheUmaskLikeAnyOtherFile() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x"); // 0666 minus the umask
        Path ours = dir.resolve("ours.json");
        AtomicFiles.writeString(ours, "{}");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(ours));
    }
}
