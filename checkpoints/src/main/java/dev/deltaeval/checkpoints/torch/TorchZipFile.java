package dev.deltaeval.checkpoints.torch;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A checkpoint written by torch.save (zip format, torch 1.6 and later): {@code ARCHIVE/data.pkl} read by
 * {@link RestrictedUnpickler}, the storages in {@code ARCHIVE/data/KEY}, {@code ARCHIVE/byteorder} "little".
 * Tensors must be contiguous views (a state dict's are); names lose torch.compile's {@code _orig_mod.} and DDP's
 * {@code module.} prefixes.
 */
public final class TorchZipFile {
    /** A tensor's bytes (little-endian) with its type and shape. */
    public record Tensor(DType dtype, long[] shape, byte[] data) {
    }

    private TorchZipFile() {
    }

    /** Every tensor of the state dict in {@code file}, in the file's order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = Collections.list(zip.entries()).stream().filter(e -> e.getName().endsWith("/data.pkl")
                    || e.getName().equals("data.pkl")).findFirst().orElseThrow(() -> new CheckpointException(file
                    + ": no data.pkl inside (not a torch.save zip file)"));
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo = new String(bytes(zip, order, 16, file), StandardCharsets.US_ASCII).trim();
                if (!bo.equals("little")) {
                    throw new CheckpointException(file + ": byte order \"" + bo + "\" (only little-endian files are "
                            + "read)");
                }
            }
            Map<String, RestrictedUnpickler.TensorRef> refs = RestrictedUnpickler.stateDict(file + " (" + pkl.getName()
                    + ")", bytes(zip, pkl, 1L << 30, file));
            Map<String, byte[]> storages = new LinkedHashMap<>();
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, RestrictedUnpickler.TensorRef> e : refs.entrySet()) {
                RestrictedUnpickler.TensorRef t = e.getValue();
                String where = file + ": tensor " + e.getKey();
                byte[] storage = storages.computeIfAbsent(t.storage().key(), k -> {
                    ZipEntry entry = zip.getEntry(prefix + "data/" + k);
                    if (entry == null) {
                        throw new CheckpointException(where + ": storage " + k + " is not in the archive");
                    }
                    try {
                        return bytes(zip, entry, Integer.MAX_VALUE - 8, file);
                    } catch (IOException ex) {
                        throw new CheckpointException(where + ": cannot read storage " + k + " (" + ex.getMessage()
                                + ")");
                    }
                });
                String name = e.getKey().replaceFirst("^(_orig_mod\\.|module\\.)+", "");
                if (out.containsKey(name)) {
                    throw new CheckpointException(where + ": two tensors are named " + name + " once prefixes are "
                            + "removed");
                }
                out.put(name, slice(where, t, storage));
            }
            return out;
        } catch (ZipException e) {
            throw new CheckpointException(file + ": not a torch.save zip file (" + e.getMessage() + ")");
        }
    }

    private static Tensor slice(String where, RestrictedUnpickler.TensorRef t, byte[] storage) {
        int size = t.storage().dtype().bytes();
        long numel = 1;
        long expected = 1;
        for (int i = t.shape().length - 1; i >= 0; i--) {
            if (t.shape()[i] < 0) {
                throw new CheckpointException(where + ": negative size in shape");
            }
            if (t.shape()[i] != 1 && t.stride()[i] != expected) {
                throw new CheckpointException(where + ": not contiguous (shape " + java.util.Arrays.toString(t.shape())
                        + ", stride " + java.util.Arrays.toString(t.stride()) + "); save .contiguous() tensors");
            }
            expected *= t.shape()[i];
            numel = Math.multiplyExact(numel, t.shape()[i]);
        }
        if (t.stride().length != t.shape().length) {
            throw new CheckpointException(where + ": shape and stride differ in rank");
        }
        long from = t.offset() * size;
        long to = from + numel * size;
        if (t.offset() < 0 || to > storage.length || t.storage().numel() * size != storage.length) {
            throw new CheckpointException(where + ": elements " + t.offset() + ".." + (t.offset() + numel) + " of a "
                    + "storage of " + storage.length / size + " (" + storage.length + " bytes, pickle says "
                    + t.storage().numel() + ")");
        }
        return new Tensor(t.storage().dtype(), t.shape(), java.util.Arrays.copyOfRange(storage, (int) from, (int) to));
    }

    private static byte[] bytes(ZipFile zip, ZipEntry e, long limit, Path file) throws IOException {
        if (e.getSize() > limit) {
            throw new CheckpointException(file + ": " + e.getName() + " is " + e.getSize() + " bytes (more than "
                    + limit + " are not read)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
