package dev.deltaeval.checkpoints.torch;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code checkpoints import-torch}: a folder with {@code pytorch_model.bin} (the DeltaProduct repository's
 * main.py writes one) becomes a folder every command reads, with {@code model.safetensors} holding the same
 * tensors, types and names (prefixes of torch.compile and DDP removed), and the side files copied.
 */
public final class TorchImport {
    static final String BIN = "pytorch_model.bin";
    private static final List<String> SIDE_FILES = List.of("config.json", "state_tracking.json", "training_meta.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    private TorchImport() {
    }

    /** @return the safetensors file written */
    public static Path run(Path dir, Path out) throws IOException {
        Path bin = dir.resolve(BIN);
        if (!Files.isRegularFile(bin)) {
            throw new CheckpointException(dir + ": no " + BIN + " to import");
        }
        Path target = out.resolve("model.safetensors");
        if (Files.exists(target)) {
            throw new CheckpointException(target + " exists already; import into an empty folder");
        }
        Map<String, TorchZipFile.Tensor> tensors = TorchZipFile.read(bin);
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt")
                .metadata("deltaeval_imported_from", BIN);
        for (Map.Entry<String, TorchZipFile.Tensor> e : tensors.entrySet()) {
            TorchZipFile.Tensor t = e.getValue();
            w.putBytes(e.getKey(), t.dtype(), t.shape(), ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN));
        }
        Files.createDirectories(out);
        if (!out.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
            for (String f : SIDE_FILES) {
                if (Files.isRegularFile(dir.resolve(f)) && !Files.exists(out.resolve(f))) {
                    Files.copy(dir.resolve(f), out.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        w.write(target);
        return target;
    }
}
