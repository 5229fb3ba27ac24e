package dev.deltaeval.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeltaEvalExceptionTest {
    @Test
    void settingsAreNamedByWhoeverShowsTheMessage() {
        DeltaEvalException e = new DeltaEvalException(DeltaEvalException.setting("batch_size")
                + " 0: expected a positive number; lower " + DeltaEvalException.setting("segment") + " {not a marker}");
        assertEquals("batch_size 0: expected a positive number; lower segment {not a marker}", e.getMessage());
        assertEquals("--batch-size 0: expected a positive number; lower --segment {not a marker}",
                e.render(k -> "--" + k.replace('_', '-')));
        assertEquals(DeltaEvalException.EXIT_BAD_INPUT, e.exitCode());
    }
}
