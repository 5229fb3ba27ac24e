package dev.deltaeval.statetracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deltaeval.common.DeltaEvalException;
import org.junit.jupiter.api.Test;

/** sfirah's metrics on a hand-made correctness matrix, and the vocabulary of main.py's tokenizer. */
class PrefixAccuracyTest {
    @Test
    void cumulativeSequenceAccuracyIsTheShareRightUpToEachPosition() {
        PrefixAccuracy acc = new PrefixAccuracy(4);
        acc.add(new boolean[] {true, true, true, true});
        acc.add(new boolean[] {true, false, true, true}); // wrong once: wrong from there on, in the curve
        acc.add(new boolean[] {true, true, true, false});
        acc.add(new boolean[] {false, true, true, true});
        // sfirah: acc[t] = mean_b floor(cumsum(correct)[t] / (t + 1))
        assertArrayEquals(new double[] {0.75, 0.5, 0.5, 0.25}, acc.prefixSequenceAccuracy(), 0);
        assertArrayEquals(new double[] {0.75, 0.75, 1.0, 0.75}, acc.tokenAccuracy(), 0);
        assertEquals(0.25, acc.sequenceAccuracy());
        assertEquals(13.0 / 16, acc.tokenAccuracyMean());
        assertEquals(0, acc.longestAtLeast(0.7));
        assertEquals(-1, acc.longestAtLeast(0.8));
        // Wilson's interval for 1 of 4 from its closed form (c + z^2/2 -+ z sqrt(c(n-c)/n + z^2/4)) / (n + z^2),
        // evaluated in Python: 0.045587260809700575, 0.6993581574175981
        double[] ci = acc.wilson95(3);
        assertEquals(0.045587260809700575, ci[0], 1e-12);
        assertEquals(0.6993581574175981, ci[1], 1e-12);
    }

    @Test
    void wilsonBoundsAtNoneAndAllRightAreExactlyZeroAndOne() {
        PrefixAccuracy acc = new PrefixAccuracy(2);
        for (int i = 0; i < 1000; i++) {
            acc.add(new boolean[] {true, false});
        }
        // closed form at c = 0: (z^2/2 - z sqrt(z^2/4)) / (n + z^2) = 0; at c = n: (n + z^2/2 + z^2/2) / (n + z^2) = 1
        assertEquals(0.0, acc.wilson95(1)[0]);
        assertEquals(1.0, acc.wilson95(0)[1]);
        assertEquals(1.959963984540054 * 1.959963984540054 / (1000 + 1.959963984540054 * 1.959963984540054),
                acc.wilson95(1)[1], 1e-15);
    }

    @Test
    void vocabularyOfMainPyAndItsCheck() {
        GroupVocab s3 = GroupVocab.of(Groups.parse("S3"), 13, "config.json");
        assertEquals(6, s3.pad());
        assertEquals(7, s3.bos());
        GroupVocab s5 = GroupVocab.of(PermutationGroup.symmetric(5), 127, "config.json");
        assertEquals(121, s5.bos());
        assertEquals("ckpt/config.json: vocab_size 13 is 6 tokens and 7 specials, but A5 has 60 elements",
                assertThrows(DeltaEvalException.class, () -> GroupVocab.of(Groups.parse("A5"), 13,
                        "ckpt/config.json")).getMessage());
    }
}
