package dev.deltaeval.tasks;

import java.util.Map;

/**
 * Where a result came from, written into every results file.
 *
 * @param batchSize   most sequences per forward pass
 * @param tokenBudget most padded tokens per forward pass, 0 for none
 * @param dataHashes per task, SHA-256 of its data files
 */
public record Provenance(String harnessVersion, String checkpoint, String checkpointSha256, long parameters,
                         LmEvalSemantics semantics, String device, String dtype, int batchSize, long tokenBudget,
                         String forking,
                         int maxLength, int limit, int bootstrapIters, Map<String, String> dataHashes) {
}
