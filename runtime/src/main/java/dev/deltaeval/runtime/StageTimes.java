package dev.deltaeval.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A recording {@link StageClock}, for {@code bench forward --breakdown}. A GPU runs kernels asynchronously, so the
 * wall time between two NDArray calls says nothing: after each stage it waits until the stage's result exists (a
 * one-element copy to the host, which waits for every queued kernel) and charges the time since the previous
 * stage to it. The waits cost throughput, which is why models run with {@link StageClock#OFF} otherwise.
 */
public final class StageTimes implements StageClock {
    private final Map<String, double[]> totals = new LinkedHashMap<>(); // name -> {seconds, stages}
    private long last = System.nanoTime();

    @Override
    public <T> T time(String stage, Supplier<T> work, Function<T, NDArray> resultOf) {
        T out = work.get();
        NDArray result = resultOf.apply(out);
        if (result != null && result.size() > 0) {
            // one element, as a view (reshape could copy the whole array): its copy to the host waits for the queue
            int dims = result.getShape().dimension();
            (dims == 0 ? result : result.get(new NDIndex("0, ".repeat(dims - 1) + "0:1"))).toArray();
        }
        charge(stage);
        return out;
    }

    @Override
    public void charge(String stage) {
        long now = System.nanoTime();
        double[] acc = totals.computeIfAbsent(stage, k -> new double[2]);
        acc[0] += (now - last) / 1e9;
        acc[1] += 1;
        last = now;
    }

    @Override
    public void restart() {
        last = System.nanoTime();
    }

    /** Seconds per stage, in the order stages first ended. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        totals.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    /** How often each stage ended (e.g. once per layer). */
    public Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        totals.forEach((k, v) -> out.put(k, (int) v[1]));
        return out;
    }
}
