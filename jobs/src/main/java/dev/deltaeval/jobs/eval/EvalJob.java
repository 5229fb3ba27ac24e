package dev.deltaeval.jobs.eval;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.common.FileHashes;
import dev.deltaeval.core.scoring.BatchPlan;
import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.Harness;
import dev.deltaeval.jobs.Job;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.Limits;
import dev.deltaeval.jobs.PlanScope;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.ProgressLine;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.tasks.Evaluator;
import dev.deltaeval.tasks.Generator;
import dev.deltaeval.tasks.LmEvalSemantics;
import dev.deltaeval.tasks.PairEncoder;
import dev.deltaeval.tasks.Provenance;
import dev.deltaeval.tasks.ResultJournal;
import dev.deltaeval.tasks.ResultsWriter;
import dev.deltaeval.tasks.TaskRegistry;
import dev.deltaeval.tasks.TaskResult;
import dev.deltaeval.tasks.TaskSpec;
import dev.deltaeval.tasks.TokenizerInfo;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Zero-shot tasks with lm-evaluation-harness semantics: each document's context runs once and its state is forked
 * per choice; results in lm-eval's shape and layout (OUTPUT/<model>/results_<date>.json), resumable through a
 * per-request journal.
 */
public final class EvalJob implements Job<EvalSpec> {
    public static final String KIND = "eval";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<EvalSpec> specType() {
        return EvalSpec.class;
    }

