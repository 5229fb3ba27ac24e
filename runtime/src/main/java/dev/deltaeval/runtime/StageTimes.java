package dev.deltaeval.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Time per stage of the forward pass, for {@code bench forward --breakdown}. A GPU runs kernels asynchronously, so
 * the wall time between two NDArray calls says nothing; {@link #mark} waits until a stage's result exists (a
 * one-element copy to the host, which waits for every queued kernel) and charges the time since the previous mark
 * to that stage. The waits cost throughput, so marks do nothing unless a breakdown is being recorded on this
 * thread.
 */
public final class StageTimes {
    private static final ThreadLocal<StageTimes> CURRENT = new ThreadLocal<>();

    private final Map<String, double[]> totals = new LinkedHashMap<>(); // name -> {seconds, marks}
    private long last = System.nanoTime();

    private StageTimes() {
    }

    /** Starts recording on this thread; {@link #stop()} ends it. */
    public static StageTimes start() {
        StageTimes t = new StageTimes();
        CURRENT.set(t);
        return t;
    }

    public static void stop() {
        CURRENT.remove();
    }

    /** Restarts the clock without charging anything (e.g. at the start of a forward pass). */
    public static void restart() {
        StageTimes t = CURRENT.get();
        if (t != null) {
            t.last = System.nanoTime();
        }
    }

    /** Ends stage {@code name} once {@code result} is computed; a no-op unless recording. */
    public static void mark(String name, NDArray result) {
        StageTimes t = CURRENT.get();
        if (t == null) {
            return;
        }
        if (result != null && result.size() > 0) {
            // one element, as a view (reshape could copy the whole array): its copy to the host waits for the queue
            int dims = result.getShape().dimension();
            (dims == 0 ? result : result.get(new NDIndex("0, ".repeat(dims - 1) + "0:1"))).toArray();
        }
        long now = System.nanoTime();
        double[] acc = t.totals.computeIfAbsent(name, k -> new double[2]);
        acc[0] += (now - t.last) / 1e9;
        acc[1] += 1;
        t.last = now;
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
