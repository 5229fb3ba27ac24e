package dev.deltaeval.cli;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.eval.EvalSpec;
import dev.deltaeval.tasks.TaskRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Zero-shot tasks with lm-evaluation-harness semantics (prompts, tokenization, metrics, stderr).",
            "Each document's context runs once and its recurrent state is forked for every choice.",
            "Writes OUTPUT/<model>/results_<date>.json in lm-eval's shape and layout (and "
            + "samples_<task>_<date>.jsonl with --log-samples); <model> is the checkpoint as named, sanitized as lm-eval does."})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
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

    @Override
    public Integer call() throws IOException {
        ComputeRequest c = compute.request();
        Jobs.run(new EvalSpec(checkpoint == null ? null : checkpoint.toString(), tasks, dataDir.toString(), limit,
                batchSize.spec, maxLength, fork, compat, bootstrapIters, output.toString(), logSamples,
                cacheDir == null ? null : cacheDir.toString(), noCache, c.device(), c.dtype(), c.kernels(),
                c.chunk()), DeltaEvalCli.jobContext());
        return 0;
    }
}
