package dev.deltaeval.checkpoints;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file atomically (temporary file, then rename), with the header padded with spaces to a
 * multiple of 8 bytes as the reference implementation does. Tensors are written in insertion order.
 */
public final class SafetensorsWriter {
    private record Entry(DType dtype, long[] shape, ByteBuffer bytes) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter putFloat(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return put(name, DType.F32, shape, b);
    }

    /** Stores fp32 values as BF16 (round to nearest even), the dtype fla's trained checkpoints use. */
    public SafetensorsWriter putBf16(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            int rounded = Float.isNaN(v) ? 0x7FC0 : (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
            b.putShort((short) rounded);
        }
        b.flip();
        return put(name, DType.BF16, shape, b);
    }

    public SafetensorsWriter putFloat(String name, long[] shape, ByteBuffer littleEndianFp32) {
        return put(name, DType.F32, shape, littleEndianFp32.duplicate());
    }

    public SafetensorsWriter putLong(String name, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return put(name, DType.I64, shape, b);
    }

    /** Raw little-endian bytes of any supported type (an imported tensor keeps its own). */
    public SafetensorsWriter putBytes(String name, DType dtype, long[] shape, ByteBuffer littleEndian) {
        return put(name, dtype, shape, littleEndian.duplicate());
    }

    private SafetensorsWriter put(String name, DType dtype, long[] shape, ByteBuffer bytes) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.bytes() != bytes.remaining()) {
            throw new IllegalArgumentException(name + ": " + bytes.remaining() + " bytes do not match shape");
        }
        entries.put(name, new Entry(dtype, shape.clone(), bytes));
        return this;
    }

    public void write(Path target) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        List<ByteBuffer> payload = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry en = e.getValue();
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", en.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : en.shape()) {
                shape.add(d);
            }
            long len = en.bytes().remaining();
            t.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
            payload.add(en.bytes());
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(h);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path tmp = AtomicFiles.tempBeside(target);
        try {
            AtomicFiles.checkFaults(target);
            try (OutputStream os = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE); WritableByteChannel ch = Channels.newChannel(os)) {
                ch.write(head);
                for (ByteBuffer b : payload) {
                    ByteBuffer d = b.duplicate();
                    while (d.hasRemaining()) {
                        ch.write(d);
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // "No space left on device" alone does not say which file of which folder
            throw AtomicFiles.named(target, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
