package dev.deltaeval.runtime;

import ai.djl.ndarray.NDArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Times the stages of a forward pass. A model runs each stage through its clock; the clock it is given is
 * {@link #OFF} (free) unless a benchmark hands it a recording one ({@link StageTimes}), so timing decorates the
 * computation without living in it.
 */
public interface StageClock {
    /** Runs every stage as it is: no waits, nothing recorded. */
    StageClock OFF = new StageClock() {
        @Override
        public <T> T time(String stage, Supplier<T> work, Function<T, NDArray> resultOf) {
            return work.get();
        }

        @Override
        public void charge(String stage) {
            // not recording
        }
    };

    /**
     * Runs {@code work} as stage {@code stage}; a recording clock waits until the array {@code resultOf} picks from
     * its result exists and charges the time since the previous stage to this one.
     */
    <T> T time(String stage, Supplier<T> work, Function<T, NDArray> resultOf);

    /** As above for work whose result is the array to wait for. */
    default NDArray time(String stage, Supplier<NDArray> work) {
        return time(stage, work, x -> x);
    }

    /** Charges the time since the previous stage to {@code stage} (work that ended on the host). */
    void charge(String stage);

    /** Starts the clock afresh (at the start of a forward pass), charging nothing. */
    default void restart() {
    }
}
