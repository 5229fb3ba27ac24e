package dev.deltaeval.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deltaeval.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk while writing weights names the file (init said only "No space left on device"), leaving nothing. */
class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedWriteNamesTheFileAndLeavesNoPart() throws IOException {
        Path target = tmp.resolve("model.safetensors");
        AtomicFiles.injectFaults(t -> {
            throw new java.nio.file.FileSystemException(t.toString(), null, "No space left on device");
        });
        try {
            IOException e = assertThrows(IOException.class, () -> new SafetensorsWriter()
                    .putFloat("w", new long[] {2}, new float[] {1, 2}).write(target));
            assertEquals(target + ": cannot write (No space left on device)", e.getMessage());
        } finally {
            AtomicFiles.injectFaults(null);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "no partial or temporary file left");
        }
    }
}
