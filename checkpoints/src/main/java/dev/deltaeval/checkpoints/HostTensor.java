package dev.deltaeval.checkpoints;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A tensor on the host as little-endian fp32 bytes (F16 and BF16 are widened on read, because DJL aborts the JVM
 * on bf16 arrays and fp16 compute on CPU is slow). For F32 files the buffer is a read-only view of the
 * memory-mapped file, so loading costs no copy.
 */
public record HostTensor(String name, long[] shape, ByteBuffer data) {

    public HostTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (data.remaining() != n * Float.BYTES) {
            throw new IllegalArgumentException(name + ": " + data.remaining() + " bytes for shape "
                    + Arrays.toString(shape));
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static HostTensor of(String name, long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return new HostTensor(name, shape, buf);
    }

    public long numel() {
        return data.remaining() / Float.BYTES;
    }

    public FloatBuffer floats() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        floats().get(out);
        return out;
    }

    /** Row-wise concatenation (dim 0) of tensors whose trailing dimensions agree. */
    public static HostTensor concatRows(String name, java.util.List<HostTensor> parts) {
        long rows = 0;
        long[] tail = Arrays.copyOfRange(parts.get(0).shape(), 1, parts.get(0).shape().length);
        int bytes = 0;
        for (HostTensor p : parts) {
            if (!Arrays.equals(tail, Arrays.copyOfRange(p.shape(), 1, p.shape().length))) {
                throw new CheckpointException(p.name() + ": shape " + Arrays.toString(p.shape())
                        + " cannot be stacked with " + parts.get(0).name() + " " + Arrays.toString(parts.get(0).shape()));
            }
            rows += p.shape()[0];
            bytes += p.data().remaining();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (HostTensor p : parts) {
            buf.put(p.data().duplicate());
        }
        buf.flip();
        long[] shape = new long[tail.length + 1];
        shape[0] = rows;
        System.arraycopy(tail, 0, shape, 1, tail.length);
        return new HostTensor(name, shape, buf);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
