package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.Optional;
import java.util.OptionalInt;

/** The token-by-token recurrence in DJL operators ({@link RecurrentDeltaRule}): generation and the reference. */
public final class DjlRecurrentKernel implements DeltaRuleKernel {
    @Override
    public String name() {
        return "djl-recurrent";
    }

    @Override
    public ForwardMode mode() {
        return ForwardMode.STEPWISE;
    }

    @Override
    public Optional<String> unavailable(ComputeOptions options) {
        return Optional.empty();
    }

    @Override
    public OptionalInt autoPreference(ComputeOptions options) {
        return OptionalInt.of(0);
    }

    @Override
    public Bound bind(NDManager manager, ComputeOptions options) {
        return new Bound() {
            @Override
            public String name() {
                return "djl-recurrent";
            }

            @Override
            public RecurrenceResult run(RecurrenceInputs in, NDArray initialState) {
                return RecurrentDeltaRule.run(in, initialState);
            }
        };
    }
}
