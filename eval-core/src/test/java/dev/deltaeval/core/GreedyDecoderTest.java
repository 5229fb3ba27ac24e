package dev.deltaeval.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Batched greedy decoding against fla's greedy continuations (the DeltaNet fixtures of the deltanet module). */
class GreedyDecoderTest {
    /** The deltanet module\'s fla fixtures (a folder of this repository, not a class path resource). */
    static final Path FLA_GOLDEN = Path.of("../deltanet/src/test/resources/fla-golden");

    static final String[] FIXTURES = {"v022_dn_negeig", "v022_dp2_negeig", "v022_dp3_gated_outgate",
        "v022_dp2_noconv_untied", "up_gdp2_gated_outgate", "up_deltanet_negeig", "up_gated_deltanet"};

    static Path dir(String name) {
        return FLA_GOLDEN.resolve(name);
    }

    /**
     * Prompts of different lengths (one of a single token) decoded as one batch, one of them stopping early so that
     * rows leave the batch: each prompt gets exactly what it gets alone, and fla's prompt gets fla's greedy
     * continuation both ways.
     */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void greedyGenerationReproducesFlaAloneAndInABatch(String fixture) {
        SafetensorsFile exp = SafetensorsFile.open(dir(fixture).resolve("expected.safetensors"));
        long[] prompt = exp.readLongs("greedy_prompt");
        long[] want = exp.readLongs("greedy_out");
        List<long[]> prompts = List.of(java.util.Arrays.copyOf(prompt, 3), prompt, new long[] {prompt[0]},
                java.util.Arrays.copyOf(prompt, prompt.length / 2), java.util.Arrays.copyOf(prompt, 2));
        try (LanguageModel model = ModelFamilies.open(dir(fixture)).load(ComputeOptions.cpu())) {
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
