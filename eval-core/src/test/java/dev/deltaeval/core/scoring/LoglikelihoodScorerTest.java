package dev.deltaeval.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.models.LogSoftmaxReference;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Multiple-choice style requests scored forked, unforked and at several batch sizes, against full-logit math. */
class LoglikelihoodScorerTest {
    /** The deltanet module\'s fla fixtures (a folder of this repository, not a class path resource). */
    static final Path FLA_GOLDEN = Path.of("../deltanet/src/test/resources/fla-golden");

    static final int VOCAB = 512;

    private static Path fixture(String name) {
        return FLA_GOLDEN.resolve(name);
    }

    /** The fixture's input_ids, a pool of realistic token ids. */
    private static long[] pool(String fixture) {
        return SafetensorsFile.open(fixture(fixture).resolve("expected.safetensors")).readLongs("input_ids");
    }

    /** 15 "documents" with 2-5 choices each: contexts of 1..60 tokens, continuations of 1..7 tokens. */
    static List<LoglikelihoodRequest> requests(long[] pool, long seed) {
        Random rng = new Random(seed);
        List<LoglikelihoodRequest> out = new ArrayList<>();
        for (int d = 0; d < 15; d++) {
            int ctxLen = d == 0 ? 1 : 1 + rng.nextInt(60);
            int at = rng.nextInt(pool.length - ctxLen);
            long[] ctx = Arrays.copyOfRange(pool, at, at + ctxLen);
            int choices = 2 + rng.nextInt(4);
            for (int c = 0; c < choices; c++) {
                int contLen = 1 + rng.nextInt(7);
                int from = rng.nextInt(pool.length - contLen);
                out.add(new LoglikelihoodRequest(ctx, Arrays.copyOfRange(pool, from, from + contLen)));
            }
        }
        return out;
    }

    /** Independent route: one full forward per request, log-softmax in double from the logits. */
    static LoglikelihoodResult reference(LanguageModel model, LoglikelihoodRequest r, int maxLength) {
        long[] full = new long[r.context().length + r.continuation().length];
        System.arraycopy(r.context(), 0, full, 0, r.context().length);
        System.arraycopy(r.continuation(), 0, full, r.context().length, r.continuation().length);
        if (full.length > maxLength + 1) {
            full = Arrays.copyOfRange(full, full.length - maxLength - 1, full.length);
        }
        long[] in = Arrays.copyOf(full, full.length - 1);
        float[] logits = model.forward(TokenBatch.single(in), null, ForwardRequest.logits(ForwardMode.STEPWISE)).logits();
        double ll = 0;
        boolean greedy = true;
        for (int t = in.length - r.continuation().length; t < in.length; t++) {
            long target = full[t + 1];
            ll += LogSoftmaxReference.logProb(logits, t, VOCAB, target);
            greedy &= LogSoftmaxReference.argmax(logits, t, VOCAB) == target;
        }
        return new LoglikelihoodResult(ll, greedy);
    }

    @Test
    void forkedAndUnforkedMatchFullLogitsAndEachOther() throws Exception {
        try (LanguageModel model = ModelFamilies.open(fixture("v022_dp3_gated_outgate")).load(ComputeOptions.cpu())) {
            long[] pool = pool("v022_dp3_gated_outgate");
            List<LoglikelihoodRequest> reqs = requests(pool, 1);
            LoglikelihoodScorer forked = new LoglikelihoodScorer(model, 8, 2048, true);
            LoglikelihoodScorer plain = new LoglikelihoodScorer(model, 8, 2048, false);
            List<LoglikelihoodResult> a = forked.score(reqs, null);
            List<LoglikelihoodResult> b = plain.score(reqs, null);
            for (int i = 0; i < reqs.size(); i++) {
                LoglikelihoodResult want = reference(model, reqs.get(i), 2048);
                assertEquals(want.logLikelihood(), a.get(i).logLikelihood(), 1e-4, "forked request " + i);
                assertEquals(want.logLikelihood(), b.get(i).logLikelihood(), 1e-4, "unforked request " + i);
                assertEquals(a.get(i).logLikelihood(), b.get(i).logLikelihood(), 1e-4, "forked vs unforked " + i);
                assertEquals(want.greedy(), a.get(i).greedy(), "greedy " + i);
                assertEquals(want.greedy(), b.get(i).greedy(), "greedy unforked " + i);
            }
            assertEquals(15, forked.lastStats().contexts());
            assertEquals(reqs.size(), plain.lastStats().contexts());
            assertTrue(forked.lastStats().tokensRun() < plain.lastStats().tokensRun(),
                    forked.lastStats() + " vs " + plain.lastStats());
        }
    }

