package dev.deltaeval.deltanet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.CheckpointException;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bundled configs against the parameter counts model.md §9.1 computed from fla 0.2.2's modules. */
class NamedConfigsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"delta_product_340m_-1_1_2_4k_8h, 392.4", "delta_product_340m_-1_1_1_4k_12h, 392.2",
        "delta_product_340m_-1_1_3_4k_6h, 392.5", "delta_product_213m_-1_1_2_4k, 214.2", "delta_product_805m_-1_1_3_4k, 806.0",
        "delta_product_340m_-1_1_3, 342.1", "delta_product_-1_1_2_s5, 96.6", "delta_product_700m_-1_1_1_4k, 695.6",
        "delta_product_340m_0_1_3_decay, 443.2", "delta_product_340m_0_1_4_decay, 494.1"})
    void parameterCountsMatchTheDeltaProductTable(String name, double millions) throws Exception {
        Path cfg = NamedConfigs.resolve(name, tmp);
        ModelConfig c = ConfigParser.parse(cfg, CheckpointLayout.FLA_0_2_2_PER_STEP, new ArrayList<>());
        long n = 0;
        for (WeightSchema.Spec s : WeightSchema.of(c, CheckpointLayout.FLA_0_2_2_PER_STEP)) {
            long k = 1;
            for (long d : s.shape()) {
                k *= d;
            }
            n += k;
        }
        for (String dead : WeightSchema.tolerated(c, CheckpointLayout.FLA_0_2_2_PER_STEP)) {
            if (!dead.equals(WeightSchema.LM_HEAD)) {
                n += (long) c.keyDim() * c.convSize();
            }
        }
        assertEquals(millions, Math.round(n / 1e5) / 10.0, name + ": " + n);
    }

    @Test
    void unknownNameListsTheBundledOnes() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> NamedConfigs.resolve("dp9000", tmp));
        assertTrue(e.getMessage().startsWith("config dp9000: no such file and no bundled config of that name (bundled: "));
        assertTrue(e.getMessage().contains("delta_product_340m_-1_1_2_4k_8h"));
        assertEquals(28, NamedConfigs.names().size(), "all 28 model configs of the DeltaProduct repository");
    }

    /** The two configs of an older naming: read as fla 0.2.2's class, saying which keys it does not read. */
    @Test
    void theOlderDecayConfigsLoadWithWarnings() throws Exception {
        java.util.List<String> warnings = new ArrayList<>();
        ModelConfig c = ConfigParser.parse(NamedConfigs.resolve("delta_product_340m_0_1_3_decay", tmp),
                CheckpointLayout.FLA_0_2_2_PER_STEP, warnings);
        assertEquals(3, c.numHouseholder());
        assertEquals(false, c.allowNegEigval(), "eigenvalues in [0, 1]: the 0 of 0_1");
        assertEquals(false, c.useForgetGate());
        assertTrue(warnings.contains("model_type \"gated_delta_product\" read as gated_deltaproduct"), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("use_decay_gate is not read by fla 0.2.2")),
                warnings.toString());
    }
}
