package dev.deltaeval.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.Checkpoint;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.core.layers.HouseholderMixer.Mode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The forward pass against fla's fp32 outputs for every layout and option in the fixtures, in both modes.
 */
class FlaGoldenTest {
    static final String[] FIXTURES = Fixtures.ALL;
    static final float ORACLE_TOL = 1e-3f;
    static final float MODE_TOL = 1e-4f;

    private static TokenBatch ids(SafetensorsFile exp, String name) {
        long[] shape = exp.info(name).shape();
        return new TokenBatch(exp.readLongs(name), (int) shape[0], (int) shape[1]);
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void logitsAndHiddenMatchFlaInBothModes(String fixture) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        TokenBatch input = ids(exp, "input_ids");
        float[] wantLogits = exp.readFloat("logits_fp32").toFloatArray();
        float[] wantHidden = exp.readFloat("hidden_fp32").toFloatArray();
        try (DeltaModel model = DeltaModel.load(Checkpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu())) {
            ForwardOutput chunked = model.forward(input, null, ForwardRequest.logits(Mode.CHUNKED).withHidden());
            ForwardOutput recurrent = model.forward(input, null, ForwardRequest.logits(Mode.RECURRENT).withHidden());
            float dLogits = Fixtures.maxAbsDiff(chunked.logits(), wantLogits);
            float dHidden = Fixtures.maxAbsDiff(chunked.hidden(), wantHidden);
            float dRecLogits = Fixtures.maxAbsDiff(recurrent.logits(), wantLogits);
            float dModes = Fixtures.maxAbsDiff(chunked.logits(), recurrent.logits());
            System.out.printf("%s: chunked |dlogits|=%.2e |dhidden|=%.2e recurrent |dlogits|=%.2e modes=%.2e%n",
                    fixture, dLogits, dHidden, dRecLogits, dModes);
            assertTrue(dLogits <= ORACLE_TOL, fixture + " chunked logits off by " + dLogits);
            assertTrue(dHidden <= ORACLE_TOL, fixture + " chunked hidden off by " + dHidden);
            assertTrue(dRecLogits <= ORACLE_TOL, fixture + " recurrent logits off by " + dRecLogits);
            assertTrue(Fixtures.maxAbsDiff(recurrent.hidden(), wantHidden) <= ORACLE_TOL, fixture + " recurrent hidden");
            assertTrue(dModes <= MODE_TOL, fixture + " chunked vs recurrent " + dModes);
        }
    }

    /** The GPU's UT inverse (doubling product in fp32, residual-checked), run here on the CPU. */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void doublingInverseMatchesFlaAndTheRecurrentMode(String fixture) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        TokenBatch input = ids(exp, "input_ids");
        float[] want = exp.readFloat("logits_fp32").toFloatArray();
        ComputeOptions doubling = new ComputeOptions(ai.djl.Device.cpu(), Precision.FP32,
                ComputeOptions.DEFAULT_CHUNK, dev.deltaeval.core.kernels.UtInverse.DOUBLING);
        try (DeltaModel model = DeltaModel.load(Checkpoint.open(Fixtures.dir(fixture)), doubling)) {
            float[] chunked = model.forward(input, null, ForwardRequest.logits(Mode.CHUNKED)).logits();
            float[] recurrent = model.forward(input, null, ForwardRequest.logits(Mode.RECURRENT)).logits();
            float d = Fixtures.maxAbsDiff(chunked, want);
            float dModes = Fixtures.maxAbsDiff(chunked, recurrent);
            System.out.printf("%s: doubling |dlogits|=%.2e modes=%.2e%n", fixture, d, dModes);
            assertTrue(d <= ORACLE_TOL, fixture + " doubling-inverse logits off by " + d);
            assertTrue(dModes <= MODE_TOL, fixture + " doubling chunked vs recurrent " + dModes);
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shortPromptLogitsMatchFla(String fixture) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        TokenBatch input = ids(exp, "input_ids").slice(0, 40);
        float[] want = exp.readFloat("logits_fp32_T40").toFloatArray();
        try (DeltaModel model = DeltaModel.load(Checkpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu())) {
            float d = Fixtures.maxAbsDiff(model.forward(input, null, ForwardRequest.logits(Mode.CHUNKED)).logits(), want);
            System.out.printf("%s: T40 |dlogits|=%.2e%n", fixture, d);
            assertTrue(d <= ORACLE_TOL, fixture + " T40 logits off by " + d);
        }
    }

    /**
     * Prompts of different lengths (one of a single token) decoded as one batch, one of them stopping early so that
     * rows leave the batch: each prompt gets exactly what it gets alone, and fla's prompt gets fla's greedy
     * continuation both ways.
     */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void greedyGenerationReproducesFlaAloneAndInABatch(String fixture) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        long[] prompt = exp.readLongs("greedy_prompt");
        long[] want = exp.readLongs("greedy_out");
        List<long[]> prompts = List.of(java.util.Arrays.copyOf(prompt, 3), prompt, new long[] {prompt[0]},
                java.util.Arrays.copyOf(prompt, prompt.length / 2), java.util.Arrays.copyOf(prompt, 2));
        try (DeltaModel model = DeltaModel.load(Checkpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu())) {
            GreedyDecoder decoder = new GreedyDecoder(model);
            java.util.function.BiPredicate<Integer, long[]> stopPrompt3AfterThree = (i, soFar) -> i == 3
                    && soFar.length == 3;
            List<long[]> batched = decoder.generateAll(prompts, want.length, null, stopPrompt3AfterThree);
            assertArrayEquals(want, batched.get(1), fixture + " fla's prompt in a batch");
            assertEquals(3, batched.get(3).length, "the stopped prompt left the batch after 3 tokens");
            for (int i = 0; i < prompts.size(); i++) {
                final int index = i;
                long[] alone = decoder.generate(prompts.get(i), want.length, null,
                        soFar -> stopPrompt3AfterThree.test(index, soFar));
                assertArrayEquals(alone, batched.get(i), fixture + " prompt " + i + " batched vs alone");
            }
        }
    }
}
