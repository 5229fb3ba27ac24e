package dev.deltaeval.model;

import dev.deltaeval.checkpoints.DType;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint folder opened and validated by its family (config read with the family's defaults, every expected
 * tensor present with its shape). Opening reads headers only; {@link #load} puts the weights on a device.
 */
public interface ModelCheckpoint {
    Path dir();

    ModelInfo info();

    /** Which of the family's file layouts the weights are in, e.g. "fla 0.2.2 (per-step projections)". */
    String layoutLabel();

    /** Problems that did not stop opening (unused tensors, keys read under another name). */
    List<String> warnings();

    /** SHA-256 over config.json and the weight files: the checkpoint's identity in reports. */
    String contentHash();

    TrainingContext trainingContext();

    /** Parameters the model uses (tied embeddings counted once). */
    long parameterCount();

    /** Stored dtypes and how many tensors have each, e.g. {BF16=92}. */
    Map<DType, Integer> storedDtypes();

    Optional<Path> tokenizerFile();

    /** The files holding the weights (one, or the shards of an index). */
    List<Path> weightFiles();

    /** Family-specific facts for {@code inspect}, in display order (e.g. DeltaProduct's n_h, eigenvalue range). */
    Map<String, Object> architectureFacts();

    LanguageModel load(ComputeOptions options);

    /** One line of facts for listings (the family's own; its summary by default). */
    default String facts() {
        return info().summary();
    }

    /** The context length a checkpoint was trained at, and where that figure comes from. */
    record TrainingContext(int tokens, String source) {
    }
}
