package dev.deltaeval.jobs.bench;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.core.scoring.BatchPlan;
import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.core.scoring.ScoringStats;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Harness;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.Limits;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.StageClock;
import dev.deltaeval.runtime.StageTimes;
import dev.deltaeval.tasks.Evaluator;
import dev.deltaeval.tasks.LmEvalSemantics;
import dev.deltaeval.tasks.PairEncoder;
import dev.deltaeval.tasks.TaskRegistry;
import dev.deltaeval.tasks.TaskResult;
import dev.deltaeval.tasks.TaskSpec;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Documents/s and tokens/s per task, with state forking and without (each context rerun per choice, as a
 * Transformer harness does), and the tokens each mode ran. No result cache is used.
 */
public final class TaskBenchmark {
    private TaskBenchmark() {
    }

    /**
     * @param repeat    runs per task and mode; the last is reported (earlier runs warm up the JIT and kernels)
     * @param modes     forked, unforked or both
     * @param output    a JSON file for the figures, or null
     * @param breakdown also time the last run's forward-pass stages
     */
    public record Spec(String checkpoint, List<String> tasks, String dataDir, Integer limit, String batchSize,
                       int repeat, List<String> modes, String output, boolean breakdown, ComputeRequest compute) {
    }

    public static void run(Spec spec, JobContext ctx) throws IOException {
        for (String m : spec.modes()) {
            if (!m.equals("forked") && !m.equals("unforked")) {
                throw new DeltaEvalException(DeltaEvalException.setting("modes") + ": unknown mode '" + m
                        + "' (expected forked, unforked)");
            }
        }
        Path dataDir = Path.of(spec.dataDir());
        List<TaskSpec> specs = TaskRegistry.resolve(spec.tasks(), dataDir);
        ModelCheckpoint ckpt = CheckpointRef.open(spec.checkpoint() == null ? null : Path.of(spec.checkpoint()));
        ComputeOptions opts = Compute.resolve(spec.compute(), ckpt);
        BatchPlan batches = BatchPlan.parse(spec.batchSize(), opts.device().isGpu());
        int repeat = Math.max(1, spec.repeat());
        List<Map<String, Object>> rows = new ArrayList<>();
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "bench tasks");
             LanguageModel model = Compute.load(ckpt, opts)) {
            int maxLen = ckpt.info().maxPositionEmbeddings();
            for (TaskSpec task : specs) {
                for (String mode : spec.modes()) {
                    boolean fork = mode.equals("forked");
                    LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, batches, maxLen,
                            fork ? LoglikelihoodScorer.ForkPolicy.ALWAYS : LoglikelihoodScorer.ForkPolicy.NEVER);
                    Evaluator ev = new Evaluator(scorer, PairEncoder.forModel(tok, LmEvalSemantics.CURRENT, ckpt.info()), 0);
                    TaskResult r = null;
                    double secs = 0;
                    StageTimes stages = null;
                    for (int i = 0; i < repeat; i++) {
                        boolean last = i == repeat - 1;
                        stages = spec.breakdown() && last ? new StageTimes() : null;
                        model.useStageClock(stages == null ? StageClock.OFF : stages);
                        long t0 = System.nanoTime();
                        try {
                            r = ev.run(task, dataDir, Limits.check(spec.limit()), null);
                        } finally {
                            model.useStageClock(StageClock.OFF);
                        }
                        secs = (System.nanoTime() - t0) / 1e9;
                    }
                    ScoringStats st = scorer.lastStats();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("task", task.task());
                    row.put("forking", fork);
                    row.put("documents", r.docs().size());
                    row.put("requests", st.requests());
                    row.put("contexts_run", st.contexts());
                    row.put("tokens_run", st.tokensRun());
                    row.put("forward_passes", st.forwardPasses());
                    row.put("seconds", secs);
                    row.put("runs", repeat);
                    row.put("documents_per_second", r.docs().size() / secs);
                    row.put("tokens_per_second", st.tokensRun() / secs);
                    row.put("metrics", r.metrics());
                    if (stages != null) {
                        row.put("stages_seconds", stages.seconds());
                    }
                    rows.add(row);
                    ctx.out().printf(Locale.ROOT, "%-14s %-8s %6d docs %8d tokens run %7.1f s  %7.2f docs/s  %8.1f tokens/s%n",
                            task.task(), fork ? "forked" : "unforked", r.docs().size(), st.tokensRun(), secs,
                            r.docs().size() / secs, st.tokensRun() / secs);
                    if (stages != null) {
                        printStages(stages, secs, st.forwardPasses(), ctx.out());
                    }
                }
            }
        }
        if (spec.output() != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("harness", Harness.VERSION);
            json.put("checkpoint", ckpt.dir().toString());
            json.put("checkpoint_sha256", ckpt.contentHash());
            json.put("device", opts.deviceLabel());
            json.put("dtype", opts.precision().label());
            json.put("batch_size", batches.label());
            json.put("results", rows);
            AtomicFiles.writeJson(Path.of(spec.output()), json);
        }
    }

    private static void printStages(StageTimes stages, double secs, long passes, PrintStream out) {
        double inForward = stages.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
        out.printf(Locale.ROOT, "  %d forward passes: %.2f s in their stages (synced), %.2f s outside them%n",
                passes, inForward, secs - inForward);
        stages.seconds().forEach((name, x) -> out.printf(Locale.ROOT, "    %-45s %8.3f s  %5.1f%%%n", name, x,
                100 * x / inForward));
    }
}
