package dev.deltaeval.deltanet.config;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The model configs of the DeltaProduct repository (model.md §9.1), bundled so that {@code init} and
 * {@code bench} accept a name such as {@code delta_product_340m_-1_1_2_4k_8h} instead of a file.
 */
public final class NamedConfigs {
    private static final String BASE = "/dev/deltaeval/deltanet/configs/";

    private NamedConfigs() {
    }

    public static List<String> names() {
        try (InputStream in = NamedConfigs.class.getResourceAsStream(BASE + "index.txt")) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bundled config as parsed JSON (nothing is written anywhere); an unknown name lists the known ones. */
    public static com.fasterxml.jackson.databind.JsonNode json(String name) throws IOException {
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        try (InputStream in = NamedConfigs.class.getResourceAsStream(BASE + base + ".json")) {
            if (in == null) {
                throw new CheckpointException("no bundled config named " + name + " (bundled: "
                        + String.join(", ", names()) + ")");
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        }
    }

    /** A config file path, or a bundled name written to {@code scratchDir}; an unknown name lists the known ones. */
    public static Path resolve(String nameOrPath, Path scratchDir) throws IOException {
        Path p = Path.of(nameOrPath);
        if (Files.isRegularFile(p)) {
            return p;
        }
        String name = nameOrPath.endsWith(".json") ? nameOrPath.substring(0, nameOrPath.length() - 5) : nameOrPath;
        try (InputStream in = NamedConfigs.class.getResourceAsStream(BASE + name + ".json")) {
            if (in == null) {
                throw new CheckpointException(DeltaEvalException.setting("config") + " " + nameOrPath + ": no such file and no bundled config of that "
                        + "name (bundled: " + String.join(", ", names()) + ")");
            }
            Files.createDirectories(scratchDir);
            Path out = scratchDir.resolve(name + ".json");
            Files.write(out, in.readAllBytes());
            return out;
        }
    }
}
