package dev.deltaeval.jobs.eval;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.JobSpec;
import java.util.List;

/**
 * Zero-shot tasks on one checkpoint, as {@code deltaeval eval} and a plan's "eval" section give them. Absent
 * fields take the command's defaults.
 *
 * @param checkpoint    a folder or hf:ORG/NAME[@REV]
 * @param tasks         task or group names
 * @param dataDir       the tasks' data files
 * @param limit         first N documents of each task, or null for all
 * @param batchSize     auto, N sequences or Nt tokens per forward pass
 * @param maxLength     left-truncation length, or null for the config's max_position_embeddings
 * @param fork          auto, always or never
 * @param lmEvalCompat  current or 0.4.2
 * @param bootstrapIters bootstrap iterations for perplexity stderr
 * @param output        where results are written (OUTPUT/<model>/results_*.json)
 * @param logSamples    also write lm-eval's per-sample JSONL
 * @param cacheDir      the request journal, or null for OUTPUT/<model>/cache
 * @param noCache       journal into a fresh folder deleted once results are written
 */
public record EvalSpec(String checkpoint, List<String> tasks, String dataDir, Integer limit, String batchSize,
                       Integer maxLength, String fork, String lmEvalCompat, Integer bootstrapIters, String output,
                       Boolean logSamples, String cacheDir, Boolean noCache, String device, String dtype,
                       String kernels, Integer chunk) implements JobSpec {
    public EvalSpec {
        tasks = tasks == null ? List.of("piqa", "arc_easy") : List.copyOf(tasks);
        dataDir = dataDir == null ? "data/tasks-sample" : dataDir;
        batchSize = batchSize == null ? "auto" : batchSize;
        fork = fork == null ? "auto" : fork;
        lmEvalCompat = lmEvalCompat == null ? "current" : lmEvalCompat;
        bootstrapIters = bootstrapIters == null ? 100000 : bootstrapIters;
        output = output == null ? "runs/eval" : output;
        logSamples = logSamples != null && logSamples;
        noCache = noCache != null && noCache;
    }

    @Override
    public String kind() {
        return EvalJob.KIND;
    }

    public String checkpointOrDefault() {
        return checkpoint == null ? CheckpointRef.DEFAULT : checkpoint;
    }

    public ComputeRequest compute() {
        return new ComputeRequest(device, dtype, kernels, chunk == null ? 0 : chunk);
    }

    /** One task of this spec, for one checkpoint, into a plan's folders. */
    EvalSpec unit(String ckpt, String task, String out, String cache, String planDevice, String planDtype) {
        return new EvalSpec(ckpt, List.of(task), dataDir, limit, batchSize, maxLength, fork, lmEvalCompat,
                bootstrapIters, out, true, cache, noCache, device != null ? device : planDevice,
                dtype != null ? dtype : planDtype, kernels, chunk);
    }

    EvalSpec withOutput(String out) {
        return new EvalSpec(checkpoint, tasks, dataDir, limit, batchSize, maxLength, fork, lmEvalCompat,
                bootstrapIters, out, logSamples, cacheDir, noCache, device, dtype, kernels, chunk);
    }
}
