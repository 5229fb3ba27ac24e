package dev.deltaeval.gpu;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.deltaeval.deltanet.ops.ChunkStatePass;
import dev.deltaeval.deltanet.ops.DjlChunkedKernel;
import dev.deltaeval.deltanet.ops.RecurrenceInputs;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The chunked kernel with its cross-chunk half on the native {@code chunk_state} kernel (gpu-native.md K1): the
 * intra-chunk WY factors and the read-out are still DJL's operators. Runs with {@code --kernels native} when the
 * library passes {@link NativeKernels}' handshake (not yet chosen automatically: see {@link #autoPreference});
 * shapes it does not take run on {@code djl-chunked}.
 */
public class NativeChunkedKernel extends DjlChunkedKernel {
    private static final Set<Long> KEY_SIZES = Set.of(32L, 64L, 128L, 256L);
    private static final int MAX_CHUNK = 64;

    @Override
    public String name() {
        return "native-chunked";
    }

    @Override
    public Optional<String> unavailable(ComputeOptions options) {
        return NativeKernels.unavailable(options);
    }

    /**
     * Opt-in for now ({@code --kernels native}): on the GPU host the kernel matched float64 to 4e-7, but an argument
     * error raised inside the library crashed the process there (2026-12-07), and the Java path has not yet run on a
     * GPU. Automatic choice waits until both are checked; see docs/gpu-performance.md.
     */
    @Override
    public OptionalInt autoPreference(ComputeOptions options) {
        return OptionalInt.empty();
    }

    @Override
    protected ChunkStatePass statePass(NDManager manager, ComputeOptions options) {
        return new NativeStatePass();
    }

    @Override
    protected Optional<String> unsupported(RecurrenceInputs in, int chunk) {
        long ct = Math.max(1, Math.min(in.tokens(), chunk / in.n()));
        long c = ct * in.n();
        if (c > MAX_CHUNK) {
            return Optional.of("chunks of " + c + " sub-steps (at most " + MAX_CHUNK + ")");
        }
        if (!KEY_SIZES.contains(in.dk())) {
            return Optional.of("key head size " + in.dk() + " (takes 32, 64, 128 or 256)");
        }
        if (in.dv() % 16 != 0) {
            return Optional.of("value head size " + in.dv() + " (takes multiples of 16)");
        }
        if (in.k().getDataType() != DataType.FLOAT32) {
            return Optional.of("inputs in " + in.k().getDataType() + " (takes float32)");
        }
        return Optional.empty();
    }
}
