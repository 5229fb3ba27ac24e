package dev.deltaeval.gpu;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import dev.deltaeval.deltanet.ops.ChunkStatePass;
import dev.deltaeval.runtime.ModelException;

/**
 * The cross-chunk pass on the native {@code chunk_state} kernel: one launch per layer, the state in registers, no
 * dk x dk transitions. The three results are new tensors the library allocated; DJL owns and frees them.
 */
final class NativeStatePass implements ChunkStatePass {
    @Override
    public ChunkStates run(NDArray k, NDArray w, NDArray u, NDArray gSub, NDArray s0) {
        long[] out = new long[3];
        int rc = NativeApi.de_chunk_state(handle(k), handle(w), handle(u), gSub == null ? 0 : handle(gSub),
                s0 == null ? 0 : handle(s0), out);
        if (rc != 0) {
            throw new ModelException("native kernel chunk_state failed: " + NativeApi.de_last_error());
        }
        PtNDManager manager = ((PtNDArray) k).getManager();
        return new ChunkStates(new PtNDArray(manager, out[0]), new PtNDArray(manager, out[1]),
                new PtNDArray(manager, out[2]));
    }

    static long handle(NDArray a) {
        if (!(a instanceof PtNDArray p)) {
            throw new ModelException("native kernels take PyTorch-engine arrays, got " + a.getClass().getName());
        }
        return p.getHandle();
    }
}
