package dev.deltaeval.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a report is made of: every row distinguishable, nothing broken left out without a word. */
class ReportInputsTest {
    @TempDir
    Path tmp;

    @Test
    void runsOfOneModelAreToldApartByTheirRunFolder() throws IOException {
        new SyntheticRuns(tmp.resolve("r10/demo"), "demo").accuracy("piqa", "acc", new int[] {1, 0}, "h").write();
        new SyntheticRuns(tmp.resolve("r20/demo"), "demo").accuracy("piqa", "acc", new int[] {1, 1, 0}, "h").write();
        new SyntheticRuns(tmp.resolve("r20/other"), "other").accuracy("piqa", "acc", new int[] {0, 1}, "h").write();
        List<String> labels = ReportInputs.scan(List.of(tmp.resolve("r10"), tmp.resolve("r20"))).evals().stream()
                .map(EvalRun::label).toList();
        assertEquals(List.of("demo (r10)", "demo (r20)", "other"), labels);
    }

    @Test
    void aBrokenFileInAFolderIsSaidNotDropped() throws IOException {
        new SyntheticRuns(tmp.resolve("run/demo"), "demo").accuracy("piqa", "acc", new int[] {1, 0}, "h").write();
        Path broken = Files.writeString(tmp.resolve("run/demo/results_2026-02-02T00-00-00.json"), "{bad");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(1, ReportInputs.scan(List.of(tmp.resolve("run"))).evals().size());
        } finally {
            System.setErr(old);
        }
        assertEquals(true, err.toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("deltaeval: warning: "
                + "skipped " + broken + ": not readable JSON ("), err.toString());
    }
}
