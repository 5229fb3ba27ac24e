package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.core.scoring.LoglikelihoodResult;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs into one folder: the second waits for the first's journal, then reuses its results. */
class JournalLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondJournalOfTheSameTaskWaitsAndThenSeesTheFirstsResults() throws Exception {
        String sha = "0123456789abcdef0123";
        ResultJournal first = new ResultJournal(dir, sha, LmEvalSemantics.CURRENT, "piqa", "s");
        first.put("k1", new LoglikelihoodResult(-1.5, true));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
            try (ResultJournal j = new ResultJournal(dir, sha, LmEvalSemantics.CURRENT, "piqa", "s")) {
                return j.get("k1") == null ? 0 : j.size();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        assertTrue(!second.isDone(), "the second journal did not wait for the first");
        first.put("k2", new LoglikelihoodResult(-2.5, false));
        first.close();
        assertEquals(2, second.get(10, TimeUnit.SECONDS), "the second run must reuse both results");
        // another task is independent
        try (ResultJournal a = new ResultJournal(dir, sha, LmEvalSemantics.CURRENT, "piqa", "s");
             ResultJournal b = new ResultJournal(dir, sha, LmEvalSemantics.CURRENT, "copa", "s")) {
            assertEquals(2, a.size());
            assertEquals(0, b.size());
        }
    }

    /** A link planted where a journal file goes is refused: nothing is appended to, or read from, its target. */
    @Test
    void aJournalFileThatIsALinkIsRefused() throws Exception {
        String sha = "0123456789abcdef0123";
        java.nio.file.Path victim = java.nio.file.Files.writeString(dir.resolve("victim.txt"), "precious\n");
        java.nio.file.Path journalDir = dir.resolve("cache").resolve(sha.substring(0, 16))
                .resolve(LmEvalSemantics.CURRENT.label());
        java.nio.file.Files.createDirectories(journalDir);
        java.nio.file.Files.createSymbolicLink(journalDir.resolve("piqa.jsonl"), victim);
        TaskException e = org.junit.jupiter.api.Assertions.assertThrows(TaskException.class,
                () -> new ResultJournal(dir.resolve("cache"), sha, LmEvalSemantics.CURRENT, "piqa", "s"));
        assertTrue(e.getMessage().endsWith("piqa.jsonl: is a symbolic link; the result cache reads and writes only "
                + "its own files (remove the link, or give another cache folder)"), e.getMessage());
        assertEquals("precious\n", java.nio.file.Files.readString(victim));
    }
}
