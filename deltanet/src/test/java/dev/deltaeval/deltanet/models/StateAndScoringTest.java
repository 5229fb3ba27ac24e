package dev.deltaeval.deltanet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.deltanet.ops.LoopsChunkedKernel;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Prefix states, forks, chunk sizes and chunked scoring, all checked against a plain full forward pass. */
class StateAndScoringTest {
    /** Largest difference between two fp32 paths, as a fraction of the largest logit (about 30 ulps of it). */
    static final float PATH_REL_TOL = 4e-6f;

    static final String[] FIXTURES = Fixtures.ALL;
    static final int VOCAB = 512;

    private static TokenBatch inputIds(String fixture) {
        SafetensorsFile exp = Fixtures.expected(fixture);
        return new TokenBatch(exp.readLongs("input_ids"), 2, 96);
    }

    private static DeltaNetModel load(String fixture, int chunk) {
        return DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu().withChunk(chunk));
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void prefixStateThenContinuationEqualsFullForward(String fixture) {
        TokenBatch input = inputIds(fixture);
        try (DeltaNetModel model = load(fixture, 64)) {
            float[] full = model.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            // fp32 paths that sum in other orders differ by rounding that grows with the logits' size: the bar is
            // relative to the largest logit (measured on a 2-core CI CPU: at most 2.75e-6 of it, 1.04e-4 absolute at
            // logits of 38; 1.3e-6 for the fixtures whose logits stay below 8)
            float bar = PATH_REL_TOL * Fixtures.maxAbs(full);
            for (ForwardMode continuation : ForwardMode.values()) {
                ForwardOutput prefix = model.forward(input.slice(0, 57), null, ForwardRequest.logits(ForwardMode.PARALLEL)
                        .withState());
                try (RecurrentState state = prefix.state(); RecurrentState forked = state.fork()) {
                    float[] rest = model.forward(input.slice(57, 96), state, ForwardRequest.logits(continuation)).logits();
                    float[] again = model.forward(input.slice(57, 96), forked, ForwardRequest.logits(continuation))
                            .logits();
                    float d1 = Fixtures.maxAbsDiff(prefix.logits(), Fixtures.timeSlice(full, 2, 96, VOCAB, 0, 57));
                    float d2 = Fixtures.maxAbsDiff(rest, Fixtures.timeSlice(full, 2, 96, VOCAB, 57, 96));
                    assertTrue(d1 <= bar && d2 <= bar, fixture + " " + continuation + " prefix " + d1 + " rest " + d2
                            + " (bar " + bar + ")");
                    assertEquals(0f, Fixtures.maxAbsDiff(rest, again), "a fork continues exactly like the original");
                    // a continuation shorter than one chunk (as most eval continuations) takes the scan-free path;
                    // its logits and the state it leaves must both be right
                    ForwardOutput shortRest = model.forward(input.slice(57, 70), forked, ForwardRequest.logits(
                            continuation).withState());
                    try (RecurrentState afterShort = shortRest.state()) {
                        float d3 = Fixtures.maxAbsDiff(shortRest.logits(), Fixtures.timeSlice(full, 2, 96, VOCAB, 57,
                                70));
                        float d4 = Fixtures.maxAbsDiff(model.forward(input.slice(70, 96), afterShort,
                                ForwardRequest.logits(ForwardMode.PARALLEL)).logits(), Fixtures.timeSlice(full, 2, 96, VOCAB,
                                70, 96));
                        assertTrue(d3 <= bar && d4 <= bar, fixture + " " + continuation + " one-chunk continuation "
                                + d3 + ", then the rest " + d4 + " (bar " + bar + ")");
                    }
                }
            }
        }
    }

