package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.core.scoring.BatchPlan;
import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.core.scoring.ScoringStats;
import dev.deltaeval.jobs.CheckpointRef;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = {"Documents/s and tokens/s per task, with state forking and without (each context rerun per",
            "choice, as a Transformer harness does), and the tokens each mode actually ran. No result cache is used."})
final class BenchTasksCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    @Option(names = "--tasks", split = ",", defaultValue = "piqa,hellaswag,arc_easy,winogrande", paramLabel = "TASK[,TASK...]", hideParamSyntax = true,
            description = "Tasks (default: ${DEFAULT-VALUE}).")
    List<String> tasks;

    @Option(names = {"--data-dir", "--data"}, defaultValue = "data/tasks-sample", paramLabel = "DIR", description = "Task data.")
    Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "First N documents per task (default: all).")
    Integer limit;

    @Mixin
    BatchSizeMixin batchSize;

    @Option(names = "--repeat", defaultValue = "2", paramLabel = "N",
            description = "Runs per task and mode; the last is reported (default: ${DEFAULT-VALUE}). Earlier runs warm "
                    + "up the JIT and shape-specific kernels, which ragged batches of new lengths otherwise pay inside "
                    + "the measurement.")
    int repeat;

    @Option(names = "--modes", split = ",", defaultValue = "forked,unforked", paramLabel = "MODE[,MODE...]", hideParamSyntax = true,
            description = "Which modes to measure (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the figures as JSON.")
    Path out;

    @Option(names = "--breakdown", description = {"Also time the last run's forward-pass stages (device sync after",
        "each) and what lies outside the forward passes (tokenizing, forking, batching, metrics)."})
    boolean breakdown;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        for (String m : modes) {
            if (!m.equals("forked") && !m.equals("unforked")) {
                throw new IllegalArgumentException("--modes: unknown mode '" + m + "' (expected forked, unforked)");
            }
        }
        List<TaskSpec> specs = TaskRegistry.resolve(tasks, dataDir);
        ModelCheckpoint ckpt = CheckpointRef.open(checkpoint);
        ComputeOptions opts = compute.options(ckpt);
        BatchPlan batches = batchSize.plan(opts.device().isGpu());
        List<Map<String, Object>> rows = new ArrayList<>();
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "bench tasks");
             LanguageModel model = ComputeMixin.load(ckpt, opts)) {
            int maxLen = ckpt.info().maxPositionEmbeddings();
            for (TaskSpec spec : specs) {
                for (String mode : modes) {
                    boolean fork = mode.equals("forked");
                    LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, batches, maxLen,
                            fork ? LoglikelihoodScorer.ForkPolicy.ALWAYS : LoglikelihoodScorer.ForkPolicy.NEVER);
                    Evaluator ev = new Evaluator(scorer, PairEncoder.forModel(tok, LmEvalSemantics.CURRENT, ckpt.info()), 0);
                    TaskResult r = null;
                    double secs = 0;
                    StageTimes stages = null;
                    for (int i = 0; i < Math.max(1, repeat); i++) {
                        boolean last = i == Math.max(1, repeat) - 1;
                        stages = breakdown && last ? new StageTimes() : null;
                        model.useStageClock(stages == null ? StageClock.OFF : stages);
                        long t0 = System.nanoTime();
                        try {
                            r = ev.run(spec, dataDir, Limits.check(limit), null);
                        } finally {
                            model.useStageClock(StageClock.OFF);
                        }
                        secs = (System.nanoTime() - t0) / 1e9;
                    }
                    ScoringStats st = scorer.lastStats();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("task", spec.task());
                    row.put("forking", fork);
                    row.put("documents", r.docs().size());
                    row.put("requests", st.requests());
                    row.put("contexts_run", st.contexts());
                    row.put("tokens_run", st.tokensRun());
                    row.put("forward_passes", st.forwardPasses());
                    row.put("seconds", secs);
                    row.put("runs", Math.max(1, repeat));
                    row.put("documents_per_second", r.docs().size() / secs);
                    row.put("tokens_per_second", st.tokensRun() / secs);
                    row.put("metrics", r.metrics());
                    if (stages != null) {
                        row.put("stages_seconds", stages.seconds());
                    }
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "%-14s %-8s %6d docs %8d tokens run %7.1f s  %7.2f docs/s  %8.1f tokens/s%n",
                            spec.task(), fork ? "forked" : "unforked", r.docs().size(), st.tokensRun(), secs,
                            r.docs().size() / secs, st.tokensRun() / secs);
                    if (stages != null) {
                        printStages(stages, secs, st.forwardPasses());
                    }
                }
            }
        }
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("harness", Version.HARNESS);
            json.put("checkpoint", ckpt.dir().toString());
            json.put("checkpoint_sha256", ckpt.contentHash());
            json.put("device", opts.deviceLabel());
            json.put("dtype", opts.precision().label());
            json.put("batch_size", batches.label());
            json.put("results", rows);
            AtomicFiles.writeJson(out, json);
        }
        return 0;
    }

    private static void printStages(StageTimes stages, double secs, long passes) {
        double inForward = stages.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "  %d forward passes: %.2f s in their stages (synced), %.2f s outside them%n",
                passes, inForward, secs - inForward);
        stages.seconds().forEach((name, x) -> System.out.printf(Locale.ROOT, "    %-45s %8.3f s  %5.1f%%%n", name, x,
                100 * x / inForward));
    }
}