    /**
     * Batch sizes 1, 8 and 64 agree to 1e-5 on every log-likelihood. Checked on the trained demo checkpoint with
     * real text, where log-likelihoods have the magnitudes lm-eval sees (the random-weight fixtures, with logit
     * standard deviations near 8, produce values around -100 whose fp32 rounding alone is of order 1e-5).
     */
    @Test
    void resultsDoNotDependOnBatchSize() throws Exception {
        Path demo = Path.of("../checkpoints/demo-dp2-6m");
        String text = "The Python interpreter is usually installed as /usr/local/bin/python3.11 on those machines "
                + "where it is available; putting /usr/local/bin in your Unix shell's search path makes it possible to "
                + "start it by typing the command python3.11 to the shell. Since the choice of the directory where the "
                + "interpreter lives is an installation option, other places are possible; check with your local Python "
                + "guru or system administrator.";
        long[] pool;
        try (dev.deltaeval.text.tokenizer.TextTokenizer tok = dev.deltaeval.text.tokenizer.TextTokenizer.load(
                demo.resolve("tokenizer.json"))) {
            pool = tok.encode(text, true);
        }
        try (LanguageModel model = ModelFamilies.open(demo).load(ComputeOptions.cpu())) {
            List<LoglikelihoodRequest> reqs = requests(pool, 2);
            for (boolean fork : new boolean[] {true, false}) {
                List<LoglikelihoodResult> one = new LoglikelihoodScorer(model, 1, 2048, fork).score(reqs, null);
                for (BatchPlan plan : new BatchPlan[] {BatchPlan.rows(8), BatchPlan.rows(64), new BatchPlan(64, 60)}) {
                    List<LoglikelihoodResult> other = new LoglikelihoodScorer(model, plan, 2048, fork
                            ? LoglikelihoodScorer.ForkPolicy.ALWAYS : LoglikelihoodScorer.ForkPolicy.NEVER)
                            .score(reqs, null);
                    for (int i = 0; i < reqs.size(); i++) {
                        assertEquals(one.get(i).logLikelihood(), other.get(i).logLikelihood(), 1e-5,
                                "fork=" + fork + " batch " + plan.label() + " request " + i);
                        assertEquals(one.get(i).greedy(), other.get(i).greedy());
                    }
                }
            }
        }
    }

    @Test
    void contextsAreLeftTruncatedToMaxLength() throws Exception {
        try (LanguageModel model = ModelFamilies.open(fixture("v022_dp2_negeig")).load(ComputeOptions.cpu())) {
            long[] pool = pool("v022_dp2_negeig");
            List<LoglikelihoodRequest> reqs = requests(pool, 3);
            List<LoglikelihoodResult> got = new LoglikelihoodScorer(model, 4, 20, true).score(reqs, null);
            for (int i = 0; i < reqs.size(); i++) {
                assertEquals(reference(model, reqs.get(i), 20).logLikelihood(), got.get(i).logLikelihood(), 1e-4,
                        "request " + i);
            }
        }
    }

    @Test
    void autoForksOnlyWhenContextsAreShared() throws Exception {
        try (LanguageModel model = ModelFamilies.open(fixture("v022_dn_negeig")).load(ComputeOptions.cpu())) {
            long[] pool = pool("v022_dn_negeig");
            List<LoglikelihoodRequest> shared = requests(pool, 4);
            LoglikelihoodScorer auto = new LoglikelihoodScorer(model, 8, 2048, LoglikelihoodScorer.ForkPolicy.AUTO);
            auto.score(shared, null);
            assertEquals(15, auto.lastStats().contexts(), "multiple choice with shared contexts: forked");
            List<LoglikelihoodRequest> distinct = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                distinct.add(new LoglikelihoodRequest(Arrays.copyOfRange(pool, i, i + 20), Arrays.copyOfRange(pool, 50, 55)));
            }
            auto.score(distinct, null);
            assertEquals(10, auto.lastStats().contexts());
            assertEquals(distinct.size(), auto.lastStats().requests());
            long unforkedTokens = auto.lastStats().tokensRun();
            assertEquals(10 * (20 + 5 - 1), unforkedTokens, "every context distinct: no saving, so not forked");
        }
    }
}
