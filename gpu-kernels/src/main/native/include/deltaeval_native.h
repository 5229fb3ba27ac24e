/*
 * DeltaEval's native kernels as Java (JNA) and Python (ctypes) see them: C functions over DJL tensor handles.
 * A handle is a heap `at::Tensor*` as DJL's PyTorch JNI makes them (gpu-native.md §1): inputs are borrowed, every
 * output is a new `at::Tensor*` that the caller owns and frees as DJL does (`delete`). A function returns 0 on
 * success; on failure 1, with the reason in de_last_error() (per thread). Nothing here synchronises the device:
 * kernels run on the current CUDA stream, in order with DJL's own operators.
 *
 * The Java binding (dev.deltaeval.gpu.NativeApi) must declare exactly these functions; a CPU test checks it.
 */
#ifndef DELTAEVAL_NATIVE_H
#define DELTAEVAL_NATIVE_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or a meaning below changes; Java refuses a library of another version. */
#define DE_ABI_VERSION 3

int32_t de_abi_version(void);

/* The torch version the library was built against, e.g. "2.11.0" (it must equal the one DJL loaded). */
const char* de_torch_version(void);

/* The last failure's message on this thread ("" when none). */
const char* de_last_error(void);

/* Facts of a handle, to check that DJL's handles are what this library takes them for. dtype is ATen's
 * ScalarType code (5 half, 6 float). */
int32_t de_probe(int64_t handle, int64_t* numel, int32_t* dtype, int32_t* dims, int32_t* is_cuda);

/* The sequential state pass of the chunked delta rule (chunk_state.h has the algebra). Inputs fp32 CUDA:
 * k, w [B, H, N, C, dk]; u [B, H, N, C, dv]; g [B, H, N, C] cumulative log decay or 0 for none; s0 [B, H, dk, dv]
 * or 0 for zeros. out[0] = starts [B, H, N, dk, dv], out[1] = v_new [B, H, N, C, dv], out[2] = last [B, H, dk, dv].
 * C at most 64; dk 32, 64, 128 or 256; dv a multiple of 16. */
int32_t de_chunk_state(int64_t k, int64_t w, int64_t u, int64_t g, int64_t s0, int64_t* out);

/* The WY factors of every chunk (chunk_wy.h has the algebra). Inputs fp32 CUDA: k [B, H, N, C, dk], v [B, H, N, C, dv],
 * beta [B, H, N, C], g [B, H, N, C] cumulative log decay or 0 for none. out[0] = w [B, H, N, C, dk], out[1] = u
 * [B, H, N, C, dv]. C at most 64; dk 32, 64, 128 or 256; dv at most 256. */
int32_t de_chunk_wy(int64_t k, int64_t v, int64_t beta, int64_t g, int64_t* out);

/* The read-out (chunk_out.h): q [B, H, N, Ct, dk], k [B, H, N, Ct * n, dk], starts [B, H, N, dk, dv] and v_new
 * [B, H, N, Ct * n, dv] (de_chunk_state's), g as for de_chunk_wy or 0. out[0] = o [B, H, N, Ct, dv]. */
int32_t de_chunk_out(int64_t q, int64_t k, int64_t starts, int64_t v_new, int64_t g, int32_t n, int64_t* out);

/* The causal depthwise short convolution of the q/k/v channels, SiLU applied when silu != 0 (short_conv.h):
 * x [B, T, C] fp16 or fp32, history [B, W - 1, C] in x's dtype or 0 for zeros, weight [C, W] (the last tap on the
 * current token), bias [C] or 0. out[0] = y [B, T, C] in x's dtype. W at most 8. */
int32_t de_short_conv(int64_t x, int64_t history, int64_t weight, int64_t bias, int32_t silu, int64_t* out);

#ifdef __cplusplus
}
#endif
#endif
