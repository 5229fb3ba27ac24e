package dev.deltaeval.deltanet.models;

import dev.deltaeval.checkpoints.JsonFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.deltanet.config.CheckpointLayout;
import dev.deltaeval.deltanet.config.NamedConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Random-weight checkpoints for benchmarks and tests, from a config file or a bundled config name: written once
 * into a folder of the user's ({@code init}) or kept in a cache by config and seed ({@code bench forward --config}).
 */
public final class RandomCheckpoints {
    private RandomCheckpoints() {
    }

    /**
     * Writes a new checkpoint into {@code out}, which must be new or empty (a trained checkpoint's weights would
     * otherwise be replaced beside its own tokenizer).
     *
     * @param layout     auto, fla-0.2.2 or fla-current
     * @param storedType f32 or bf16
     * @param tokenizer  a tokenizer.json to copy in, or null
     */
    public static DeltaNetCheckpoint write(String config, Path out, long seed, String layout, String storedType,
                                           Path tokenizer) throws IOException {
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new DeltaEvalException(out + ": not empty; init writes a new checkpoint into a new or empty "
                            + "folder");
                }
            }
        }
        Path cfg = NamedConfigs.resolve(config, Files.createTempDirectory("deltaeval-config"));
        CheckpointLayout l = layoutOf(layout, cfg);
        CheckpointInitializer.StoredType type;
        try {
            type = CheckpointInitializer.StoredType.valueOf(storedType.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DeltaEvalException(DeltaEvalException.setting("stored_dtype") + " " + storedType
                    + ": expected f32 or bf16");
        }
        DeltaNetCheckpoint c = CheckpointInitializer.write(cfg, out, seed, l, type);
        if (tokenizer != null) {
            Files.copy(tokenizer, out.resolve(DeltaNetCheckpoint.TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        return c;
    }

    /** The layout a random checkpoint of {@code cfg} is written in ("auto": fla 0.2.2 for use_gate configs). */
    public static CheckpointLayout layoutOf(String layout, Path cfg) {
        return layout.equals("auto") ? CheckpointInitializer.defaultLayout(JsonFiles.readObject(cfg))
                : CheckpointLayout.parse(layout);
    }

    /** A bf16 checkpoint of {@code config} with {@code seed} in {@code cacheDir}, written on first use. */
    public static Path cached(String config, Path cacheDir, long seed) throws IOException {
        Path cfg = NamedConfigs.resolve(config, Files.createTempDirectory("deltaeval-config"));
        Path dir = cacheDir.resolve(cfg.getFileName().toString().replace(".json", "") + "-seed" + seed);
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            System.err.println("writing random-weight checkpoint " + dir + " (once)");
            CheckpointInitializer.write(cfg, dir, seed, layoutOf("auto", cfg), CheckpointInitializer.StoredType.BF16);
        }
        return dir;
    }
}
