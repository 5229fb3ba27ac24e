package dev.deltaeval.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deltaeval.runtime.ModelException;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    private static final int[] LENGTHS = {100, 90, 40, 40, 30, 10, 10, 10, 10, 5};

    @Test
    void aTokenBudgetSizesEachBatchByItsLongestRow() {
        BatchPlan plan = new BatchPlan(4, 100);
        // 100 tokens: 1 row; 90: 1 row; 40: 2 rows (80); 30: 3 rows; 10: capped at 4 rows
        int[] ends = {1, 2, 4, 7};
        int from = 0;
        for (int want : ends) {
            int to = plan.end(from, LENGTHS.length, i -> LENGTHS[i]);
            assertEquals(want, to, "batch from " + from);
            from = to;
        }
        assertEquals(10, plan.end(7, LENGTHS.length, i -> LENGTHS[i]));
        // a sequence longer than the budget still runs, alone
        assertEquals(1, new BatchPlan(8, 50).end(0, LENGTHS.length, i -> LENGTHS[i]));
    }

    @Test
    void fixedRowsIgnoreLengths() {
        assertEquals(3, BatchPlan.rows(3).end(0, LENGTHS.length, i -> LENGTHS[i]));
        assertEquals(10, BatchPlan.rows(3).end(9, LENGTHS.length, i -> LENGTHS[i]));
    }

    @Test
    void parsesTheOption() {
        assertEquals(BatchPlan.rows(16), BatchPlan.parse("auto", false));
        assertEquals(new BatchPlan(128, 32768), BatchPlan.parse("auto", true));
        assertEquals(BatchPlan.rows(64), BatchPlan.parse("64", true));
        assertEquals(new BatchPlan(128, 8192), BatchPlan.parse("8192t", false));
        assertEquals("128 rows / 32768 tokens", BatchPlan.auto(true).label());
        assertEquals("batch_size 0: expected auto, a positive number of sequences (16), or a token budget (32768t)",
                assertThrows(ModelException.class, () -> BatchPlan.parse("0", true)).getMessage());
        assertThrows(ModelException.class, () -> BatchPlan.parse("many", true));
    }
}
