package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings out of their range are one line naming the option, before any work (they crashed or ran on). */
class SettingRangesTest {
    @TempDir
    Path tmp;

    private void assertRefused(String expected, String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals("deltaeval: error: " + expected, r.err().lines().reduce((a, b) -> b).orElse(""));
    }

    @Test
    void extrapolationAndGenerationSettings() {
        String out = tmp.toString();
        assertRefused("--train-context 0: expected a training length of at least 1 token",
                "extrapolate", "--train-context", "0", "--out", out);
        assertRefused("--margin NaN: expected a fraction of 0 or more (0.1 = 10% above the training-context perplexity)",
                "extrapolate", "--margin", "NaN", "--out", out);
        assertRefused("--num-sequences -1: expected 0 (all) or more", "extrapolate", "--num-sequences", "-1", "--out",
                out);
        assertRefused("--max-len 1: expected at least 2 tokens (one to read, one to predict)", "extrapolate",
                "--max-len", "1", "--out", out);
        assertRefused("--max-new-tokens -1: expected 0 or more tokens", "generate", CliTest.DEMO.toString(),
                "--prompt", "x", "--max-new-tokens", "-1", "--device", "cpu");
    }

    @Test
    void rankSettingsEmptyOutputsAndEmptyLists() throws java.io.IOException {
        String out = tmp.toString();
        String demo = CliTest.DEMO.toString();
        assertRefused("--positions '5,99999': position 99999 is beyond the analysed sequence of 64 tokens (--max-len)",
                "rank", demo, "--positions", "5,99999", "--max-len", "64", "--out", out, "--data",
                "../data/extrapolation-sample/python-stdlib-docs.jsonl");
        assertRefused("--no-state and --no-hidden together leave nothing to analyse", "rank", demo, "--no-state",
                "--no-hidden", "--out", out);
        assertRefused("--rel-tol -1.0: expected a relative threshold in [0, 1), e.g. 1e-6", "rank", demo,
                "--rel-tol", "-1", "--out", out);
        assertRefused("--output is empty: name the folder to write into", "eval", demo, "--out", "");
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        assertRefused("--output " + file + " is a file, not a folder: name a folder to write the results into", "eval",
                demo, "--out", file.toString());
        assertRefused("--max-length 0: expected at least 2 tokens", "eval", demo, "--max-len", "0", "--out", out);
        java.nio.file.Path plan = java.nio.file.Files.writeString(tmp.resolve("plan.json"), "{\"output\": \""
                + tmp.resolve("run") + "\", \"checkpoints\": [\"" + demo + "\"], \"eval\": {\"tasks\": []}}");
        assertRefused("--tasks is an empty list: no tasks to run", "run", "--plan", plan.toString());
    }

    @Test
    void slurmSettingsThatWouldPendForever() {
        String plan = "../plans/demo.json";
        assertRefused("--time 'bogus': expected a SLURM time limit such as 04:00:00, 90 (minutes) or 2-00:00:00",
                "plan", "slurm", plan, "--time", "bogus");
        assertRefused("--mem 'lots': expected a SLURM memory size such as 64G or 8000M", "plan", "slurm", plan,
                "--mem", "lots");
        CliTest.Run ok = CliTest.run("plan", "slurm", plan, "--time", "2-00:00:00", "--mem", "8000M");
        assertEquals(0, ok.exit(), ok.err());
    }
}
