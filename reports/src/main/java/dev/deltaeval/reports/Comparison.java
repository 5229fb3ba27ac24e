package dev.deltaeval.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Baseline against candidate, task by task: the difference, its standard error and a paired significance test on
 * the per-sample results (exact McNemar for 0/1 metrics, a seeded paired bootstrap for perplexities), falling back
 * to a z-test on the two standard errors when a run has no samples. Inputs that cannot be compared (a missing
 * task, different data, different semantics, different document counts) are problems, never silently compared.
 */
public final class Comparison {
    private Comparison() {
    }

    /**
     * @param test      "mcnemar", "paired-bootstrap", "paired-t" or "unpaired-z"
     * @param regressed worse by more than the threshold and significant
     */
    public record MetricDiff(String task, String metric, double baseline, double candidate, double delta,
                             double stderr, double pValue, String test, boolean higherIsBetter, boolean regressed,
                             Thresholds.Limit limit) {
    }

    /** @param problems reasons the runs cannot be compared (exit code 2 when non-empty) */
    public record Result(List<MetricDiff> diffs, List<String> problems) {
        public boolean regressed() {
            return diffs.stream().anyMatch(MetricDiff::regressed);
        }

        public int exitCode() {
            return !problems.isEmpty() ? 2 : regressed() ? 1 : 0;
        }
    }

