package dev.deltaeval.rank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.models.DeltaNetModel;
import dev.deltaeval.deltanet.models.DeltaNetState;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The states the rank collector analyses: recurrent-mode states equal the chunked kernel's states at the same
 * prefix, and the final state equals a plain-Java token-by-token delta rule fed from fla's own hidden states.
 */
class StateCaptureTest {
    static final Path GOLDEN = Path.of("../deltanet/src/test/resources/fla-golden");
    static final float TOL = 1e-4f;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    static long[] sequence0(SafetensorsFile exp) {
        long[] ids = exp.readLongs("input_ids");
        return Arrays.copyOf(ids, (int) exp.info("input_ids").shape()[1]);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v022_dp2_negeig", "v022_dp3_gated_outgate"})
    void capturedStatesEqualChunkedStatesAtTheSamePrefix(String fixture) {
        Path dir = GOLDEN.resolve(fixture);
        long[] ids = sequence0(SafetensorsFile.open(dir.resolve("expected.safetensors")));
        try (DeltaNetModel model = (DeltaNetModel) ModelFamilies.open(dir).load(ComputeOptions.cpu())) {
            int n = model.config().numHouseholder();
            Map<String, float[]> tapped = new HashMap<>();
            StateRanks ranks = new StateRankCollector(model, pool, 1e-6, 29).collect(ids,
                    PositionSelector.parse("1,37,96", ids.length), (layer, substep, s) -> tapped.put(layer + "@"
                            + substep, s), null);
            assertEquals(3, ranks.substeps().length);
            assertEquals(37L * n, ranks.substeps()[1]);
            for (int t : new int[] {1, 37, 96}) {
                try (DeltaNetState chunked = (DeltaNetState) model.forward(TokenBatch.single(Arrays.copyOf(ids, t)), null,
                        ForwardRequest.stateOnly()).state()) {
                    for (int l = 0; l < model.config().numLayers(); l++) {
                        float[] got = tapped.get(l + "@" + (long) t * n);
                        float d = maxAbsDiff(got, chunked.layer(l).s().toFloatArray());
                        assertTrue(d <= TOL, fixture + " layer " + l + " after " + t + " tokens: " + d);
                        // the ranks reported are those of the captured states
                        int c = t == 1 ? 0 : t == 37 ? 1 : 2;
                        int heads = model.config().numHeads();
                        int per = got.length / heads;
                        for (int h = 0; h < heads; h++) {
                            SpectralMeasures m = SpectralMeasures.of(new SingularValues().of(got, h * per,
                                    model.config().headKDim(), per / model.config().headKDim()), 1e-6);
                            assertEquals(m.effectiveRank(), ranks.effectiveRank()[l][c][h], 1e-5);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v022_dp2_negeig", "v022_dn_negeig"})
    void finalStateEqualsAPlainTokenByTokenLoopOnFlaHiddenStates(String fixture) {
        Path dir = GOLDEN.resolve(fixture);
        SafetensorsFile exp = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        long[] ids = sequence0(exp);
        float[] hidden = exp.readFloat("hidden_fp32").toFloatArray(); // [L+1, 2, T, H]
        SafetensorsFile weights = SafetensorsFile.open(dir.resolve("model.safetensors"));
        try (DeltaNetModel model = (DeltaNetModel) ModelFamilies.open(dir).load(ComputeOptions.cpu())) {
            StateRanks ranks = new StateRankCollector(model, pool, 1e-6, 40).collect(ids,
                    PositionSelector.parse("every:32", ids.length), null, null);
            int t = ids.length;
            int h = model.config().hiddenSize();
            for (int l = 0; l < model.config().numLayers(); l++) {
                float[] x = Arrays.copyOfRange(hidden, (l * 2) * t * h, (l * 2 + 1) * t * h); // sequence 0
                float[] want = PlainDeltaProduct.finalState(weights, model.config(), l, x, t);
                float d = maxAbsDiff(ranks.finalStates()[l], want);
                System.out.printf("%s layer %d: final state vs plain loop max|d|=%.2e%n", fixture, l, d);
                assertTrue(d <= TOL, fixture + " layer " + l + " final state differs by " + d);
            }
        }
    }
}
