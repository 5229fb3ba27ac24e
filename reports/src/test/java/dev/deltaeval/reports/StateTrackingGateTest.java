package dev.deltaeval.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare} on two {@code state-tracking eval} results: the accuracy at the test length is gated. */
class StateTrackingGateTest {
    @TempDir
    Path tmp;

    private Path result(String name, double atTest, double atTrain, String dataHash) throws IOException {
        return Files.writeString(tmp.resolve(name + ".json"), """
                {"kind": "state_tracking", "schema_version": 1, "model": "%s", "label": "DeltaProduct_2[-1,1], 1 layer",
                 "group": "S3", "k_test": 512, "k_train": 128, "sequences": 1000,
                 "metrics": {"sequence_accuracy": %s, "acc_at_k_train": %s, "token_accuracy_mean": 0.9},
                 "provenance": {"data_sha256": "%s"}}
                """.formatted(name, atTest, atTrain, dataHash));
    }

    @Test
    void aDropAtTheTestLengthRegressesAndDifferentSequencesAreNotCompared() throws IOException {
        Path base = result("base", 0.9, 1.0, "aa");
        Path worse = result("worse", 0.8, 1.0, "aa");
        Comparison.Gate g = Comparison.gate(List.of(base), List.of(worse), List.of(), 100, 1, null, null);
        assertEquals(1, g.result().exitCode(), g.markdown());
        Comparison.MetricDiff acc = g.result().diffs().stream().filter(d -> d.metric().equals("acc")).findFirst()
                .orElseThrow();
        assertEquals("state_tracking_S3_512", acc.task());
        // binomial standard errors over 1000 sequences, unpaired: sqrt(0.9 * 0.1 / 1000 + 0.8 * 0.2 / 1000)
        assertEquals(Math.sqrt(0.09 / 1000 + 0.16 / 1000), acc.stderr(), 1e-15);
        assertEquals("unpaired-z", acc.test());
        assertTrue(acc.regressed() && acc.pValue() < 1e-9, acc.toString());
        Comparison.MetricDiff atTrain = g.result().diffs().stream().filter(d -> d.metric().equals("acc_at_k_train"))
                .findFirst().orElseThrow();
        assertTrue(!atTrain.regressed(), "1.0 and 1.0 at the training length");

        Path same = result("same", 0.895, 1.0, "aa");
        assertEquals(0, Comparison.gate(List.of(base), List.of(same), List.of(), 100, 1, null, null).result()
                .exitCode(), "0.005 on 1000 sequences is within noise");

        Path other = result("other", 0.9, 1.0, "bb");
        Comparison.Result r = Comparison.gate(List.of(base), List.of(other), List.of(), 100, 1, null, null).result();
        assertEquals(2, r.exitCode());
        assertTrue(r.problems().get(0).startsWith("task state_tracking_S3_512: different data"), r.problems().toString());
    }

    @Test
    void aResultWithoutAnAccuracyIsOneLine() throws IOException {
        Path broken = Files.writeString(tmp.resolve("broken.json"), """
                {"kind": "state_tracking", "group": "S3", "k_test": 512, "sequences": 1000,
                 "metrics": {"sequence_accuracy": "high", "acc_at_k_train": 1.0}}
                """);
        ReportException e = assertThrows(ReportException.class, () -> EvalRun.read(broken));
        assertEquals(broken + ": metrics.sequence_accuracy is \"high\" over 1000 sequences (expected a proportion "
                + "from 0 to 1 over at least one sequence)", e.getMessage());
    }
}
