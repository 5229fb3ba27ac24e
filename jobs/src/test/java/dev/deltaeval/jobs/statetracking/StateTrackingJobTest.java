package dev.deltaeval.jobs.statetracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.deltanet.config.CheckpointLayout;
import dev.deltaeval.deltanet.models.CheckpointInitializer;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.statetracking.Groups;
import dev.deltaeval.statetracking.WordProblem;
import dev.deltaeval.statetracking.WordProblemSampler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's batched, segmented scoring against the plain per-sequence forward pass (full logits, step by step) and
 * sfirah's formula computed here, on a random-weight model of the repository's shape (S3: 13 ids, no short
 * convolution, n_h = 2).
 */
class StateTrackingJobTest {
    @TempDir
    Path tmp;

    private Path checkpoint(String name) throws IOException {
        return checkpoint(name, true);
    }

    private Path checkpoint(String name, boolean negativeEigenvalues) throws IOException {
        Path cfg = Files.writeString(tmp.resolve(name + ".json"), "{\"model_type\": \"gated_deltaproduct\", "
                + "\"hidden_size\": 32, \"num_hidden_layers\": 1, \"num_heads\": 2, \"head_dim\": 16, "
                + "\"expand_v\": 1, \"use_gate\": false, \"use_short_conv\": false, \"allow_neg_eigval\": "
                + negativeEigenvalues + ", "
                + "\"num_householder\": 2, \"vocab_size\": 13, \"bos_token_id\": 0, \"eos_token_id\": 12, "
                + "\"tie_word_embeddings\": false}");
        Path dir = tmp.resolve(name);
        CheckpointInitializer.write(cfg, dir, 7, CheckpointLayout.FLA_0_2_2_PER_STEP,
                CheckpointInitializer.StoredType.F32);
        return dir;
    }

