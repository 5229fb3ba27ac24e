package dev.deltaeval.gpu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.deltaeval.deltanet.ops.ChunkStatePass.ChunkStates;
import dev.deltaeval.deltanet.ops.ChunkedInputs;
import dev.deltaeval.deltanet.ops.DeltaRuleKernel;
import dev.deltaeval.deltanet.ops.DenseOps;
import dev.deltaeval.deltanet.ops.MixerProjections;
import dev.deltaeval.deltanet.ops.RecurrenceInputs;
import dev.deltaeval.deltanet.ops.RecurrenceResult;
import dev.deltaeval.deltanet.ops.ShortConvOp;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.Precision;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The chunked delta rule on the native kernels (gpu-native.md K1-K4): the chunk layout straight from the layer's
 * projections ({@code chunk_inputs}: head split, SiLU, L2 norms, beta, decays, padding in one pass; from
 * {@link RecurrenceInputs} in DJL operators when a layer hands those), then three launches a layer: {@code chunk_wy} (A, the triangular solve, W and U), {@code chunk_state}
 * (the chunks in order, the state in registers) and {@code chunk_out} (the read-out). It brings the layers' short
 * convolution too ({@code short_conv}, SiLU folded in: part of K4). The naive references are
 * {@code djl-chunked} and {@code djl-recurrent}, which the GPU host's checks compare it with. Runs with
 * {@code --kernels native} when the library passes {@link NativeKernels}' handshake (not yet chosen automatically:
 * see {@link #autoPreference}); shapes it does not take run on {@code djl-chunked}.
 */
public class NativeChunkedKernel implements DeltaRuleKernel {
    private static final Set<Long> KEY_SIZES = Set.of(32L, 64L, 128L, 256L);
    static final int MAX_CHUNK = 64;
    static final int MAX_VALUE_SIZE = 256;
    private static final int MAX_CONV_WIDTH = 8;

    @Override
    public String name() {
        return "native-chunked";
    }

    @Override
    public ForwardMode mode() {
        return ForwardMode.PARALLEL;
    }

    @Override
    public Optional<String> unavailable(ComputeOptions options) {
        return NativeKernels.unavailable(options);
    }

    /**
     * Opt-in for now ({@code --kernels native}). The Java error path and every kernel were checked on an H200
     * (2026-12-07: 1.19x DJL's kernels at 8 x 4096, equal at 1 x 16384), but the short convolution and the state
     * pass's launch choice changed after that call, and no timing beside fla's exists yet. Automatic choice waits for
     * that device call; see docs/gpu-performance.md.
     */
    @Override
    public OptionalInt autoPreference(ComputeOptions options) {
        return OptionalInt.empty();
    }

    /** Why the kernels cannot take these inputs with chunks of {@code chunk} sub-steps, or empty. */
    static Optional<String> unsupported(RecurrenceInputs in, int chunk) {
        if (in.k().getDataType() != DataType.FLOAT32) {
            return Optional.of("inputs in " + in.k().getDataType() + " (takes float32)");
        }
        return unsupported(tokensPerChunk(in.tokens(), in.n(), chunk) * in.n(), in.dk(), in.dv());
    }

    /** Why {@code chunk_inputs} and the chain cannot take these projections, or empty. */
    static Optional<String> unsupported(MixerProjections p, int chunk) {
        DataType type = p.qkv().getDataType();
        if (!p.qkv().getDevice().isGpu() || (type != DataType.FLOAT16 && type != DataType.FLOAT32)) {
            return Optional.of("projections in " + type + " on " + p.qkv().getDevice() + " (takes fp16 or fp32 on a GPU)");
        }
        return unsupported(tokensPerChunk(p.tokens(), p.n(), chunk) * p.n(), p.dk(), p.dv());
    }

    private static Optional<String> unsupported(long c, long dk, long dv) {
        if (c > MAX_CHUNK) {
            return Optional.of("chunks of " + c + " sub-steps (at most " + MAX_CHUNK + ")");
        }
        if (!KEY_SIZES.contains(dk)) {
            return Optional.of("key head size " + dk + " (takes 32, 64, 128 or 256)");
        }
        if (dv % 16 != 0 || dv > MAX_VALUE_SIZE) {
            return Optional.of("value head size " + dv + " (takes multiples of 16 up to " + MAX_VALUE_SIZE + ")");
        }
        return Optional.empty();
    }

    /** ChunkedInputs' rule: chunks of {@code chunk} sub-steps rounded down to whole tokens, no longer than the input. */
    static long tokensPerChunk(long tokens, int n, int chunk) {
        return Math.max(1, Math.min(tokens, chunk / n));
    }

    /** K2, K1, K3 over inputs in the chunk layout; with {@code tf32} their products on tensor cores. */
    static RecurrenceResult runChunked(ChunkedInputs x, NDArray initialState, boolean tf32) {
        NDArray[] wu = NativeOps.chunkWy(x.k(), x.v(), x.beta(), x.gSub(), tf32);
        ChunkStates states = NativeOps.chunkState(x.k(), wu[0], wu[1], x.gSub(), initialState, tf32);
        NDArray o = NativeOps.chunkOut(x.q(), x.k(), states.starts(), states.vNew(), x.gSub(), x.n(), tf32);
        return new RecurrenceResult(x.unchunk(o), states.last());
    }

    /** The native short convolution where it takes the arrays: fp16 or fp32 on the GPU, at most 8 taps. */
    static Optional<NDArray> shortConv(NDArray x, NDArray history, NDArray weight, NDArray bias, boolean silu) {
        DataType type = x.getDataType();
        if (!x.getDevice().isGpu() || (type != DataType.FLOAT16 && type != DataType.FLOAT32)
                || weight.getShape().get(1) > MAX_CONV_WIDTH) {
            return Optional.empty();
        }
        return Optional.of(NativeOps.shortConv(x, history, weight, bias, silu));
    }

    /**
     * Whether K2's, K1's and K3's products run on tensor cores (TF32 operands, fp32 accumulation): in fp16 mode, whose
     * projections already round to 2^-11, as TF32 rounds the products' operands, once the handshake's tensor-core
     * layer agreed with DJL's kernel. fp32 mode keeps fp32 products (fla's kernels take bf16 operands throughout).
     */
    static boolean tensorCores(ComputeOptions options) {
        return options.precision() == Precision.FP16 && NativeKernels.tensorCoresRefused().isEmpty();
    }

    @Override
    public Bound bind(NDManager manager, ComputeOptions options) {
        int chunk = options.chunkSubsteps();
        boolean tf32 = tensorCores(options);
        String name = tf32 ? name() + "+tf32" : name();
        boolean fusedInputs = fusedInputs() && NativeKernels.fusedInputsRefused().isEmpty();
        Optional<DenseOps> dense = fusedInputs() && NativeKernels.denseOpsRefused().isEmpty()
                ? Optional.of(NativeDenseOps.INSTANCE) : Optional.empty();
        return new Bound() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> unsupported(RecurrenceInputs in) {
                return NativeChunkedKernel.unsupported(in, chunk);
            }

            @Override
            public Optional<ShortConvOp> shortConv() {
                return Optional.of(NativeChunkedKernel::shortConv);
            }

            @Override
            public RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
                return runChunked(ChunkedInputs.of(in, chunk), initialState, tf32);
            }

            @Override
            public boolean readsProjections() {
                return fusedInputs;
            }

            @Override
            public Optional<DenseOps> denseOps() {
                return dense;
            }

            @Override
            public Optional<RecurrenceResult> runFromProjections(MixerProjections p, NDArray initialState) {
                if (NativeChunkedKernel.unsupported(p, chunk).isPresent()) {
                    return Optional.empty();
                }
                ChunkedInputs x = NativeOps.chunkInputs(p, (int) tokensPerChunk(p.tokens(), p.n(), chunk));
                return Optional.of(runChunked(x, initialState, tf32));
            }
        };
    }

    /** Whether layers hand this kernel their projections ({@code chunk_inputs}) rather than DJL-built inputs. */
    boolean fusedInputs() {
        return true;
    }

    /**
     * The same recurrence kernels with everything around them in DJL operators (the layer's own head split and
     * norms, the chunk layout's copies, the dense stages), as before {@code chunk_inputs} and K5: {@code --kernels
     * native-chunked-djl-inputs} measures what the fused passes save, in the same call.
     */
    public static final class DjlInputs extends NativeChunkedKernel {
        @Override
        public String name() {
            return "native-chunked-djl-inputs";
        }

        @Override
        boolean fusedInputs() {
            return false;
        }
    }
}
