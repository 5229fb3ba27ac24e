package dev.deltaeval.gpu;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import dev.deltaeval.deltanet.ops.ChunkStatePass.ChunkStates;
import dev.deltaeval.deltanet.ops.ChunkedInputs;
import dev.deltaeval.deltanet.ops.MixerProjections;
import dev.deltaeval.runtime.ModelException;

/**
 * The library's kernels as DJL arrays in and out (shapes in {@code include/deltaeval_native.h}). Results are new
 * tensors the library allocated on the caching allocator; DJL owns and frees them, attached to the first input's
 * manager as DJL's own operators attach their results.
 */
final class NativeOps {
    private NativeOps() {
    }

    /**
     * K1: the state entering every chunk, V_new = U - W S and the final state; with {@code tf32} its products on
     * tensor cores (TF32 operands, fp32 accumulation) where the library's tensor-core form takes the shape.
     */
    static ChunkStates chunkState(NDArray k, NDArray w, NDArray u, NDArray gSub, NDArray s0, boolean tf32) {
        long[] out = new long[3];
        check("chunk_state", NativeApi.de_chunk_state(handle(k), handle(w), handle(u), optional(gSub), optional(s0),
                tf32 ? 1 : 0, out));
        return new ChunkStates(wrap(k, out[0]), wrap(k, out[1]), wrap(k, out[2]));
    }

    /** K2: W and U of every chunk, {w, u}; {@code tf32} as for {@link #chunkState}. */
    static NDArray[] chunkWy(NDArray k, NDArray v, NDArray beta, NDArray gSub, boolean tf32) {
        long[] out = new long[2];
        check("chunk_wy", NativeApi.de_chunk_wy(handle(k), handle(v), handle(beta), optional(gSub), tf32 ? 1 : 0,
                out));
        return new NDArray[] {wrap(k, out[0]), wrap(k, out[1])};
    }

    /** K3: the read-outs [B, H, N, Ct, dv]; {@code tf32} as for {@link #chunkState}. */
    static NDArray chunkOut(NDArray q, NDArray k, NDArray starts, NDArray vNew, NDArray gSub, int n, boolean tf32) {
        long[] out = new long[1];
        check("chunk_out", NativeApi.de_chunk_out(handle(q), handle(k), handle(starts), handle(vNew), optional(gSub),
                n, tf32 ? 1 : 0, out));
        return wrap(q, out[0]);
    }

    /** Part of K4: the causal depthwise short convolution, SiLU folded in when {@code silu}: y [B, T, C]. */
    static NDArray shortConv(NDArray x, NDArray history, NDArray weight, NDArray bias, boolean silu) {
        long[] out = new long[1];
        check("short_conv", NativeApi.de_short_conv(handle(x), optional(history), handle(weight), optional(bias),
                silu ? 1 : 0, out));
        return wrap(x, out[0]);
    }

    /** The rest of K4: a layer's recurrence inputs in the chunk layout of {@code ct} tokens, from its projections. */
    static ChunkedInputs chunkInputs(MixerProjections p, int ct) {
        long[] out = new long[6];
        check("chunk_inputs", NativeApi.de_chunk_inputs(handle(p.qkv()), optional(p.betaRaw()), optional(p.aRaw()),
                optional(p.dtBias()), optional(p.negExpA()), optional(p.mask()), p.heads(), p.dk(), p.dv(), p.n(), ct,
                p.qScale(), p.negativeEigenvalues() ? 1 : 0, p.activated() ? 0 : 1, out));
        NDArray like = p.qkv();
        return new ChunkedInputs(wrap(like, out[0]), wrap(like, out[1]), wrap(like, out[2]), wrap(like, out[3]),
                out[4] == 0 ? null : wrap(like, out[4]), out[5] == 0 ? null : wrap(like, out[5]), p.tokens(), ct, p.n());
    }

    /** K5: {x + residual or null, rmsNorm(x + residual)} (no residual: {null, rmsNorm(x)}). */
    static NDArray[] rmsNorm(NDArray x, NDArray residual, NDArray weight, float eps) {
        long[] out = new long[2];
        check("rms_norm", NativeApi.de_rms_norm(handle(x), optional(residual), handle(weight), eps, out));
        return new NDArray[] {out[0] == 0 ? null : wrap(x, out[0]), wrap(x, out[1])};
    }

    /** K5: silu(gate) * up of gateUp [..., 2I]. */
    static NDArray swiGlu(NDArray gateUp) {
        long[] out = new long[1];
        check("swiglu", NativeApi.de_swiglu(handle(gateUp), out));
        return wrap(gateUp, out[0]);
    }

    /** K5: the read-out's per-head norm (and gate) of o [B, H, T, dv] fp32, as [B, T, H dv] (fp16 when half). */
    static NDArray headNorm(NDArray o, NDArray weight, NDArray gate, float eps, boolean half) {
        long[] out = new long[1];
        check("head_norm", NativeApi.de_head_norm(handle(o), handle(weight), optional(gate), eps, half ? 1 : 0, out));
        return wrap(o, out[0]);
    }

    /** Scoring: {the targets' log-probabilities, each row's argmax} of logits [..., V]. */
    static NDArray[] targetLogProbs(NDArray logits, NDArray targets) {
        long[] out = new long[2];
        check("target_log_probs", NativeApi.de_target_log_probs(handle(logits), handle(targets), out));
        return new NDArray[] {wrap(logits, out[0]), wrap(logits, out[1])};
    }

    /** Stepwise: the token-by-token recurrence over the chunk layout of one token a chunk; {o [B,H,T,1,dv], last}. */
    static NDArray[] recurrent(ChunkedInputs x, NDArray initialState) {
        long[] out = new long[2];
        check("recurrent", NativeApi.de_recurrent(handle(x.q()), handle(x.k()), handle(x.v()), handle(x.beta()),
                optional(x.gTok()), optional(initialState), x.n(), out));
        return new NDArray[] {wrap(x.q(), out[0]), wrap(x.q(), out[1])};
    }

    static long handle(NDArray a) {
        if (!(a instanceof PtNDArray p)) {
            throw new ModelException("native kernels take PyTorch-engine arrays, got " + a.getClass().getName());
        }
        return p.getHandle();
    }

    private static long optional(NDArray a) {
        return a == null ? 0 : handle(a);
    }

    private static void check(String kernel, int rc) {
        if (rc != 0) {
            throw new ModelException("native kernel " + kernel + " failed: " + NativeApi.de_last_error());
        }
    }

    private static NDArray wrap(NDArray like, long handle) {
        return new PtNDArray((PtNDManager) like.getManager(), handle);
    }
}
