package dev.deltaeval.jobs;

import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.text.source.TextSource;
import java.util.LinkedHashMap;
import java.util.Map;

/** The provenance block of extrapolate and rank results: where every number came from. */
public final class RunProvenance {
    private RunProvenance() {
    }

    /** SHA-256 over the source's file, or over the .txt files of its folder in name order. */
    public static String dataHash(TextSource source) throws java.io.IOException {
        java.nio.file.Path path = source.path();
        if (!java.nio.file.Files.isDirectory(path)) {
            return dev.deltaeval.common.FileHashes.sha256(java.util.List.of(path));
        }
        try (var files = java.nio.file.Files.list(path)) {
            return dev.deltaeval.common.FileHashes.sha256(files.filter(p -> p.toString().endsWith(".txt")).sorted().toList());
        }
    }

    public static Map<String, Object> of(ModelCheckpoint ckpt, TextSource source, String dataHash, Long seed, ComputeOptions opts) {
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("harness_version", Harness.VERSION);
        prov.put("checkpoint", ckpt.dir().toString());
        prov.put("checkpoint_sha256", ckpt.contentHash());
        prov.put("data", source.path().toString());
        prov.put("data_sha256", dataHash);
        prov.put("template", source.template());
        prov.put("seed", seed);
        prov.put("device", opts.deviceLabel());
        prov.put("dtype", opts.precision().label());
        prov.put("kernels", Compute.kernelsInUse());
        prov.put("batch_size", 1);
        prov.put("date", java.time.Instant.now().toString());
        return prov;
    }
}
