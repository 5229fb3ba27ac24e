package dev.deltaeval.deltanet.config;

import dev.deltaeval.deltanet.models.CheckpointInitializer;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small configs in the shapes fla writes, for building checkpoints with {@link CheckpointInitializer}. */
final class TinyConfigs {
    private TinyConfigs() {
    }

    /** fla 0.2.2 GatedDeltaProduct config as the DeltaProduct repository writes it (uses use_gate). */
    static String dp022(int nh) {
        return "{\"model_type\": \"gated_deltaproduct\", \"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_heads\": 2,"
                + " \"head_dim\": 16, \"expand_v\": 1, \"use_gate\": false, \"allow_neg_eigval\": true,"
                + " \"num_householder\": " + nh + ", \"vocab_size\": 64, \"tie_word_embeddings\": true,"
                + " \"layer_type\": \"stale key ignored\", \"expand_k\": 1}";
    }

    static Path write(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("config.json"), json);
    }

    static DeltaNetCheckpoint init(Path dir, String json, CheckpointLayout layout) throws IOException {
        Path cfg = write(dir.resolveSibling(dir.getFileName() + "-cfg"), json);
        return CheckpointInitializer.write(cfg, dir, 7, layout, CheckpointInitializer.StoredType.F32);
    }
}
