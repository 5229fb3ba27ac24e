package dev.deltaeval.checkpoints;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * All tensors of a checkpoint directory, from {@code model.safetensors} or from the shards that
 * {@code model.safetensors.index.json} lists.
 */
public final class TensorStore {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Map<String, SafetensorsFile> byTensor;
    private final List<Path> files;

    private TensorStore(Map<String, SafetensorsFile> byTensor, List<Path> files) {
        this.byTensor = byTensor;
        this.files = files;
    }

    public static TensorStore open(Path dir) {
        Path single = dir.resolve(SINGLE_FILE);
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> map = new LinkedHashMap<>();
            f.tensors().keySet().forEach(n -> map.put(n, f));
            return new TensorStore(map, List.of(single));
        }
        if (Files.isRegularFile(index)) {
            return openSharded(dir, index);
        }
        for (Path p : List.of(single, index)) {
            if (Files.exists(p)) {
                // a FIFO, a device (a link to /dev/zero) or a folder under the weights' name
                throw new CheckpointException(p + ": not a regular file (expected the checkpoint's weights)");
            }
        }
        String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                ? " (found pytorch_model.bin: run `deltaeval checkpoints import-torch " + dir + "` to write "
                + SINGLE_FILE + " from it; its pickle is read without running it)" : "";
        throw new CheckpointException(dir + ": no weights found (expected " + SINGLE_FILE + " or " + INDEX_FILE + ")"
                + hint);
    }

    /** A name that resolves inside its folder: no separators, not "." or "..", not empty. */
    static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    private static TensorStore openSharded(Path dir, Path index) {
        JsonNode root = JsonFiles.readObject(index);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.size() == 0) {
            throw new CheckpointException(index + ": field weight_map is missing or empty (expected tensor -> shard file)");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (String shard : new TreeSet<>(collectValues(weightMap))) {
            if (!isPlainFileName(shard)) {
                throw new CheckpointException(index + ": shard \"" + shard + "\" in weight_map is not a plain file "
                        + "name in the checkpoint folder (expected e.g. model-00001-of-00002.safetensors)");
            }
            Path p = dir.resolve(shard);
            if (!Files.isRegularFile(p)) {
                throw new CheckpointException(index + ": shard " + shard + " listed in weight_map is missing");
            }
            shards.put(shard, SafetensorsFile.open(p));
        }
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        weightMap.properties().forEach(e -> {
            SafetensorsFile f = shards.get(e.getValue().asText());
            if (!f.tensors().containsKey(e.getKey())) {
                throw new CheckpointException(f.path() + ": tensor " + e.getKey() + " listed in " + INDEX_FILE
                        + " is missing from this shard");
            }
            byTensor.put(e.getKey(), f);
        });
        List<Path> files = new ArrayList<>();
        shards.values().forEach(s -> files.add(s.path()));
        return new TensorStore(byTensor, files);
    }

    private static List<String> collectValues(JsonNode obj) {
        List<String> out = new ArrayList<>();
        obj.properties().forEach(e -> out.add(e.getValue().asText()));
        return out;
    }

    public Iterable<String> names() {
        return Collections.unmodifiableSet(byTensor.keySet());
    }

    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    public TensorInfo info(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new CheckpointException("tensor " + name + " is missing from the checkpoint");
        }
        return f.info(name);
    }

    public HostTensor readFloat(String name) {
        info(name);
        return byTensor.get(name).readFloat(name);
    }

    /** The weight files, in a stable order (for hashing and verification). */
    public List<Path> files() {
        return files;
    }
}
