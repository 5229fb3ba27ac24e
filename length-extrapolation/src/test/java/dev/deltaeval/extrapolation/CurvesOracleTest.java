package dev.deltaeval.extrapolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The length-extrapolation curves of the chunked, segment-carried implementation against two independent routes on
 * a fla fixture: fla's own fp32 logits, and a token-by-token recurrent run, both reduced with plain loops.
 */
class CurvesOracleTest {
    static final Path FIXTURE = Path.of("../deltanet/src/test/resources/fla-golden/v022_dp2_negeig");
    static final double TOL = 1e-4;

    /** Plain-loop curves from full logits [S, T, V] and the ids [S, T]: the script's definitions, nothing shared. */
    static double[][] plainCurves(float[] logits, long[] ids, int seqs, int t, int vocab) {
        int n = t - 1;
        double[] runLoss = new double[n];
        double[] runAcc = new double[n];
        double[] tokLoss = new double[n];
        for (int s = 0; s < seqs; s++) {
            double cumL = 0;
            double cumA = 0;
            for (int p = 0; p < n; p++) {
                int base = (s * t + p) * vocab;
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int v = 0; v < vocab; v++) {
                    if (logits[base + v] > max) {
                        max = logits[base + v];
                        arg = v;
                    }
                }
                double z = 0;
                for (int v = 0; v < vocab; v++) {
                    z += Math.exp(logits[base + v] - max);
                }
                long target = ids[s * t + p + 1];
                double ce = -(logits[base + (int) target] - max - Math.log(z));
                cumL += ce;
                cumA += arg == target ? 1 : 0;
                runLoss[p] += cumL / (p + 1);
                runAcc[p] += cumA / (p + 1);
                tokLoss[p] += ce;
            }
        }
        for (int p = 0; p < n; p++) {
            runLoss[p] /= seqs;
            runAcc[p] /= seqs;
            tokLoss[p] /= seqs;
        }
        return new double[][] {runLoss, runAcc, tokLoss};
    }

    static List<long[]> rows(long[] ids, int seqs, int t) {
        List<long[]> out = new ArrayList<>();
        for (int s = 0; s < seqs; s++) {
            out.add(java.util.Arrays.copyOfRange(ids, s * t, (s + 1) * t));
        }
        return out;
    }

    static void assertCurves(double[][] want, PositionCurves.Curves got, String what) {
        int n = want[0].length;
        assertEquals(n, got.perplexities().length, what + " positions");
        double dLoss = 0;
        double dAcc = 0;
        double dTok = 0;
        for (int p = 0; p < n; p++) {
            dLoss = Math.max(dLoss, Math.abs(Math.log(got.perplexities()[p]) - want[0][p]));
            dAcc = Math.max(dAcc, Math.abs(got.accuracies()[p] - want[1][p]));
            dTok = Math.max(dTok, Math.abs(got.tokenLosses()[p] - want[2][p]));
        }
        System.out.printf("%s: max|d log ppl|=%.2e max|d acc|=%.2e max|d token loss|=%.2e%n", what, dLoss, dAcc, dTok);
        assertTrue(dLoss <= TOL, what + ": running loss off by " + dLoss);
        assertTrue(dAcc <= TOL, what + ": running accuracy off by " + dAcc);
        assertTrue(dTok <= TOL, what + ": token loss off by " + dTok);
    }

    @Test
    void chunkedCurvesMatchFlaLogitsAndATokenByTokenRun() {
        SafetensorsFile exp = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"));
        long[] shape = exp.info("input_ids").shape();
        int seqs = (int) shape[0];
        int t = (int) shape[1];
        long[] ids = exp.readLongs("input_ids");
        float[] flaLogits = exp.readFloat("logits_fp32").toFloatArray();
        int vocab = flaLogits.length / (seqs * t);
        try (LanguageModel model = ModelFamilies.open(FIXTURE).load(ComputeOptions.cpu())) {
            PositionCurves.Curves chunked = LengthExtrapolation.run(model, rows(ids, seqs, t), 1000,
                    new PositionCurves(t - 1), null).curves();
            assertCurves(plainCurves(flaLogits, ids, seqs, t, vocab), chunked, "chunked vs fla logits");

            float[] stepLogits = new float[seqs * t * vocab];
            for (int s = 0; s < seqs; s++) {
                RecurrentState state = null;
                for (int p = 0; p < t; p++) {
                    ForwardOutput out = model.forward(TokenBatch.single(new long[] {ids[s * t + p]}), state,
                            ForwardRequest.logits(ForwardMode.STEPWISE).withState());
                    if (state != null) {
                        state.close();
                    }
                    state = out.state();
                    System.arraycopy(out.logits(), 0, stepLogits, (s * t + p) * vocab, vocab);
                }
                state.close();
            }
            assertCurves(plainCurves(stepLogits, ids, seqs, t, vocab), chunked, "chunked vs token-by-token recurrent");
        }
    }

    @Test
    void segmentCarriedCurvesEqualASinglePass() {
        SafetensorsFile exp = SafetensorsFile.open(FIXTURE.resolve("expected.safetensors"));
        long[] shape = exp.info("input_ids").shape();
        List<long[]> seqs = rows(exp.readLongs("input_ids"), (int) shape[0], (int) shape[1]);
        int n = (int) shape[1] - 1;
        try (LanguageModel model = ModelFamilies.open(FIXTURE).load(ComputeOptions.cpu())) {
            PositionCurves.Curves whole = LengthExtrapolation.run(model, seqs, n, new PositionCurves(n), null).curves();
            for (int segment : new int[] {7, 32}) {
                PositionCurves.Curves carried = LengthExtrapolation.run(model, seqs, segment, new PositionCurves(n),
                        null).curves();
                double[][] want = {logs(whole.perplexities()), whole.accuracies(), whole.tokenLosses()};
                assertCurves(want, carried, "segments of " + segment + " vs single pass");
            }
        }
    }

    private static double[] logs(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = Math.log(xs[i]);
        }
        return out;
    }
}
