package dev.deltaeval.checkpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header, then the raw tensor bytes. The header is
 * validated completely on open (dtypes, shapes, offsets inside the file), so a truncated or corrupt file fails
 * here with one line naming it, never later inside a native call. Tensor data is memory-mapped on demand.
 */
public final class SafetensorsFile {
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        long size;
        byte[] header;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) {
                throw new CheckpointException(path + ": truncated safetensors file (" + size
                        + " bytes; expected at least an 8-byte header length)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong();
            if (n <= 1 || n > MAX_HEADER_BYTES || 8 + n > size) {
                throw new CheckpointException(path + ": corrupt or truncated safetensors header (declared header length "
                        + n + " bytes, file has " + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            header = hb.array();
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path + ": file not found");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new CheckpointException(path + ": corrupt safetensors header (not valid JSON: "
                    + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(path + ": corrupt safetensors header (expected a JSON object)");
        }
        long dataStart = 8 + header.length;
        long dataSize = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                v.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String where = path + ": tensor " + name;
            if (!v.hasNonNull("dtype") || !v.has("shape") || !v.has("data_offsets") || v.get("data_offsets").size() != 2) {
                throw new CheckpointException(where + ": corrupt header entry (expected dtype, shape, data_offsets)");
            }
            DType dtype = DType.parse(v.get("dtype").asText(), where);
            long[] shape = new long[v.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = v.get("shape").get(i).asLong(-1);
                if (shape[i] < 0) {
                    throw new CheckpointException(where + ": corrupt header entry (negative dimension in shape)");
                }
            }
            long begin = v.get("data_offsets").get(0).asLong();
            long end = v.get("data_offsets").get(1).asLong();
            TensorInfo info = new TensorInfo(name, dtype, shape, begin, end, path);
            if (begin < 0 || end < begin || end - begin != info.numel() * dtype.bytes()) {
                throw new CheckpointException(where + ": corrupt header entry (data_offsets [" + begin + ", " + end
                        + "] do not hold " + dtype + info.shapeString() + ")");
            }
            if (end > dataSize) {
                throw new CheckpointException(where + ": file is truncated (tensor data ends at byte " + (dataStart + end)
                        + ", file has " + size + " bytes)");
            }
            tensors.put(name, info);
        }
        // tensors may not share bytes: overlapping offsets make two weights read the same data (the format lays
        // them out one after another)
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(java.util.Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo prev = byOffset.get(i - 1);
            TensorInfo cur = byOffset.get(i);
            if (cur.begin() < prev.end() && cur.end() > cur.begin()) {
                throw new CheckpointException(path + ": tensors " + prev.name() + " and " + cur.name() + " overlap "
                        + "(data_offsets [" + prev.begin() + ", " + prev.end() + "] and [" + cur.begin() + ", "
                        + cur.end() + "])");
            }
        }
        return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(path + ": tensor " + name + " is missing");
        }
        return info;
    }

    /** Raw bytes of a tensor as a read-only little-endian memory-mapped view. */
    public ByteBuffer map(String name) {
        TensorInfo info = info(name);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long len = info.end() - info.begin();
            if (len == 0) {
                return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot map tensor " + name + " (" + e.getMessage() + ")", e);
        }
    }

    /** A floating tensor as fp32; F16 and BF16 are widened in Java. */
    public HostTensor readFloat(String name) {
        TensorInfo info = info(name);
        ByteBuffer raw = map(name);
        switch (info.dtype()) {
            case F32:
                return new HostTensor(name, info.shape(), raw);
            case BF16:
            case F16: {
                int n = Math.toIntExact(info.numel());
                ByteBuffer out = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    short bits = raw.getShort(2 * i);
                    out.putFloat(4 * i, info.dtype() == DType.BF16 ? Float.intBitsToFloat((bits & 0xFFFF) << 16)
                            : HalfFloat.toFloat(bits));
                }
                return new HostTensor(name, info.shape(), out);
            }
            default:
                throw new CheckpointException(path + ": tensor " + name + " has dtype " + info.dtype()
                        + " (expected a floating type: F32, F16 or BF16)");
        }
    }

    /** An integer tensor (I64 or I32) as longs, e.g. {@code input_ids}. */
    public long[] readLongs(String name) {
        TensorInfo info = info(name);
        ByteBuffer raw = map(name);
        int n = Math.toIntExact(info.numel());
        long[] out = new long[n];
        if (info.dtype() == DType.I64) {
            raw.asLongBuffer().get(out);
        } else if (info.dtype() == DType.I32) {
            for (int i = 0; i < n; i++) {
                out[i] = raw.getInt(4 * i);
            }
        } else {
            throw new CheckpointException(path + ": tensor " + name + " has dtype " + info.dtype()
                    + " (expected I64 or I32)");
        }
        return out;
    }
}
