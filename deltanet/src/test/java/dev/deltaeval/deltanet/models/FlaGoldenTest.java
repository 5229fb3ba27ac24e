package dev.deltaeval.deltanet.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.deltanet.ops.DeltaRuleKernel;
import dev.deltaeval.deltanet.ops.KernelPlan;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forward pass against fla's fp32 outputs for every layout and option in the fixtures, on every kernel that is
 * installed and runs here (the GPU's UT inverse included: {@code djl-chunked-doubling}).
 */
class FlaGoldenTest {
    static final String[] FIXTURES = Fixtures.ALL;
    static final float ORACLE_TOL = 1e-3f;
    static final float MODE_TOL = 1e-4f;

    static TokenBatch ids(SafetensorsFile exp, String name) {
        long[] shape = exp.info(name).shape();
        return new TokenBatch(exp.readLongs(name), (int) shape[0], (int) shape[1]);
    }

    static List<Arguments> fixturesAndKernels() {
        List<Arguments> out = new ArrayList<>();
        for (DeltaRuleKernel k : KernelPlan.installed()) {
            if (k.unavailable(ComputeOptions.cpu()).isEmpty()) {
                for (String f : FIXTURES) {
                    out.add(Arguments.of(f, k.name(), k.mode()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("fixturesAndKernels")
    void logitsAndHiddenMatchFlaOnEveryKernel(String fixture, String kernel, ForwardMode mode) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        TokenBatch input = ids(exp, "input_ids");
        float[] wantLogits = exp.readFloat("logits_fp32").toFloatArray();
        float[] wantHidden = exp.readFloat("hidden_fp32").toFloatArray();
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)),
                ComputeOptions.cpu().withKernels(kernel))) {
            assertTrue(model.kernelSummary().contains(" " + kernel), model.kernelSummary());
            ForwardOutput out = model.forward(input, null, ForwardRequest.logits(mode).withHidden());
            float dLogits = Fixtures.maxAbsDiff(out.logits(), wantLogits);
            float dHidden = Fixtures.maxAbsDiff(out.hidden(), wantHidden);
            // the other mode (its automatic kernel) on the same model: the two forms must agree far inside fla's bar
            ForwardMode other = mode == ForwardMode.PARALLEL ? ForwardMode.STEPWISE : ForwardMode.PARALLEL;
            float dModes = Fixtures.maxAbsDiff(out.logits(),
                    model.forward(input, null, ForwardRequest.logits(other)).logits());
            System.out.printf("%s on %s: |dlogits|=%.2e |dhidden|=%.2e modes=%.2e%n", fixture, kernel, dLogits,
                    dHidden, dModes);
            assertTrue(dLogits <= ORACLE_TOL, fixture + " " + kernel + " logits off by " + dLogits);
            assertTrue(dHidden <= ORACLE_TOL, fixture + " " + kernel + " hidden off by " + dHidden);
            assertTrue(dModes <= MODE_TOL, fixture + " " + kernel + " vs the other mode " + dModes);
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shortPromptLogitsMatchFla(String fixture) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        TokenBatch input = ids(exp, "input_ids").slice(0, 40);
        float[] want = exp.readFloat("logits_fp32_T40").toFloatArray();
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu())) {
            float d = Fixtures.maxAbsDiff(model.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL))
                    .logits(), want);
            System.out.printf("%s: T40 |dlogits|=%.2e%n", fixture, d);
            assertTrue(d <= ORACLE_TOL, fixture + " T40 logits off by " + d);
        }
    }
}
