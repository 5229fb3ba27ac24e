package dev.deltaeval.checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits a single-file checkpoint into two shards with an index, as transformers does (shared with later modules). */
public final class TestShards {
    private TestShards() {
    }

    public static void split(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("config.json"), to.resolve("config.json"));
        SafetensorsFile f = SafetensorsFile.open(from.resolve("model.safetensors"));
        List<String> names = new ArrayList<>(f.tensors().keySet());
        SafetensorsWriter w1 = new SafetensorsWriter();
        SafetensorsWriter w2 = new SafetensorsWriter();
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            HostTensor t = f.readFloat(n);
            boolean first = i < names.size() / 2;
            (first ? w1 : w2).putFloat(n, t.shape(), t.data());
            map.append(map.length() == 0 ? "" : ",").append('"').append(n).append("\": \"model-0000")
                    .append(first ? 1 : 2).append("-of-00002.safetensors\"");
        }
        w1.write(to.resolve("model-00001-of-00002.safetensors"));
        w2.write(to.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(to.resolve("model.safetensors.index.json"),
                "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {" + map + "}}");
    }
}
