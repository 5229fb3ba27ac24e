package dev.deltaeval.gpu;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The C functions of {@code include/deltaeval_native.h}, bound by JNA's direct mapping (a static native method per
 * function, no interface proxy: well under a microsecond per call). Handles are DJL's heap {@code at::Tensor*};
 * 0 stands for an absent optional tensor. {@code NativeApiTest} checks these declarations against the header.
 */
final class NativeApi {
    /** The header's DE_ABI_VERSION this binding was written for. */
    static final int ABI_VERSION = 5;

    private NativeApi() {
    }

    /** Binds the natives below to {@code library}; once per process. */
    static void register(NativeLibrary library) {
        Native.register(NativeApi.class, library);
    }

    static native int de_abi_version();

    static native String de_torch_version();

    static native String de_last_error();

    static native int de_probe(long handle, long[] numel, int[] dtype, int[] dims, int[] isCuda);

    static native int de_chunk_state(long k, long w, long u, long g, long s0, int tf32, long[] out);

    static native int de_chunk_wy(long k, long v, long beta, long g, int tf32, long[] out);

    static native int de_chunk_out(long q, long k, long starts, long vNew, long g, int n, int tf32, long[] out);

    static native int de_short_conv(long x, long history, long weight, long bias, int silu, long[] out);

    static native int de_chunk_inputs(long qkv, long betaRaw, long aRaw, long dtBias, long negExpA, long mask,
                                      int heads, int dk, int dv, int n, int ct, float qScale, int negEigval, int silu,
                                      long[] out);

    static native int de_rms_norm(long x, long residual, long weight, float eps, long[] out);

    static native int de_swiglu(long gateUp, long[] out);

    static native int de_head_norm(long o, long weight, long gate, float eps, int half, long[] out);

    static native int de_target_log_probs(long logits, long targets, long[] out);

    static native int de_recurrent(long q, long k, long v, long beta, long g, long s0, int n, long[] out);
}
