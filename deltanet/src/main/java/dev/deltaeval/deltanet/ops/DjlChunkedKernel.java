package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The chunked WY form in DJL operators ({@link ChunkedDeltaRule}) with the UT inverse that suits the device: fp64
 * LU on a CPU, the doubling product on a GPU ({@link UtInverse#forOptions}). {@link Doubling} forces the GPU's
 * inverse anywhere, so that the GPU path is checked against fla's outputs on a CPU too.
 */
public class DjlChunkedKernel implements DeltaRuleKernel {
    @Override
    public String name() {
        return "djl-chunked";
    }

    @Override
    public ForwardMode mode() {
        return ForwardMode.PARALLEL;
    }

    @Override
    public Optional<String> unavailable(ComputeOptions options) {
        return Optional.empty(); // DJL's operators run wherever DJL does
    }

    @Override
    public OptionalInt autoPreference(ComputeOptions options) {
        return OptionalInt.of(0);
    }

    UtInverse inverse(ComputeOptions options) {
        return UtInverse.forOptions(options);
    }

    @Override
    public Bound bind(NDManager manager, ComputeOptions options) {
        ChunkConstants constants = new ChunkConstants(manager, inverse(options));
        int chunk = options.chunkSubsteps();
        String name = name();
        return new Bound() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
                return ChunkedDeltaRule.run(in, initialState, chunk, constants);
            }
        };
    }

    /** The doubling-product inverse with its fp64 check on any device; chosen only by name. */
    public static final class Doubling extends DjlChunkedKernel {
        @Override
        public String name() {
            return "djl-chunked-doubling";
        }

        @Override
        public OptionalInt autoPreference(ComputeOptions options) {
            return OptionalInt.empty();
        }

        @Override
        UtInverse inverse(ComputeOptions options) {
            return UtInverse.DOUBLING;
        }
    }
}
