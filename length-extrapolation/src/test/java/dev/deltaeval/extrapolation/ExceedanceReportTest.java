package dev.deltaeval.extrapolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The exceedance position is a measurement only where positions beyond the training context were analysed. */
class ExceedanceReportTest {
    @Test
    void aTrainingContextBeyondTheDataIsNotReportedAsNever() {
        JsonNode beyond = ChartsTest.report("DN", 1.0, 100_000).toJson().path("results").path("first_exceedance");
        assertTrue(beyond.get("position").isNull(), beyond.toString());
        assertEquals("the analysed sequences (300 positions) do not go beyond the training context",
                beyond.path("not_measured").asText());
        JsonNode within = ChartsTest.report("DN", 1.0, 100).toJson().path("results").path("first_exceedance");
        // the curve rises by (t - 100) / 50 nats after position 100: +10% is passed 5 positions later
        assertTrue(within.get("position").asInt() > 100 && within.get("position").asInt() < 120, within.toString());
        assertTrue(within.path("not_measured").isMissingNode());
    }
}
