package dev.deltaeval.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regression gate on runs whose per-sample results are known exactly. */
class ComparisonTest {
    static final Thresholds DEFAULTS = Thresholds.parse(List.of());

    static Path run(Path dir, String model, int[] piqa, int[] arc, double[] lmb, String piqaHash) throws IOException {
        Files.createDirectories(dir);
        return new SyntheticRuns(dir, model).accuracy("piqa", "acc", piqa, piqaHash)
                .accuracy("arc_easy", "acc", arc, "h-arc").perplexity("lambada_openai", lmb, "h-lmb").write();
    }

    static double[] lls(int n, double shift) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -2 - (i % 7) * 0.3 + shift;
        }
        return x;
    }

    @Test
    void identicalRunsPass(@TempDir Path dir) throws IOException {
        Path a = run(dir.resolve("a"), "base", SyntheticRuns.ones(200, 60, 0), SyntheticRuns.ones(200, 80, 3),
                lls(100, 0), "h-piqa");
        Path b = run(dir.resolve("b"), "cand", SyntheticRuns.ones(200, 60, 0), SyntheticRuns.ones(200, 80, 3),
                lls(100, 0), "h-piqa");
        Comparison.Result r = Comparison.compare(EvalRun.read(a), EvalRun.read(b), DEFAULTS, 500, 1);
        assertEquals(0, r.exitCode(), Comparison.markdown(r, "a", "b"));
        assertEquals(3, r.diffs().size());
        for (Comparison.MetricDiff d : r.diffs()) {
            assertEquals(0.0, d.delta(), 0.0);
            assertEquals(1.0, d.pValue(), 0.0, d.task());
        }
        assertEquals("mcnemar", r.diffs().get(0).test());
        assertEquals("paired-bootstrap", r.diffs().get(2).test());
    }

    @Test
    void aPlantedDropOnOneTaskFailsAndNamesIt(@TempDir Path dir) throws IOException {
        int[] base = SyntheticRuns.ones(200, 60, 0); // 140 correct
        int[] dropped = base.clone();
        int flipped = 0;
        for (int i = 0; i < dropped.length && flipped < 30; i++) {
            if (dropped[i] == 1) {
                dropped[i] = 0; // 30 documents go from right to wrong, none the other way
                flipped++;
            }
        }
        Path a = run(dir.resolve("a"), "base", base, SyntheticRuns.ones(200, 80, 3), lls(100, 0), "h-piqa");
        Path b = run(dir.resolve("b"), "cand", dropped, SyntheticRuns.ones(200, 80, 3), lls(100, 0), "h-piqa");
        Comparison.Result r = Comparison.compare(EvalRun.read(a), EvalRun.read(b), DEFAULTS, 500, 1);
        assertEquals(1, r.exitCode());
        Comparison.MetricDiff piqa = r.diffs().get(0);
        assertTrue(piqa.regressed());
        assertEquals(-0.15, piqa.delta(), 1e-12);
        assertEquals(2 * Math.pow(0.5, 30), piqa.pValue(), 1e-15, "exact McNemar with 30 discordant pairs, all worse");
        assertFalse(r.diffs().get(1).regressed());
        assertTrue(Comparison.markdown(r, "a", "b").contains("Regression in: piqa acc."));
        // a threshold larger than the drop lets it pass
        assertEquals(0, Comparison.compare(EvalRun.read(a), EvalRun.read(b),
                Thresholds.parse(List.of("acc=0.2")), 500, 1).exitCode());
    }

    @Test
    void aWorsePerplexityIsARegressionByPairedBootstrap(@TempDir Path dir) throws IOException {
        Path a = run(dir.resolve("a"), "base", SyntheticRuns.ones(50, 10, 0), SyntheticRuns.ones(50, 10, 0),
                lls(100, 0), "h-piqa");
        Path b = run(dir.resolve("b"), "cand", SyntheticRuns.ones(50, 10, 0), SyntheticRuns.ones(50, 10, 0),
                lls(100, -0.2), "h-piqa");
        Comparison.Result r = Comparison.compare(EvalRun.read(a), EvalRun.read(b), DEFAULTS, 500, 1);
        Comparison.MetricDiff lmb = r.diffs().get(2);
        assertEquals("lambada_openai", lmb.task());
        assertTrue(lmb.delta() > 0, "perplexity went up");
        assertEquals(0.0, lmb.pValue(), 0.0, "every resample is worse by the same shift");
        assertEquals(1, r.exitCode());
    }

    @Test
    void mismatchedDataHashesAndSemanticsAreBadInput(@TempDir Path dir) throws IOException {
        Path a = run(dir.resolve("a"), "base", SyntheticRuns.ones(50, 10, 0), SyntheticRuns.ones(50, 10, 0),
                lls(20, 0), "0123456789abcdef0123");
        Path b = run(dir.resolve("b"), "cand", SyntheticRuns.ones(50, 10, 0), SyntheticRuns.ones(50, 10, 0),
                lls(20, 0), "fedcba9876543210fedc");
        Comparison.Result r = Comparison.compare(EvalRun.read(a), EvalRun.read(b), DEFAULTS, 100, 1);
        assertEquals(2, r.exitCode());
        assertEquals(List.of("task piqa: different data (sha256 0123456789ab... vs fedcba987654...)"), r.problems());

        Path c = new SyntheticRuns(dir.resolve("c"), "old").semantics("0.4.2")
                .accuracy("piqa", "acc", SyntheticRuns.ones(50, 10, 0), "0123456789abcdef0123").write();
        Comparison.Result r2 = Comparison.compare(EvalRun.read(a), EvalRun.read(c), DEFAULTS, 100, 1);
        assertEquals(2, r2.exitCode());
        assertTrue(r2.problems().contains("lm-eval semantics differ: baseline current, candidate 0.4.2"));
        assertTrue(r2.problems().contains("task arc_easy is in the baseline but not in the candidate"));
    }

    @Test
    void mcnemarAndThresholdParsingByHand() {
        // 3 worse, 9 better: p = 2 * P(X <= 3), X ~ Bin(12, 1/2) = 2 * 299 / 4096
        assertEquals(2 * 299.0 / 4096, Comparison.mcnemar(3, 9), 1e-12);
        assertEquals(1.0, Comparison.mcnemar(0, 0));
        Thresholds t = Thresholds.parse(List.of("acc=0.02:0.01", "*=0.5"));
        assertEquals(new Thresholds.Limit(0.02, 0.01), t.of("acc"));
        assertEquals(new Thresholds.Limit(0.5, 0.05), t.of("perplexity"));
        assertEquals("threshold 'acc': expected METRIC=MAX_DROP[:ALPHA], e.g. acc=0.02:0.05 or *=0.01 "
                + "(MAX_DROP >= 0, 0 < ALPHA <= 1)", assertThrows(ReportException.class,
                        () -> Thresholds.parse(List.of("acc"))).getMessage());
    }

    /** Broken or empty inputs are problems, never a quiet "No regression". */
    @Test
    void impossibleValuesStringsUnknownThresholdsAndDuplicateFiles(@TempDir Path dir) throws IOException {
        Path a = run(dir.resolve("a"), "base", SyntheticRuns.ones(200, 60, 0), SyntheticRuns.ones(200, 80, 3),
                lls(100, 0), "h-piqa");
        String json = Files.readString(a);
        Path over = Files.writeString(dir.resolve("over.json"), json.replaceFirst("\"acc,none\" ?: ?[0-9.eE-]+",
                "\"acc,none\": 1.7"));
        assertTrue(assertThrows(ReportException.class, () -> EvalRun.read(over)).getMessage()
                .endsWith(": acc,none is 1.7 (expected a proportion from 0 to 1)"));
        Path text = Files.writeString(dir.resolve("text.json"), json.replaceFirst("\"acc,none\" ?: ?([0-9.eE-]+)",
                "\"acc,none\": \"$1\""));
        assertTrue(assertThrows(ReportException.class, () -> EvalRun.read(text)).getMessage()
                .contains(": acc,none is \""), "a metric in quotes is named");
        Comparison.Result r = Comparison.compare(EvalRun.read(a), EvalRun.read(a),
                Thresholds.parse(List.of("nosuch=0.1")), 100, 1);
        assertEquals(2, r.exitCode());
        assertEquals(List.of("a threshold names metric nosuch, which no task of the runs has (metrics: acc, "
                + "perplexity)"), r.problems());
        assertEquals(1, ReportInputs.scan(List.of(a, a, dir.resolve("a").resolve("..").resolve("a")
                .resolve(a.getFileName()))).evals().size(), "one file named three ways is one row");
    }
}
