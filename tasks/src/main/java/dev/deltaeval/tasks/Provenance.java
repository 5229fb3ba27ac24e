package dev.deltaeval.tasks;

import java.util.Map;

/**
 * Where a result came from, written into every results file.
 *
 * @param kernels     the kernels that ran the model's core, per forward mode
 * @param batchSize   most sequences per forward pass
 * @param tokenBudget most padded tokens per forward pass, 0 for none
 * @param dataHashes per task, SHA-256 of its data files
 * @param modelName  lm-eval's model_name: the checkpoint as the user named it (a path, or ORG/NAME on the Hub)
 * @param revision   the Hub revision ("main" for a local folder, as HFLM's default) and {@code hubCommit} the commit a
 *                   Hub checkpoint resolved to ("" for a local folder, as lm-eval's model_sha when it cannot ask)
 * @param environment one line describing the runtime (Java, OS, libtorch, device), lm-eval's pretty_env_info
 */
public record Provenance(String harnessVersion, String checkpoint, String checkpointSha256, long parameters,
                         LmEvalSemantics semantics, String device, String dtype, String kernels, int batchSize, long tokenBudget,
                         String forking,
                         int maxLength, int limit, int bootstrapIters, Map<String, String> dataHashes,
                         String modelName, String revision, String hubCommit, TokenizerInfo tokenizer,
                         String environment) {
}
