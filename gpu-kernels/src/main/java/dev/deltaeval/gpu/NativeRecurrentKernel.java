package dev.deltaeval.gpu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.deltaeval.deltanet.ops.ChunkedInputs;
import dev.deltaeval.deltanet.ops.DeltaRuleKernel;
import dev.deltaeval.deltanet.ops.DenseOps;
import dev.deltaeval.deltanet.ops.MixerProjections;
import dev.deltaeval.deltanet.ops.RecurrenceInputs;
import dev.deltaeval.deltanet.ops.RecurrenceResult;
import dev.deltaeval.deltanet.ops.ShortConvOp;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Stepwise passes (generation: a token a call) on the native {@code recurrent} kernel: the state of each (sequence,
 * head) in registers across the call's tokens, one launch a layer, its inputs from {@code chunk_inputs} with one
 * token a chunk. The reference is {@code djl-recurrent}. Opt-in with {@code --kernels native}, as the chunked one.
 */
public class NativeRecurrentKernel implements DeltaRuleKernel {
    private static final Set<Long> KEY_SIZES = Set.of(32L, 64L, 128L, 256L);

    @Override
    public String name() {
        return "native-recurrent";
    }

    @Override
    public ForwardMode mode() {
        return ForwardMode.STEPWISE;
    }

    @Override
    public Optional<String> unavailable(ComputeOptions options) {
        Optional<String> library = NativeKernels.unavailable(options);
        return library.isPresent() ? library : NativeKernels.recurrentRefused();
    }

    @Override
    public OptionalInt autoPreference(ComputeOptions options) {
        return OptionalInt.empty();
    }

    static Optional<String> unsupported(long dk, long dv, int n) {
        if (!KEY_SIZES.contains(dk)) {
            return Optional.of("key head size " + dk + " (takes 32, 64, 128 or 256)");
        }
        if (n > NativeChunkedKernel.MAX_CHUNK || dv > NativeChunkedKernel.MAX_VALUE_SIZE) {
            return Optional.of(n + " sub-steps, value head size " + dv + " (at most 64 and 256)");
        }
        return Optional.empty();
    }

    /** The recurrence over inputs already laid out with one token a chunk. */
    static RecurrenceResult runStepwise(ChunkedInputs x, NDArray initialState) {
        NDArray[] out = NativeOps.recurrent(x, initialState);
        return new RecurrenceResult(x.unchunk(out[0]), out[1]);
    }

    @Override
    public Bound bind(NDManager manager, ComputeOptions options) {
        boolean fusedInputs = NativeKernels.fusedInputsRefused().isEmpty();
        Optional<DenseOps> dense = NativeKernels.denseOpsRefused().isEmpty()
                ? Optional.of(NativeDenseOps.INSTANCE) : Optional.empty();
        return new Bound() {
            @Override
            public String name() {
                return "native-recurrent";
            }

            @Override
            public Optional<String> unsupported(RecurrenceInputs in) {
                if (in.k().getDataType() != DataType.FLOAT32) {
                    return Optional.of("inputs in " + in.k().getDataType() + " (takes float32)");
                }
                return NativeRecurrentKernel.unsupported(in.dk(), in.dv(), in.n());
            }

            @Override
            public Optional<ShortConvOp> shortConv() {
                return Optional.of(NativeChunkedKernel::shortConv);
            }

            @Override
            public Optional<DenseOps> denseOps() {
                return dense;
            }

            @Override
            public boolean readsProjections() {
                return fusedInputs;
            }

            @Override
            public Optional<RecurrenceResult> runFromProjections(MixerProjections p, NDArray initialState) {
                if (NativeChunkedKernel.unsupported(p, p.n()).isPresent()
                        || NativeRecurrentKernel.unsupported(p.dk(), p.dv(), p.n()).isPresent()) {
                    return Optional.empty();
                }
                return Optional.of(runStepwise(NativeOps.chunkInputs(p, 1), initialState));
            }

            @Override
            public RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
                return runStepwise(ChunkedInputs.of(in, in.n()), initialState);
            }
        };
    }
}
