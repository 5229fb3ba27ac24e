package dev.deltaeval.extrapolation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The curve definitions against hand-computed values. */
class PositionCurvesTest {
    @Test
    void runningMeansAveragedOverSequencesByHand() {
        PositionCurves c = new PositionCurves(3);
        c.add(new double[] {1, 3, 2}, new boolean[] {true, false, false});
        c.add(new double[] {3, 1, 4}, new boolean[] {false, false, true});
        PositionCurves.Curves r = c.curves();
        // running loss: seq A 1, 2, 2; seq B 3, 2, 8/3 -> means 2, 2, 7/3
        assertArrayEquals(new double[] {Math.exp(2), Math.exp(2), Math.exp(7.0 / 3)}, r.perplexities(), 1e-12);
        // running accuracy: A 1, 1/2, 1/3; B 0, 0, 1/3 -> 1/2, 1/4, 1/3
        assertArrayEquals(new double[] {0.5, 0.25, 1.0 / 3}, r.accuracies(), 1e-12);
        assertArrayEquals(new double[] {2, 2, 3}, r.tokenLosses(), 1e-12);
        assertEquals(2, r.sequences());
    }

    @Test
    void bucketedPerplexityIsExpOfMeanTokenLossPerBucket() {
        PositionCurves.Curves r = new PositionCurves.Curves(new double[5], new double[5],
                new double[] {1, 3, 2, 2, 5}, 1);
        assertArrayEquals(new double[] {Math.exp(2), Math.exp(2), Math.exp(5)}, r.bucketedPerplexity(2), 1e-12);
    }

    @Test
    void firstExceedanceIsTheFirstPositionPastTheMargin() {
        double[] ppl = {10, 9, 8, 8.5, 8.7, 9, 12};
        PositionCurves.Curves r = new PositionCurves.Curves(ppl, new double[7], new double[7], 1);
        assertEquals(6, r.firstExceedance(3, 0.1)); // limit 8.8: position 6 (value 9)
        assertEquals(7, r.firstExceedance(3, 0.4)); // limit 11.2
        assertEquals(-1, r.firstExceedance(3, 1.0));
        assertEquals(-1, r.firstExceedance(7, 0.1)); // no position beyond the training context
    }

    @Test
    void resumedAccumulatorEqualsAnUninterruptedOne(@TempDir Path dir) {
        double[][] losses = {{1, 2, 3, 4}, {2, 2, 2, 2}, {0.5, 4, 1, 0}};
        boolean[][] hits = {{true, false, true, true}, {false, false, true, false}, {true, true, true, false}};
        PositionCurves straight = new PositionCurves(4);
        for (int i = 0; i < 3; i++) {
            straight.add(losses[i], hits[i]);
        }
        ResumeFile file = new ResumeFile(dir.resolve("run.partial.json"), "key-1");
        PositionCurves first = file.loadOrStart(4);
        first.add(losses[0], hits[0]);
        first.add(losses[1], hits[1]);
        file.save(first);
        PositionCurves resumed = file.loadOrStart(4);
        assertEquals(2, resumed.sequences());
        resumed.add(losses[2], hits[2]);
        assertArrayEquals(straight.curves().perplexities(), resumed.curves().perplexities(), 0);
        assertArrayEquals(straight.curves().accuracies(), resumed.curves().accuracies(), 0);
        assertEquals(0, new ResumeFile(dir.resolve("run.partial.json"), "other-run").loadOrStart(4).sequences());
    }
}