    @Override
    public List<PlannedUnit> plan(EvalSpec section, PlanScope scope) {
        if (section.tasks().isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("tasks") + " is an empty list: no tasks to run");
        }
        String cache = Path.of(scope.output()).resolve("cache").toString();
        List<PlannedUnit> units = new ArrayList<>();
        for (String task : TaskRegistry.expand(section.tasks())) {
            units.add(new PlannedUnit("eval/" + scope.model() + "/" + task, scope.model(),
                    section.unit(scope.checkpoint(), task, scope.output(), cache, scope.device(null),
                            scope.dtype(null)), scope.parameters() * estimatedTokens(task, section)));
        }
        return units;
    }

    @Override
    public EvalSpec inFolder(EvalSpec spec, Path out) {
        return spec.withOutput(out.toString());
    }

    @Override
    public ResultKind results() {
        return new EvalResults();
    }

    /** Tokens a task will run, roughly: the bytes of the documents evaluated over four bytes per token. */
    private static double estimatedTokens(String task, EvalSpec e) {
        TaskSpec spec = TaskRegistry.get(task);
        Path file = Path.of(e.dataDir()).resolve(spec.dataFile());
        try {
            long bytes = Files.size(file);
            if (e.limit() != null && e.limit() >= 0 && spec.dataFile().endsWith(".jsonl")) {
                long lines;
                try (var s = Files.lines(file)) {
                    lines = s.filter(l -> !l.isBlank()).count();
                }
                bytes = lines == 0 ? bytes : bytes * Math.min(lines, e.limit()) / lines;
            }
            return Math.max(1, bytes / 4.0);
        } catch (IOException ex) {
            return 1; // the unit itself reports the missing file
        }
    }

    private static LoglikelihoodScorer.ForkPolicy forkPolicy(String fork) {
        try {
            return LoglikelihoodScorer.ForkPolicy.valueOf(fork.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DeltaEvalException(DeltaEvalException.setting("fork") + " " + fork
                    + ": expected auto, always or never");
        }
    }

    @Override
    public void run(EvalSpec spec, JobContext ctx) throws IOException {
        if (spec.tasks().isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("tasks") + " is an empty list: no tasks to run");
        }
        int limit = Limits.check(spec.limit());
        if (spec.maxLength() != null && spec.maxLength() < 2) {
            // lm-eval's max_length: the context and at least one token to score must fit
            throw new DeltaEvalException(DeltaEvalException.setting("max_length") + " " + spec.maxLength()
                    + ": expected at least 2 tokens");
        }
        Path dataDir = Path.of(spec.dataDir());
        Path output = Path.of(spec.output());
        Path given = spec.checkpoint() == null ? null : Path.of(spec.checkpoint());
        List<TaskSpec> specs = TaskRegistry.resolve(spec.tasks(), dataDir);
        ModelCheckpoint ckpt = CheckpointRef.open(given);
        LmEvalSemantics semantics = LmEvalSemantics.parse(spec.lmEvalCompat());
        LoglikelihoodScorer.ForkPolicy fork = forkPolicy(spec.fork());
        int maxLen = spec.maxLength() != null ? spec.maxLength() : ckpt.info().maxPositionEmbeddings();
        if (maxLen < 2) {
            throw new DeltaEvalException(ckpt.dir().resolve("config.json") + ": max_position_embeddings is " + maxLen
                    + ", which lm-eval takes as the maximum length; give " + DeltaEvalException.setting("max_length")
                    + " of at least 2");
        }
        ComputeOptions opts = Compute.resolve(spec.compute(), ckpt);
        BatchPlan batches = BatchPlan.parse(spec.batchSize(), opts.device().isGpu());
        double start = System.currentTimeMillis() / 1000.0;
        long t0 = System.nanoTime();
        List<TaskResult> results = new ArrayList<>();
        Map<String, String> dataHashes = new LinkedHashMap<>();
        // a run without the cache still journals, into a fresh folder: one that fails while writing keeps its work;
        // the journal lives in the model's folder: lm-eval's readers take every folder under OUTPUT for a model
        Path modelDir = output.resolve(ResultsWriter.sanitizeModelName(CheckpointRef.modelName(given)));
        Path journalDir = spec.noCache() ? freshJournalDir(output) : spec.cacheDir() != null
                ? Path.of(spec.cacheDir()) : modelDir.resolve("cache");
        String kernels;
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "eval");
             LanguageModel model = Compute.load(ckpt, opts)) {
            kernels = Compute.kernelsInUse();
            LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, batches, maxLen, fork);
            Evaluator evaluator = new Evaluator(scorer, PairEncoder.forModel(tok, semantics, ckpt.info()),
                    spec.bootstrapIters(), new Generator(model, tok, semantics, ckpt.info().eosTokenId(), maxLen,
                    batches), semantics);
            for (TaskSpec task : specs) {
                List<Path> files = new ArrayList<>(List.of(dataDir.resolve(task.dataFile())));
                if (task.labelsFile() != null) {
                    files.add(dataDir.resolve(task.labelsFile()));
                }
                boolean generate = task.outputType() == TaskSpec.OutputType.GENERATE_UNTIL;
                ProgressLine[] progress = new ProgressLine[1];
                Evaluator.Progress show = (done, total, docsPerUnit) -> {
                    if (progress[0] == null) {
                        progress[0] = new ProgressLine(task.task(), total, generate ? "documents" : "requests",
                                generate ? 0 : docsPerUnit);
                    }
                    progress[0].update(done);
                };
                TaskResult r;
                // everything that can change a result's bits is part of the key
                String settings = "max_length=" + maxLen + ",fork=" + fork + ",batch=" + batches.label()
                        + ",device=" + opts.device() + ",dtype=" + opts.precision().label() + ",chunk="
                        + opts.chunkSubsteps();
                try (ResultJournal journal = new ResultJournal(journalDir, ckpt.contentHash(), semantics,
                        task.task(), settings)) {
                    r = evaluator.run(task, dataDir, limit, show, journal);
                }
                Limits.warnIfBeyond(limit, task.task(), r.originalDocs(), ctx.setting("limit"));
                dataHashes.put(task.task(), FileHashes.sha256(files));
                if (generate) {
                    System.err.printf("%s: %d documents, %d generated, %d from the journal%n", task.task(),
                            r.docs().size(), evaluator.lastGenerated(), r.docs().size() - evaluator.lastGenerated());
                } else {
                    System.err.printf("%s: %d documents, %s%n", task.task(), r.docs().size(), scorer.lastStats());
                }
                r.notes().forEach(n -> System.err.println("deltaeval: warning: " + n));
                results.add(r);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Provenance p = new Provenance(Harness.VERSION, ckpt.dir().toString(), ckpt.contentHash(),
                ckpt.parameterCount(), semantics, opts.deviceLabel(), opts.precision().label(), kernels,
                batches.maxRows(), batches.tokenBudget(), fork.name().toLowerCase(Locale.ROOT), maxLen, limit,
                spec.bootstrapIters(), dataHashes, CheckpointRef.modelName(given), CheckpointRef.revision(given),
                CheckpointRef.hubCommit(ckpt), TokenizerInfo.read(ckpt.tokenizerFile().orElse(null),
                ckpt.info().bosTokenId(), ckpt.info().eosTokenId()), Harness.environment(opts.deviceLabel()));
        String stamp = LocalDateTime.now().toString().replace(":", "-");
        try {
            ResultsWriter.write(modelDir, stamp, ResultsWriter.resultsJson(results, p, start, secs,
                    spec.logSamples()), results, spec.logSamples(), semantics);
        } catch (IOException e) {
            System.err.println("finished requests are kept in " + journalDir + " (run again with "
                    + ctx.setting("cache_dir") + " " + journalDir + " to reuse them)");
            throw e;
        }
        if (spec.noCache()) {
            deleteTree(journalDir);
        }
        ctx.out().print(ResultsWriter.table(results));
        System.err.printf("wrote %s (%.1f s)%n", modelDir.resolve("results_" + stamp + ".json"), secs);
    }

    private static Path freshJournalDir(Path output) throws IOException {
        Files.createDirectories(output);
        return Files.createTempDirectory(output, ".journal-");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
