package dev.deltaeval.tasks.metrics;

import dev.deltaeval.common.CPythonRandom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Test vectors computed with CPython 3.11 and lm-eval's own functions (lm-eval.md §5.5). */
class AggregationsTest {
    @Test
    void cpythonRandomStream() {
        CPythonRandom r = new CPythonRandom(0);
        assertEquals(0.8444218515250481, r.random());
        assertEquals(0.7579544029403025, r.random());
        assertEquals(0.420571580830845, r.random());
        double[] picked = new CPythonRandom(1).choices(new double[] {0, 1, 2, 3, 4});
        assertEquals(java.util.Arrays.toString(new double[] {0, 4, 3, 1, 2}), java.util.Arrays.toString(picked));
    }

    @Test
    void meanStderrOfAccuracies() {
        double[] x = {1, 0, 1, 1, 0, 1, 0, 0, 1, 1};
        assertEquals(0.16329931618554522, Aggregations.meanStderr(x));
        assertTrue(Double.isNaN(Aggregations.meanStderr(new double[] {1})), "one item: N/A");
    }

    @Test
    void perplexityAndItsBootstrapStderr() {
        double[] ll = {-1.0, -2.0, -3.0, -0.5, -4.0};
        assertEquals(8.166169912567652, Aggregations.perplexity(ll));
        assertEquals(6.735151631791104, Aggregations.perplexityBootstrapStderr(ll, 1000));
        assertEquals(6.001339137852342, Aggregations.perplexityBootstrapStderr(ll, Aggregations.BOOTSTRAP_ITERS));
    }

    @Test
    void weightedPerplexityAndBitsPerByte() {
        double[] ll = {-10, -20};
        double[] bytes = {10, 30};
        // exp(30 / 40) and 30 / (40 ln 2), by hand
        assertEquals(Math.exp(0.75), Aggregations.weightedPerplexity(ll, bytes), 1e-15);
        assertEquals(0.75 / Math.log(2), Aggregations.bitsPerByte(ll, bytes), 1e-15);
        assertEquals(Math.log(Aggregations.weightedPerplexity(ll, bytes)) / Math.log(2),
                Aggregations.bitsPerByte(ll, bytes), 1e-12);
    }
}