    @Test
    void curvesEqualThePlainForwardPassAndSfirahsFormula() throws IOException {
        Path ckpt = checkpoint("S3_GatedDeltaProduct_k16_householders2_2025-06-06_666");
        Path out = tmp.resolve("out");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        // batches of 3 sequences and segments of 7 tokens: neither divides the 9 sequences of 21 positions evenly
        Jobs.run(new StateTrackingSpec(List.of(ckpt.toString()), null, List.of(20), 9L, 5L, null, null, 3, 7,
                out.toString(), false, "cpu", "fp32", null, null), () -> new PrintStream(console, true,
                StandardCharsets.UTF_8));
        JsonNode r = new ObjectMapper().readTree(out.resolve("state_tracking_S3_20_S3_GatedDeltaProduct_k16_"
                + "householders2_2025-06-06_666.json").toFile());
        assertEquals(16, r.get("k_train").asInt(), "k_train from the repository's folder name");
        for (String ext : new String[] {".png", ".svg"}) {
            Path chart = out.resolve("plots/state_tracking_S3_20_S3_GatedDeltaProduct_k16_householders2_2025-06-06_666"
                    + ext);
            assertTrue(Files.size(chart) > 1000, chart + " written");
        }
        double[] want = new double[21];
        double[] wantTok = new double[21];
        try (LanguageModel m = ModelFamilies.open(ckpt).load(ComputeOptions.cpu())) {
            List<WordProblem> problems = WordProblemSampler.sample(Groups.parse("S3"), 20, 9, 5);
            for (WordProblem w : problems) {
                long[] ids = new long[21];
                ids[0] = 7; // [BOS]
                for (int t = 0; t < 20; t++) {
                    ids[t + 1] = w.input()[t];
                }
                float[] logits = m.forward(TokenBatch.single(ids), null, ForwardRequest.logits(ForwardMode.STEPWISE))
                        .logits();
                int rightSoFar = 0;
                for (int t = 0; t <= 20; t++) {
                    int best = 0;
                    for (int v = 1; v < 13; v++) {
                        best = logits[t * 13 + v] > logits[t * 13 + best] ? v : best;
                    }
                    long label = t == 0 ? 7 : w.target()[t - 1];
                    rightSoFar += best == label ? 1 : 0;
                    wantTok[t] += (best == label ? 1.0 : 0.0) / 9;
                    want[t] += Math.floor(rightSoFar / (t + 1.0)) / 9; // sfirah: floor(cumsum / (t + 1))
                }
            }
        }
        double[] got = new ObjectMapper().convertValue(r.get("prefix_sequence_accuracy"), double[].class);
        double[] gotTok = new ObjectMapper().convertValue(r.get("token_accuracy"), double[].class);
        assertArrayEquals(want, got, 1e-12);
        assertArrayEquals(wantTok, gotTok, 1e-12);
        // the automatic batch and segment: the CPU's token budget of 32768 holds 1560 whole sequences of 21 tokens,
        // so all nine run in one pass of one segment
        Path auto = tmp.resolve("auto");
        Jobs.run(new StateTrackingSpec(List.of(ckpt.toString()), null, List.of(20), 9L, 5L, null, null, null, null,
                auto.toString(), true, "cpu", "fp32", null, null), JobContext.console());
        JsonNode a = new ObjectMapper().readTree(auto.resolve("state_tracking_S3_20_S3_GatedDeltaProduct_k16_"
                + "householders2_2025-06-06_666.json").toFile());
        assertArrayEquals(want, new ObjectMapper().convertValue(a.get("prefix_sequence_accuracy"), double[].class),
                1e-12);
        assertEquals(7, r.get("provenance").get("segment").asInt());
        assertEquals(32768 / 21, a.get("provenance").get("batch_size").asInt());
        assertEquals(64, a.get("provenance").get("segment").asInt(), "the budget over 1560 sequences, at least 64");
        assertTrue(java.util.Arrays.stream(wantTok).anyMatch(x -> x > 0) && java.util.Arrays.stream(wantTok)
                .anyMatch(x -> x < 1), "a random model is right somewhere and wrong somewhere");
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("S3       k     20  9 sequences"),
                console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void checkpointsOfOneGroupAndLengthShareOneChartLabelledAsThePaper() throws IOException {
        Path a = checkpoint("S3_GatedDeltaProduct_k16_householders2_2025-06-06_1");
        Path b = checkpoint("S3_GatedDeltaProduct_k16_householders2_2025-06-06_2");
        Path out = tmp.resolve("both");
        Jobs.run(new StateTrackingSpec(List.of(a.toString(), b.toString()), null, List.of(8), 2L, 1L, null, null, null,
                null, out.toString(), false, "cpu", null, null, null), JobContext.console());
        assertTrue(Files.size(out.resolve("plots/state_tracking_S3_8.png")) > 1000, "one chart with both");
        List<JsonNode> results = new java.util.ArrayList<>();
        for (Path ckpt : new Path[] {a, b}) {
            results.add(new ObjectMapper().readTree(out.resolve("state_tracking_S3_8_" + ckpt.getFileName() + ".json")
                    .toFile()));
        }
        // n_h = 2, allow_neg_eigval, one layer (the trained fixtures' labels are checked against fla's own)
        assertEquals("DeltaProduct_2[-1,1], 1 layer", results.get(0).get("label").asText());
        // the two share the label, so each line carries its folder name too
        assertEquals("DeltaProduct_2[-1,1], 1 layer (S3_GatedDeltaProduct_k16_householders2_2025-06-06_2)",
                StateTrackingCharts.seriesName(results.get(1), results));
        assertEquals("DeltaProduct_2[-1,1], 1 layer", StateTrackingCharts.seriesName(results.get(1),
                List.of(results.get(1))));
    }

    @Test
    void aPlanStepReportsThePapersTableAndFigure() throws IOException {
        Path neg = checkpoint("S3_GatedDeltaProduct_k16_householders2_2025-06-06_1", true);
        Path pos = checkpoint("S3_GatedDeltaProduct_k16_householders2_2025-06-06_2", false);
        Path out = tmp.resolve("run");
        Path plan = Files.writeString(tmp.resolve("plan.json"), """
                {"output": "%s", "checkpoints": ["%s", "%s"], "device": "cpu",
                 "state_tracking": {"k_test": [8, 12], "samples": 3, "seed": 4}}
                """.formatted(out, neg, pos));
        assertEquals(0, dev.deltaeval.jobs.plan.PlanRun.run(plan, dev.deltaeval.jobs.plan.PlanRun.Shard.ALL, null,
                null, JobContext.console()));
        String md = Files.readString(out.resolve("report/report.md"));
        JsonNode negAt12 = new ObjectMapper().readTree(out.resolve("state-tracking/state_tracking_S3_12_"
                + neg.getFileName() + ".json").toFile());
        String cell = String.format(java.util.Locale.ROOT, "%.3f", negAt12.get("metrics").get("sequence_accuracy")
                .asDouble());
        assertTrue(md.contains("| Configuration | S3 @ 8 | S3 @ 12 |"), md);
        assertTrue(md.contains("| DeltaProduct_2[-1,1], 1 layer | ") && md.contains(" | " + cell + " |\n"), md);
        assertTrue(md.contains("| DeltaProduct_2[0,1], 1 layer | "), md);
        assertTrue(md.contains("](../state-tracking/plots/state_tracking_S3_12.png)"), "one figure per length: " + md);
        assertTrue(Files.readString(out.resolve("report/report.html")).contains("<th>S3 @ 12</th>"));
    }

    @Test
    void aCheckpointOfAnotherGroupIsRefused() throws IOException {
        Path ckpt = checkpoint("plain");
        DeltaEvalException none = assertThrows(DeltaEvalException.class, () -> Jobs.run(new StateTrackingSpec(
                List.of(ckpt.toString()), null, List.of(8), 2L, 1L, null, null, null, null, tmp.toString(), true, "cpu",
                null, null, null), JobContext.console()));
        assertTrue(none.getMessage().contains("which group was it trained on? give group, a state_tracking.json"),
                none.getMessage());
        DeltaEvalException a5 = assertThrows(DeltaEvalException.class, () -> Jobs.run(new StateTrackingSpec(
                List.of(ckpt.toString()), "A5", List.of(8), 2L, 1L, null, null, null, null, tmp.toString(), true, "cpu",
                null, null, null), JobContext.console()));
        assertTrue(a5.getMessage().endsWith("config.json: vocab_size 13 is 6 tokens and 7 specials, but A5 has 60 "
                + "elements"), a5.getMessage());
    }
}