    /**
     * fla's chunk size (64 sub-steps) and smaller ones that divide neither T nor n: agree with the recurrent kernel
     * to the mode bar of 1e-4.
     */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void chunkSizeDoesNotChangeResults(String fixture) {
        TokenBatch input = inputIds(fixture);
        float[] reference;
        try (DeltaNetModel model = load(fixture, 64)) {
            reference = model.forward(input, null, ForwardRequest.logits(ForwardMode.STEPWISE)).logits();
        }
        for (int chunk : new int[] {7, 16, 64}) {
            try (DeltaNetModel model = load(fixture, chunk)) {
                float d = Fixtures.maxAbsDiff(model.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL)).logits(),
                        reference);
                assertTrue(d <= 1e-4f, fixture + " chunk " + chunk + " differs by " + d);
            }
        }
    }

    /**
     * Longer or degenerate chunkings (one token per chunk: a 96-step scan; 128 sub-steps; one chunk for everything:
     * a 288x288 UT transform) accumulate more fp32 rounding; they are held to fla's fp32 oracle at its 1e-3 bar.
     */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void extremeChunkSizesStillMatchFla(String fixture) {
        TokenBatch input = inputIds(fixture);
        float[] want = Fixtures.expected(fixture).readFloat("logits_fp32").toFloatArray();
        for (int chunk : new int[] {1, 128, 1024}) {
            try (DeltaNetModel model = load(fixture, chunk)) {
                float d = Fixtures.maxAbsDiff(model.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL)).logits(),
                        want);
                assertTrue(d <= 1e-3f, fixture + " chunk " + chunk + " differs from fla by " + d);
            }
        }
    }

    @Test
    void selectForksRowsOfABatch() {
        TokenBatch input = inputIds("v022_dp3_gated_outgate");
        try (DeltaNetModel model = load("v022_dp3_gated_outgate", 64)) {
            ForwardOutput prefix = model.forward(input.slice(0, 50), null, ForwardRequest.logits(ForwardMode.PARALLEL).withState());
            TokenBatch rest = input.slice(50, 96);
            float[] both = model.forward(rest, prefix.state(), ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            // row 1's context continued with row 1's and then row 0's tokens, as a multiple-choice fork does
            try (RecurrentState forked = prefix.state().select(new long[] {1, 1})) {
                TokenBatch swapped = TokenBatch.of(new long[][] {rest.row(1), rest.row(0)});
                float[] out = model.forward(swapped, forked, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
                float[] row1 = java.util.Arrays.copyOfRange(both, 46 * VOCAB, 2 * 46 * VOCAB);
                float[] outRow0 = java.util.Arrays.copyOfRange(out, 0, 46 * VOCAB);
                // a different batch composition changes fp32 rounding slightly; the forking bar is 1e-4
                assertTrue(Fixtures.maxAbsDiff(row1, outRow0) <= 1e-4f, "selected row continues like the original row");
            }
            prefix.state().close();
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void targetLogProbsEqualLogSoftmaxOfFullLogits(String fixture) {
        for (String kernels : new String[] {"auto", "loops"}) {
            int before = LoopsChunkedKernel.denseCalls();
            targetLogProbsEqualLogSoftmaxOfFullLogits(fixture, kernels);
            assertEquals(kernels.equals("loops"), LoopsChunkedKernel.denseCalls() > before, kernels);
        }
    }

    /** On the automatic kernels, and on loops-chunked, whose fused scoring gets the head's logits and targets. */
    private static void targetLogProbsEqualLogSoftmaxOfFullLogits(String fixture, String kernels) {
        TokenBatch input = inputIds(fixture);
        TokenBatch targets = new TokenBatch(shiftLeft(input), 2, 96);
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)),
                ComputeOptions.cpu().withChunk(64).withKernels(kernels))) {
            model.setScoreBlockElements(2L * 10 * VOCAB); // blocks of 10 positions: exercises the block loop
            ForwardOutput out = model.forward(input, null, ForwardRequest.score(targets).withLogits());
            float[] logits = out.logits();
            for (int r = 0; r < 2 * 96; r++) {
                double want = LogSoftmaxReference.logProb(logits, r, VOCAB, targets.ids()[r]);
                int best = LogSoftmaxReference.argmax(logits, r, VOCAB);
                assertEquals(want, out.targetLogProbs()[r], 1e-4, fixture + " " + kernels + " row " + r);
                assertEquals(best, out.argmax()[r], fixture + " " + kernels + " argmax row " + r);
            }
        }
    }

    @Test
    void rejectsOutOfVocabularyIdsAndMismatchedStates() {
        try (DeltaNetModel model = load("v022_dn_negeig", 64)) {
            ModelException e = assertThrows(ModelException.class, () -> model.forward(TokenBatch.single(new long[] {1, 512}),
                    null, ForwardRequest.logits(ForwardMode.PARALLEL)));
            assertTrue(e.getMessage().contains("token id 512 is outside the vocabulary [0, 512)"), e.getMessage());
            try (RecurrentState s = model.emptyState(2)) {
                ModelException e2 = assertThrows(ModelException.class, () -> model.forward(
                        TokenBatch.single(new long[] {1, 2}), s, ForwardRequest.logits(ForwardMode.PARALLEL)));
                assertTrue(e2.getMessage().contains("state has batch 2, input has 1"), e2.getMessage());
            }
        }
    }

    @Test
    void emptyStateBehavesLikeNoState() {
        TokenBatch input = inputIds("up_gdp2_gated_outgate");
        try (DeltaNetModel model = load("up_gdp2_gated_outgate", 64); RecurrentState empty = model.emptyState(2)) {
            float[] a = model.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            float[] b = model.forward(input, empty, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            assertTrue(Fixtures.maxAbsDiff(a, b) <= 1e-5f);
        }
    }

    private static long[] shiftLeft(TokenBatch input) {
        long[] out = new long[input.ids().length];
        for (int b = 0; b < input.batch(); b++) {
            for (int t = 0; t < input.length(); t++) {
                out[b * input.length() + t] = t + 1 < input.length() ? input.ids()[b * input.length() + t + 1] : 2;
            }
        }
        return out;
    }
}
