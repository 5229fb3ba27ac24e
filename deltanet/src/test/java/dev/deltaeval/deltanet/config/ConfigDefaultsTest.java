package dev.deltaeval.deltanet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fla's defaults for missing keys (model.md §2.1, §3, §4). */
class ConfigDefaultsTest {
    private static ModelConfig parse(String json, CheckpointLayout layout) throws Exception {
        return ConfigParser.parse(new ObjectMapper().readTree(json), "config.json", layout, new ArrayList<>());
    }

    @Test
    void fla022GatedDeltaProductDefaultsExpandV2AndGateOn() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"gated_deltaproduct\", \"hidden_size\": 64, \"head_dim\": 32, "
                + "\"num_heads\": 2}", CheckpointLayout.FLA_0_2_2_PER_STEP);
        assertEquals(64, c.headVDim(), "expand_v defaults to 2");
        assertTrue(c.useOutputGate(), "use_gate defaults to true");
        assertEquals(1, c.numHouseholder());
        assertFalse(c.useForgetGate());
        assertFalse(c.allowNegEigval());
        assertTrue(c.useShortConv());
        assertEquals(4, c.convSize());
        assertEquals(1e-6, c.normEps());
        assertEquals(21, c.numLayers());
        assertEquals(32000, c.vocabSize());
        assertFalse(c.tieWordEmbeddings());
    }

    @Test
    void currentFlaReadsUseOutputGateAndIgnoresLegacyUseGate() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"gated_deltaproduct\", \"use_gate\": false}", CheckpointLayout.FLA_MERGED);
        assertTrue(c.useOutputGate(), "current fla ignores use_gate; use_output_gate defaults to true");
        ModelConfig d = parse("{\"model_type\": \"gated_deltaproduct\", \"use_output_gate\": false}",
                CheckpointLayout.FLA_MERGED);
        assertFalse(d.useOutputGate());
        assertEquals(256, d.headKDim());
        assertEquals(512, d.headVDim());
        assertEquals(6, d.numHeads());
        assertEquals(2048, d.hiddenSize());
    }

    @Test
    void deltaNetDerivesHeadSizesFromExpandRatios() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"delta_net\", \"hidden_size\": 64, \"num_heads\": 2, \"expand_v\": 2}",
                CheckpointLayout.FLA_MERGED);
        assertEquals(32, c.headKDim());
        assertEquals(64, c.headVDim());
        assertTrue(c.useBeta());
        assertFalse(c.useOutputGate());
        assertEquals(ModelConfig.QkActivation.SILU, c.qkActivation());
        assertEquals(ModelConfig.QkNorm.L2, c.qkNorm());
        assertEquals(24, parse("{\"model_type\": \"delta_net\"}", CheckpointLayout.FLA_MERGED).numLayers());
        assertEquals(16, parse("{\"model_type\": \"delta_net\"}", CheckpointLayout.FLA_MERGED).numHeads());
    }

    @Test
    void gatedDeltaNetDefaults() throws Exception {
        ModelConfig c = parse("{\"model_type\": \"gated_deltanet\"}", CheckpointLayout.FLA_MERGED);
        assertTrue(c.useForgetGate());
        assertTrue(c.useOutputGate());
        assertEquals(256, c.headKDim());
        assertEquals(512, c.headVDim());
        assertEquals(6, c.numHeads());
    }

    @Test
    void intermediateSizeFollowsFlaRule() {
        // model.md §1: H=768->2048, 736->2048, 1024->2816, 1468->4096, 1536->4096, 2048->5632
        int[][] cases = {{768, 2048}, {736, 2048}, {1024, 2816}, {1468, 4096}, {1536, 4096}, {2048, 5632}, {64, 256}};
        for (int[] c : cases) {
            assertEquals(c[1], ModelConfig.defaultIntermediateSize(c[0], 4), "H=" + c[0]);
        }
    }

    @Test
    void staleModelTypeSpellingIsReadWithAWarning() throws Exception {
        List<String> warnings = new ArrayList<>();
        ModelConfig c = ConfigParser.parse(new ObjectMapper().readTree("{\"model_type\": \"gated_delta_product\"}"),
                "config.json", CheckpointLayout.FLA_0_2_2_PER_STEP, warnings);
        assertEquals(DeltaNetVariant.GATED_DELTAPRODUCT, c.family());
        assertEquals(1, warnings.size());
    }
}
