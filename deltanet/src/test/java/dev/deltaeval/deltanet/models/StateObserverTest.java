package dev.deltaeval.deltanet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-sub-step recurrent states (for effective-rank analysis) agree with the chunked kernel's states. */
class StateObserverTest {
    @ParameterizedTest
    @ValueSource(strings = {"v022_dp2_negeig", "v022_dp3_gated_outgate", "up_gated_deltanet"})
    void observedStatesMatchTheChunkedStateAtEveryPrefix(String fixture) {
        TokenBatch input = new TokenBatch(Fixtures.expected(fixture).readLongs("input_ids"), 2, 96);
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu())) {
            int n = model.config().numHouseholder();
            int layers = model.config().numLayers();
            Map<String, float[]> seen = new HashMap<>();
            int[] count = {0};
            model.forwardObserved(input, null, ForwardRequest.logits(ForwardMode.STEPWISE), (layer, token, step, s) -> {
                count[0]++;
                if (step == n - 1 && (token == 36 || token == 95)) {
                    seen.put(layer + "@" + token, s.clone());
                }
            });
            assertEquals(layers * 96 * n, count[0], "one observation per layer, token and Householder step");
            for (int t : new int[] {37, 96}) {
                ForwardOutput chunked = model.forward(input.slice(0, t), null,
                        ForwardRequest.logits(ForwardMode.PARALLEL).withState());
                try (DeltaNetState state = (DeltaNetState) chunked.state()) {
                    for (int l = 0; l < layers; l++) {
                        float d = Fixtures.maxAbsDiff(seen.get(l + "@" + (t - 1)), state.layer(l).s().toFloatArray());
                        assertTrue(d <= 1e-4f, fixture + " layer " + l + " state after " + t + " tokens differs by " + d);
                    }
                }
            }
        }
    }
}
