package dev.deltaeval.deltanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.deltanet.layers.LayerState;
import dev.deltaeval.model.RecurrentState;
import java.util.ArrayList;
import java.util.List;

/**
 * The recurrent state of a whole model after some prefix: per layer the state S and the short-convolution cache.
 * It owns its arrays (close it when done). {@link #fork()} and {@link #select(long[])} make independent copies, so
 * one context can be continued with several different continuations.
 */
public final class DeltaNetState implements RecurrentState {
    private final NDManager manager;
    private final List<LayerState> layers;
    private final long batch;
    private final long tokensSeen;

    DeltaNetState(NDManager manager, List<LayerState> layers, long batch, long tokensSeen) {
        this.manager = manager;
        this.layers = List.copyOf(layers);
        this.batch = batch;
        this.tokensSeen = tokensSeen;
    }

    public LayerState layer(int i) {
        return layers.get(i);
    }

    public int numLayers() {
        return layers.size();
    }

    @Override
    public long batch() {
        return batch;
    }

    /** Tokens consumed since the empty state (per sequence). */
    @Override
    public long tokensSeen() {
        return tokensSeen;
    }

    /** An independent copy with the same contents. */
    @Override
    public DeltaNetState fork() {
        NDManager m = manager.getParentManager().newSubManager();
        List<LayerState> copy = new ArrayList<>();
        for (LayerState l : layers) {
            copy.add(new LayerState(dup(l.s(), m), l.convCache() == null ? null : dup(l.convCache(), m)));
        }
        return new DeltaNetState(m, copy, batch, tokensSeen);
    }

    /**
     * A new state whose row i is row {@code rows[i]} of this one (rows may repeat): forks a batch of contexts into
     * a batch of continuations.
     */
    @Override
    public DeltaNetState select(long[] rows) {
        NDManager m = manager.getParentManager().newSubManager();
        NDArray index = m.create(rows);
        List<LayerState> out = new ArrayList<>();
        for (LayerState l : layers) {
            out.add(new LayerState(take(l.s(), index, m), l.convCache() == null ? null : take(l.convCache(), index, m)));
        }
        index.close();
        return new DeltaNetState(m, out, rows.length, tokensSeen);
    }

    private static NDArray take(NDArray x, NDArray index, NDManager m) {
        return x.get(m, new ai.djl.ndarray.index.NDIndex("{}", index));
    }

    private static NDArray dup(NDArray x, NDManager m) {
        NDArray d = x.duplicate();
        d.attach(m);
        return d;
    }

    @Override
    public void close() {
        manager.close();
    }
}
