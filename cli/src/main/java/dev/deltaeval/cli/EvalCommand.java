package dev.deltaeval.cli;

import dev.deltaeval.core.scoring.BatchPlan;
import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.core.tokenizer.TextTokenizer;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Zero-shot tasks with lm-evaluation-harness semantics (prompts, tokenization, metrics, stderr).",
            "Each document's context runs once and its recurrent state is forked for every choice.",
            "Writes OUTPUT/<model>/results_<date>.json in lm-eval's shape and layout (and",
            "samples_<task>_<date>.jsonl with --log-samples); <model> is the checkpoint as named, sanitized as lm-eval does."})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointArg.DEFAULT + ").")
    Path checkpoint;

    @Option(names = "--tasks", split = ",", defaultValue = "piqa,arc_easy", paramLabel = "TASK[,TASK...]", hideParamSyntax = true,
            completionCandidates = TaskRegistry.NamesAndGroups.class,
            description = "Tasks to run (default: ${DEFAULT-VALUE}). Available tasks, then groups: "
                    + "${COMPLETION-CANDIDATES}.")
    List<String> tasks;

    @Option(names = {"--data-dir", "--data"}, defaultValue = "data/tasks-sample", paramLabel = "DIR",
            description = "Directory with the tasks' data files in their original formats (default: ${DEFAULT-VALUE}, "
                    + "the first 20 documents of each).")
    Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N documents of each task "
            + "(default: all).")
    Integer limit;

    @Mixin
    BatchSizeMixin batchSize;

    @Option(names = {"--max-length", "--max-len"}, paramLabel = "N",
            description = "Left-truncate inputs to N tokens (default: the config's max_position_embeddings, as lm-eval).")
    Integer maxLength;

    @Option(names = "--fork", defaultValue = "auto", paramLabel = "auto|always|never",
            description = "State forking (default: ${DEFAULT-VALUE}: fork when it saves at least 1.5x the tokens; never "
                    + "reruns each context per choice, as a Transformer harness does).")
    String fork;

    @Option(names = "--lm-eval-compat", defaultValue = "current", paramLabel = "current|0.4.2",
            description = "lm-eval behaviour to reproduce (default: ${DEFAULT-VALUE}; 0.4.2 adds no BOS).")
    String compat;

    @Option(names = "--bootstrap-iters", defaultValue = "100000", paramLabel = "N",
            description = "Bootstrap iterations for perplexity stderr (default: ${DEFAULT-VALUE}, as lm-eval).")
    int bootstrapIters;

    @Option(names = {"--output", "--out"}, defaultValue = "runs/eval", paramLabel = "DIR",
            description = "Where results are written (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--log-samples", description = "Also write per-sample JSONL in lm-eval's format.")
    boolean logSamples;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Per-request result journal, so an interrupted run resumes (default: OUTPUT/<model>/cache).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Reuse no earlier results: this run journals into a fresh folder, "
            + "deleted once its results are written (kept, and named, if writing them fails).")
    boolean noCache;

    @Mixin
    ComputeMixin compute;

    private LoglikelihoodScorer.ForkPolicy forkPolicy() {
        try {
            return LoglikelihoodScorer.ForkPolicy.valueOf(fork.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fork " + fork + ": expected auto, always or never");
        }
    }

    private Path freshJournalDir() throws IOException {
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

    @Override
    public Integer call() throws IOException {
        int limit = Limits.check(this.limit);
        List<TaskSpec> specs = TaskRegistry.resolve(tasks, dataDir);
        ModelCheckpoint ckpt = CheckpointArg.open(checkpoint);
        LmEvalSemantics semantics = LmEvalSemantics.parse(compat);
        int maxLen = maxLength != null ? maxLength : ckpt.info().maxPositionEmbeddings();
        ComputeOptions opts = compute.options(ckpt);
        BatchPlan batches = batchSize.plan(opts.device().isGpu());
        double start = System.currentTimeMillis() / 1000.0;
        long t0 = System.nanoTime();
        List<TaskResult> results = new ArrayList<>();
        Map<String, String> dataHashes = new LinkedHashMap<>();
        // --no-cache still journals, into a fresh folder: a run that fails while writing keeps its finished work
        // the journal lives in the model's folder: lm-eval's readers take every folder under OUTPUT for a model
        Path modelDir = output.resolve(ResultsWriter.sanitizeModelName(CheckpointArg.modelName(checkpoint)));
        Path journalDir = noCache ? freshJournalDir() : cacheDir != null ? cacheDir : modelDir.resolve("cache");
        try (TextTokenizer tok = CheckpointArg.tokenizer(ckpt, "eval"); LanguageModel model = ComputeMixin.load(ckpt, opts)) {
            LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, batches, maxLen, forkPolicy());
            Evaluator evaluator = new Evaluator(scorer, PairEncoder.forModel(tok, semantics, ckpt.info()), bootstrapIters,
                    new Generator(model, tok, semantics, ckpt.info().eosTokenId(), maxLen, batches), semantics);
            for (TaskSpec spec : specs) {
                List<Path> files = new ArrayList<>(List.of(dataDir.resolve(spec.dataFile())));
                if (spec.labelsFile() != null) {
                    files.add(dataDir.resolve(spec.labelsFile()));
                }
                ProgressLine[] progress = new ProgressLine[1];
                Evaluator.Progress show = (done, total, docsPerUnit) -> {
                    if (progress[0] == null) {
                        progress[0] = new ProgressLine(spec.task(), total,
                                spec.outputType() == TaskSpec.OutputType.GENERATE_UNTIL ? "documents" : "requests",
                                spec.outputType() == TaskSpec.OutputType.GENERATE_UNTIL ? 0 : docsPerUnit);
                    }
                    progress[0].update(done);
                };
                TaskResult r;
                // everything that can change a result's bits is part of the key
                String settings = "max_length=" + maxLen + ",fork=" + forkPolicy() + ",batch=" + batches.label()
                        + ",device=" + opts.device() + ",dtype=" + opts.precision().label() + ",chunk="
                        + opts.chunkSubsteps();
                try (ResultJournal journal = new ResultJournal(journalDir, ckpt.contentHash(), semantics, spec.task(),
                        settings)) {
                    r = evaluator.run(spec, dataDir, limit, show, journal);
                }
                Limits.warnIfBeyond(limit, spec.task(), r.originalDocs());
                dataHashes.put(spec.task(), dev.deltaeval.common.FileHashes.sha256(files));
                if (spec.outputType() == TaskSpec.OutputType.GENERATE_UNTIL) {
                    System.err.printf("%s: %d documents, %d generated, %d from the journal%n", spec.task(),
                            r.docs().size(), evaluator.lastGenerated(), r.docs().size() - evaluator.lastGenerated());
                } else {
                    System.err.printf("%s: %d documents, %s%n", spec.task(), r.docs().size(), scorer.lastStats());
                }
                r.notes().forEach(n -> System.err.println("deltaeval: warning: " + n));
                results.add(r);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Provenance p = new Provenance(Version.HARNESS, ckpt.dir().toString(), ckpt.contentHash(), ckpt.parameterCount(),
                semantics, opts.deviceLabel(), opts.precision().label(), ComputeMixin.kernelsInUse(), batches.maxRows(), batches.tokenBudget(),
                forkPolicy().name().toLowerCase(java.util.Locale.ROOT), maxLen, limit,
                bootstrapIters, dataHashes, CheckpointArg.modelName(checkpoint), CheckpointArg.revision(checkpoint),
                CheckpointArg.hubCommit(ckpt), TokenizerInfo.read(ckpt.tokenizerFile().orElse(null),
                ckpt.info().bosTokenId(), ckpt.info().eosTokenId()), Version.environment(opts.deviceLabel()));
        String stamp = LocalDateTime.now().toString().replace(":", "-");
        try {
            ResultsWriter.write(modelDir, stamp, ResultsWriter.resultsJson(results, p, start, secs, logSamples), results,
                    logSamples, semantics);
        } catch (IOException e) {
            System.err.println("finished requests are kept in " + journalDir + " (rerun with --cache-dir " + journalDir
                    + " to reuse them)");
            throw e;
        }
        if (noCache) {
            deleteTree(journalDir);
        }
        System.out.print(ResultsWriter.table(results));
        System.err.printf("wrote %s (%.1f s)%n", modelDir.resolve("results_" + stamp + ".json"), secs);
        return 0;
    }
}
