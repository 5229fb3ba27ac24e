package dev.deltaeval.rank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.charts.ChartAssertions;
import dev.deltaeval.charts.ChartFiles;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.models.DeltaNetModel;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming hidden-state ranks against a direct SVD of fla's own hidden states, and the rank charts as files.
 */
class HiddenRankTest {
    static final Path FIXTURE = Path.of("../deltanet/src/test/resources/fla-golden/v022_dp2_negeig");

    @Test
    void streamedGramSpectraEqualADirectSvdOfFlaHiddenStates() {
        SafetensorsFile exp = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"));
        int t = (int) exp.info("input_ids").shape()[1];
        long[] ids = Arrays.copyOf(exp.readLongs("input_ids"), t);
        float[] fla = exp.readFloat("hidden_fp32").toFloatArray(); // [L+1, 2, T, H]
        try (DeltaNetModel model = (DeltaNetModel) ModelFamilies.open(FIXTURE).load(ComputeOptions.cpu())) {
            int h = model.config().hiddenSize();
            int window = 16;
            HiddenRanks got = new HiddenRankCollector(model, 1e-6, 7).collect(ids, window, null, null);
            assertEquals(t / window, got.windowStarts().length);
            SingularValues sv = new SingularValues();
            for (int e = 0; e <= model.config().numLayers(); e++) {
                int base = e * 2 * t * h; // sequence 0 of entry e
                SpectralMeasures whole = SpectralMeasures.of(sv.of(fla, base, t, h), 1e-6);
                assertEquals(whole.effectiveRank(), got.whole()[e].effectiveRank(), 1e-3 * whole.effectiveRank(),
                        "entry " + e + " whole-sequence effective rank");
                assertEquals(whole.participationRatio(), got.whole()[e].participationRatio(),
                        1e-3 * whole.participationRatio(), "entry " + e + " participation ratio");
                for (int w = 0; w < got.windowStarts().length; w++) {
                    SpectralMeasures direct = SpectralMeasures.of(sv.of(fla, base + w * window * h, window, h), 1e-6);
                    assertEquals(direct.effectiveRank(), got.windowed()[e][w].effectiveRank(),
                            1e-3 * direct.effectiveRank(), "entry " + e + " window " + w);
                }
            }
        }
    }

    @Test
    void tokenMixerOutputsAreExtraEntriesAndLeaveTheHiddenStatesAlone() {
        SafetensorsFile exp = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"));
        int t = (int) exp.info("input_ids").shape()[1];
        long[] ids = Arrays.copyOf(exp.readLongs("input_ids"), t);
        try (DeltaNetModel model = (DeltaNetModel) ModelFamilies.open(FIXTURE).load(ComputeOptions.cpu())) {
            HiddenRanks plain = new HiddenRankCollector(model, 1e-6, 40).collect(ids, 32, false, null, null);
            HiddenRanks withMixers = new HiddenRankCollector(model, 1e-6, 40).collect(ids, 32, true, null, null);
            assertEquals(List.of("embeddings", "block 0", "final norm"), plain.names());
            assertEquals(List.of("embeddings", "block 0", "final norm", "mixer 0", "mixer 1"), withMixers.names());
            for (int e = 0; e < 3; e++) {
                assertEquals(plain.whole()[e], withMixers.whole()[e]);
            }
            for (int e = 3; e < 5; e++) {
                double er = withMixers.whole()[e].effectiveRank();
                assertEquals(true, er > 1 && er <= 64, "mixer effective rank " + er);
            }
        }
    }

    @Test
    void rankChartsAreValidAndNotBlank(@TempDir Path dir) throws Exception {
        SafetensorsFile exp = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"));
        int t = (int) exp.info("input_ids").shape()[1];
        long[] ids = Arrays.copyOf(exp.readLongs("input_ids"), t);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (DeltaNetModel model = (DeltaNetModel) ModelFamilies.open(FIXTURE).load(ComputeOptions.cpu())) {
            StateRanks states = new StateRankCollector(model, pool, 1e-6, 32).collect(ids,
                    PositionSelector.parse("all", t), null, null);
            HiddenRanks hidden = new HiddenRankCollector(model, 1e-6, 32).collect(ids, 16, null, null);
            RankReport report = new RankReport("fixture", "v022_dp2_negeig", t, 64, "all", 1e-6,
                    new long[] {0, 40}, states, hidden, Map.of("seed", 0));
            List<Path> files = RankCharts.write(report, dir, "fixture");
            assertEquals(2 * (model.config().numLayers() + 2), files.size(), "per layer, heat map and hidden charts");
            for (Path f : files) {
                if (f.toString().endsWith(".png")) {
                    ChartAssertions.assertPng(f, ChartFiles.WIDTH, ChartFiles.HEIGHT, 6);
                } else {
                    ChartAssertions.assertSvg(f);
                }
            }
            assertEquals(t * model.config().numHouseholder(),
                    report.toJson().path("recurrent_state").path("substeps").size());
        } finally {
            pool.shutdownNow();
        }
    }
}