    public static Result compare(EvalRun base, EvalRun cand, Thresholds thresholds, int bootstrapIters, long seed) {
        List<String> problems = new ArrayList<>();
        if (!base.semantics().equals(cand.semantics())) {
            problems.add("lm-eval semantics differ: baseline " + base.semantics() + ", candidate " + cand.semantics());
        }
        List<MetricDiff> diffs = new ArrayList<>();
        for (String task : base.metrics().keySet()) {
            if (!cand.metrics().containsKey(task)) {
                problems.add("task " + task + " is in the baseline but not in the candidate");
                continue;
            }
            String hb = base.dataHash(task);
            String hc = cand.dataHash(task);
            if (hb != null && hc != null && !hb.equals(hc)) {
                problems.add("task " + task + ": different data (sha256 " + abbreviated(hb) + " vs "
                        + abbreviated(hc) + ")");
                continue;
            }
            for (Map.Entry<String, Double> m : base.metrics().get(task).entrySet()) {
                Double c = cand.metrics().get(task).get(m.getKey());
                if (c == null) {
                    problems.add("task " + task + ": metric " + m.getKey() + " missing in the candidate");
                    continue;
                }
                try {
                    diffs.add(diff(base, cand, task, m.getKey(), m.getValue(), c, thresholds, bootstrapIters, seed));
                } catch (ReportException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        for (String task : cand.metrics().keySet()) {
            if (!base.metrics().containsKey(task)) {
                problems.add("task " + task + " is in the candidate but not in the baseline");
            }
        }
        java.util.Set<String> compared = new java.util.TreeSet<>();
        diffs.forEach(d -> compared.add(d.metric()));
        for (String named : thresholds.named()) {
            if (!compared.contains(named)) {
                problems.add("a threshold names metric " + named + ", which no task of the runs has (metrics: "
                        + String.join(", ", compared) + ")");
            }
        }
        if (diffs.isEmpty() && problems.isEmpty()) {
            problems.add("no metric to compare: the runs share no task with numeric metrics");
        }
        return new Result(diffs, problems);
    }

    /** A hash as messages show it: its first 12 characters (a hand-edited file may carry a shorter one). */
    private static String abbreviated(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
    }

    private static MetricDiff diff(EvalRun base, EvalRun cand, String task, String metric, double b, double c,
                                   Thresholds thresholds, int iters, long seed) {
        boolean higher = !(metric.contains("perplexity") || metric.equals("bits_per_byte"));
        double delta = c - b;
        double se;
        double p;
        String test;
        boolean paired = base.samples().containsKey(task) && cand.samples().containsKey(task);
        if (paired) {
            double[] xb = base.sampleValues(task, metric);
            double[] xc = cand.sampleValues(task, metric);
            if (xb.length != xc.length) {
                throw new ReportException("task " + task + ": " + xb.length + " documents in the baseline, " + xc.length
                        + " in the candidate");
            }
            if (metric.contains("perplexity") || metric.equals("bits_per_byte")) {
                double[] wb = base.sampleWeights(task, metric);
                double[] wc = cand.sampleWeights(task, metric);
                if (wb != null && wc != null && !java.util.Arrays.equals(wb, wc)) {
                    throw new ReportException("task " + task + ": word/byte counts differ between the runs");
                }
                double[] bs = bootstrap(xb, xc, wb, metric, iters, seed);
                se = bs[0];
                p = bs[1];
                test = "paired-bootstrap";
            } else if (binary(xb) && binary(xc)) {
                int worse = 0;
                int better = 0;
                for (int i = 0; i < xb.length; i++) {
                    worse += xb[i] > xc[i] ? 1 : 0;
                    better += xc[i] > xb[i] ? 1 : 0;
                }
                se = pairedStderr(xb, xc);
                p = mcnemar(worse, better);
                test = "mcnemar";
            } else {
                se = pairedStderr(xb, xc);
                p = zTest(delta, se);
                test = "paired-t";
            }
        } else {
            se = Math.sqrt(sq(base.stderr(task, metric)) + sq(cand.stderr(task, metric)));
            p = Double.isFinite(se) ? zTest(delta, se) : Double.NaN;
            test = "unpaired-z";
        }
        Thresholds.Limit limit = thresholds.of(metric);
        double worseBy = higher ? -delta : delta;
        boolean regressed = worseBy > limit.maxDrop() && (Double.isNaN(p) ? worseBy > 0 : p < limit.alpha());
        return new MetricDiff(task, metric, b, c, delta, se, p, test, higher, regressed, limit);
    }

    private static boolean binary(double[] xs) {
        for (double x : xs) {
            if (x != 0 && x != 1) {
                return false;
            }
        }
        return true;
    }

    /** Standard error of the mean paired difference: sample std of the differences / sqrt n. */
    static double pairedStderr(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = b[i] - a[i];
        }
        return d.length < 2 ? Double.NaN : new StandardDeviation(true).evaluate(d) / Math.sqrt(d.length);
    }

    /** Exact two-sided McNemar test on the discordant pairs: 2 * P(X <= min) for X ~ Binomial(n, 1/2), capped at 1. */
    static double mcnemar(int worse, int better) {
        int n = worse + better;
        if (n == 0) {
            return 1.0;
        }
        return Math.min(1.0, 2 * new BinomialDistribution(null, n, 0.5).cumulativeProbability(Math.min(worse, better)));
    }

    static double zTest(double delta, double se) {
        if (!(se > 0)) {
            return delta == 0 ? 1.0 : 0.0;
        }
        return 2 * (1 - new NormalDistribution(null, 0, 1).cumulativeProbability(Math.abs(delta) / se));
    }

    /**
     * Paired bootstrap over documents of the perplexity difference: per-document log-likelihoods (and word or
     * byte weights for wikitext), resampled together. @return {stderr of the difference, two-sided p}
     */
    static double[] bootstrap(double[] llBase, double[] llCand, double[] weights, String metric, int iters, long seed) {
        int n = llBase.length;
        RandomGenerator rng = new MersenneTwister(seed);
        double[] diffs = new double[iters];
        int atOrBelow = 0;
        int atOrAbove = 0;
        int[] idx = new int[n];
        for (int it = 0; it < iters; it++) {
            for (int i = 0; i < n; i++) {
                idx[i] = rng.nextInt(n);
            }
            double d = perplexity(llCand, weights, idx, metric) - perplexity(llBase, weights, idx, metric);
            diffs[it] = d;
            atOrBelow += d <= 0 ? 1 : 0;
            atOrAbove += d >= 0 ? 1 : 0;
        }
        double se = new StandardDeviation(true).evaluate(diffs);
        double p = Math.min(1.0, 2.0 * Math.min(atOrBelow, atOrAbove) / iters);
        return new double[] {se, p};
    }

    /** lm-eval's aggregations: exp(-mean ll) per document, or weighted exp(-sum ll / sum w), or bits per byte. */
    private static double perplexity(double[] ll, double[] w, int[] idx, String metric) {
        double s = 0;
        double sw = 0;
        for (int i : idx) {
            s += ll[i];
            sw += w == null ? 1 : w[i];
        }
        if (metric.equals("bits_per_byte")) {
            return -s / sw / Math.log(2);
        }
        return Math.exp(-s / sw);
    }

    private static double sq(double x) {
        return x * x;
    }

    public static String markdown(Result r, String baseName, String candName) {
        StringBuilder sb = new StringBuilder("### DeltaEval comparison\n\nBaseline `").append(baseName)
                .append("` vs candidate `").append(candName).append("`\n\n");
        if (!r.problems().isEmpty()) {
            sb.append("**Cannot compare:**\n\n");
            r.problems().forEach(p -> sb.append("- ").append(p).append('\n'));
            sb.append('\n');
        }
        sb.append("| Task | Metric | Baseline | Candidate | Δ | SE(Δ) | p | Test | Limit | Status |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---|---|---|\n");
        for (MetricDiff d : r.diffs()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s%s | %.4f | %.4f | %+.4f | %.4f | %s | %s | drop ≤ %s, α %s | %s |%n",
                    d.task(), d.metric(), d.higherIsBetter() ? " ↑" : " ↓", d.baseline(), d.candidate(), d.delta(),
                    d.stderr(), Double.isNaN(d.pValue()) ? "N/A" : String.format(Locale.ROOT, "%.3g", d.pValue()),
                    d.test(), trim(d.limit().maxDrop()), trim(d.limit().alpha()),
                    d.regressed() ? "**REGRESSION**" : "ok"));
        }
        sb.append('\n').append(r.exitCode() == 0 ? "No regression." : r.exitCode() == 1
                ? "Regression in: " + String.join(", ", r.diffs().stream().filter(MetricDiff::regressed)
                        .map(d -> d.task() + " " + d.metric()).toList()) + "." : "Runs are not comparable.").append('\n');
        return sb.toString();
    }

