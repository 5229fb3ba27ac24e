package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import dev.deltaeval.tasks.text.WikitextDetokenizer;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** lm-eval's own unit-test vectors for rolling windows, and the detokenizer vector of lm-eval.md §3.2. */
class RollingWindowsTest {
    @Test
    void lmEvalRollingWindowVector() {
        long[] tokens = LongStream.range(0, 34).toArray();
        List<LoglikelihoodRequest> w = RollingWindows.windows(tokens, -100, 10);
        assertEquals(4, w.size());
        assertArrayEquals(new long[] {-100}, w.get(0).context());
        assertArrayEquals(LongStream.range(0, 10).toArray(), w.get(0).continuation());
        assertArrayEquals(new long[] {9}, w.get(1).context());
        assertArrayEquals(LongStream.range(10, 20).toArray(), w.get(1).continuation());
        assertArrayEquals(new long[] {19}, w.get(2).context());
        assertArrayEquals(LongStream.range(20, 30).toArray(), w.get(2).continuation());
        assertArrayEquals(LongStream.range(23, 30).toArray(), w.get(3).context());
        assertArrayEquals(LongStream.range(30, 34).toArray(), w.get(3).continuation());
    }

    @Test
    void shortDocumentIsOneWindow() {
        List<LoglikelihoodRequest> w = RollingWindows.windows(new long[] {5, 6, 7}, 1, 10);
        assertEquals(1, w.size());
        assertArrayEquals(new long[] {1}, w.get(0).context());
        assertArrayEquals(new long[] {5, 6, 7}, w.get(0).continuation());
    }

    @Test
    void detokenizerVector() {
        String in = " = Valkyria Chronicles III = \n \n Senj\u014d no Valkyria 3 : Unrecorded Chronicles ( Japanese : "
                + "\u6226\u5834\u306e\u30f4\u30a1\u30eb\u30ad\u30e5\u30ea\u30a23 , lit . Valkyria of the Battlefield 3 ) , "
                + "tactical role @-@ playing video game . \n = = Gameplay = = \n";
        String want = " = Valkyria Chronicles III =\n\nSenj\u014d no Valkyria 3: Unrecorded Chronicles (Japanese: "
                + "\u6226\u5834\u306e\u30f4\u30a1\u30eb\u30ad\u30e5\u30ea\u30a23, lit. Valkyria of the Battlefield 3), "
                + "tactical role-playing video game.\n== Gameplay ==\n";
        assertEquals(want, WikitextDetokenizer.detokenize(in));
    }
}
