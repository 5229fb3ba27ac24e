package dev.deltaeval.jobs;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.common.FileHashes;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Finding and checking checkpoint folders on disk, whatever their family. */
public final class CheckpointFolders {
    private CheckpointFolders() {
    }

    /**
     * One line per checkpoint under {@code dir} (plain folders and the DeltaProduct release's
     * runs/NAME/checkpoint-STEP layout, four levels deep): parameters, the family's facts and the training context,
     * or why it is invalid. Empty when there is none.
     */
    public static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": no such folder");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir, 4)) {
            s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().forEach(found::add);
        }
        List<String> lines = new ArrayList<>();
        for (Path p : found) {
            String name = dir.relativize(p).toString();
            try {
                ModelCheckpoint c = ModelFamilies.open(p);
                lines.add(String.format(Locale.ROOT, "%-40s %8.1fM  %s trained_ctx=%d", name.isEmpty() ? "." : name,
                        c.parameterCount() / 1e6, c.facts(), c.trainingContext().tokens()));
            } catch (DeltaEvalException e) {
                lines.add(String.format("%-40s invalid: %s", name, e.getMessage()));
            }
        }
        return lines;
    }

    /**
     * Checks a checkpoint folder: config, every safetensors header and size, the shard index against the shards,
     * every tensor the model needs (by opening it), and in a Hugging Face cache snapshot each file's SHA-256
     * against its blob name. Returns the line that says it is fine; anything else is an error.
     */
    public static String verify(Path dir) throws IOException {
        ModelCheckpoint c = ModelFamilies.open(dir); // header, sizes, index and tensor shapes
        int files = 0;
        int hashed = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (p.toString().endsWith(".safetensors")) {
                    SafetensorsFile.open(p);
                    files++;
                }
                if (Files.isSymbolicLink(p)) {
                    Path blob = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
                    String want = blob.getFileName().toString();
                    if (want.length() == 64) {
                        String got = FileHashes.sha256(List.of(p));
                        if (!got.equals(want)) {
                            throw new CheckpointException(p + ": sha256 " + got + " does not match its blob " + want);
                        }
                        hashed++;
                    }
                }
            }
        }
        return String.format("%s: OK (%s, %d safetensors files, %d tensors checked, %d files hash-verified)", dir,
                c.facts(), files, c.storedDtypes().values().stream().mapToInt(Integer::intValue).sum(), hashed);
    }
}