    private static String trim(double v) {
        return Objects.toString(v).replaceFirst("\\.0$", "");
    }

    /** What a gate run printed and decided. */
    public record Gate(String markdown, Result result) {
    }

    /**
     * The regression gate end to end: both results read (a folder stands for its newest results file), compared, the
     * Markdown and the JSON written atomically where asked.
     */
    public static Gate gate(java.util.List<java.nio.file.Path> baselineGiven, java.util.List<java.nio.file.Path>
            candidateGiven, java.util.List<String> thresholds, int bootstrapIters, long seed,
                            java.nio.file.Path markdownFile, java.nio.file.Path jsonFile) throws java.io.IOException {
        if (bootstrapIters < 1) {
            throw new ReportException(dev.deltaeval.common.DeltaEvalException.setting("bootstrap_iters")
                    + " must be at least 1, got " + bootstrapIters);
        }
        Thresholds t = Thresholds.parse(thresholds);
        java.nio.file.Path baseline = EvalRun.resolve(ReportException.setting("baseline"), baselineGiven);
        java.nio.file.Path candidate = EvalRun.resolve(ReportException.setting("candidate"), candidateGiven);
        Result r = compare(EvalRun.read(baseline), EvalRun.read(candidate), t, bootstrapIters, seed);
        String md = markdown(r, baseline.toString(), candidate.toString());
        if (markdownFile != null) {
            dev.deltaeval.common.AtomicFiles.writeString(markdownFile, md);
        }
        if (jsonFile != null) {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode root = m.createObjectNode();
            root.put("baseline", baseline.toString()).put("candidate", candidate.toString())
                    .put("exit_code", r.exitCode()).put("regressed", r.regressed());
            root.set("problems", m.valueToTree(r.problems()));
            com.fasterxml.jackson.databind.node.ArrayNode diffs = root.putArray("diffs");
            r.diffs().forEach(d -> diffs.add(m.valueToTree(d)));
            dev.deltaeval.common.AtomicFiles.writeJson(jsonFile, root);
        }
        return new Gate(md, r);
    }
}
