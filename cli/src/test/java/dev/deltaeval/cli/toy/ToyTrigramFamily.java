package dev.deltaeval.cli.toy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.DType;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.common.FileHashes;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelFamily;
import dev.deltaeval.model.ModelInfo;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A second model family, for tests only: a model in plain Java whose logits are a closed form of the last two
 * tokens and the next ({@link ToyTrigramModel#logit}), scaled by the one weight in its model.safetensors. It plugs
 * in through META-INF/services alone, which is what the test shows.
 */
public final class ToyTrigramFamily implements ModelFamily {
    public static final String MODEL_TYPE = "toy_trigram";

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public Set<String> modelTypes() {
        return Set.of(MODEL_TYPE);
    }

    @Override
    public ModelCheckpoint open(Path dir, JsonNode config) {
        int vocab = config.path("vocab_size").asInt(0);
        if (vocab < 2) {
            throw new CheckpointException(dir.resolve("config.json") + ": field vocab_size must be at least 2");
        }
        Path weights = dir.resolve("model.safetensors");
        float scale = SafetensorsFile.open(weights).readFloat("scale").toFloatArray()[0];
        ModelInfo info = new ModelInfo(name(), MODEL_TYPE, "toy trigram, vocab " + vocab, 1, 1, vocab, 1 << 20,
                config.path("bos_token_id").asInt(1), config.path("eos_token_id").asInt(2));
        return new ModelCheckpoint() {
            @Override
            public Path dir() {
                return dir;
            }

            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public String layoutLabel() {
                return "toy";
            }

            @Override
            public List<String> warnings() {
                return List.of();
            }

            @Override
            public String contentHash() {
                return FileHashes.sha256(List.of(dir.resolve("config.json"), weights));
            }

            @Override
            public TrainingContext trainingContext() {
                return new TrainingContext(64, "toy");
            }

            @Override
            public long parameterCount() {
                return 1;
            }

            @Override
            public Map<DType, Integer> storedDtypes() {
                return Map.of(DType.F32, 1);
            }

            @Override
            public Optional<Path> tokenizerFile() {
                Path p = dir.resolve("tokenizer.json");
                return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
            }

            @Override
            public List<Path> weightFiles() {
                return List.of(weights);
            }

            @Override
            public Map<String, Object> architectureFacts() {
                return Map.of("scale", scale);
            }

            @Override
            public LanguageModel load(ComputeOptions options) {
                return new ToyTrigramModel(info, options, scale);
            }
        };
    }
}
