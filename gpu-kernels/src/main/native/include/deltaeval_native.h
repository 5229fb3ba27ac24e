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
#define DE_ABI_VERSION 5

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
 * C at most 64; dk 32, 64, 128 or 256; dv a multiple of 16. tf32 != 0: the products on tensor cores with TF32
 * operands and fp32 accumulation (chunk_state_tc.cu) where it takes the shape (dk 64 or 128, dv a multiple of 64),
 * else the fp32 form; for fp16 mode, whose own rounding is of the same size (2^-11). */
int32_t de_chunk_state(int64_t k, int64_t w, int64_t u, int64_t g, int64_t s0, int32_t tf32, int64_t* out);

/* The WY factors of every chunk (chunk_wy.h has the algebra). Inputs fp32 CUDA: k [B, H, N, C, dk], v [B, H, N, C, dv],
 * beta [B, H, N, C], g [B, H, N, C] cumulative log decay or 0 for none. out[0] = w [B, H, N, C, dk], out[1] = u
 * [B, H, N, C, dv]. C at most 64; dk 32, 64, 128 or 256; dv at most 256. tf32 != 0: A = K K^T and the products
 * with T = (I + A)^-1 on tensor cores (chunk_wy_tc.cu; T itself in fp32) where dv is a multiple of 16, else fp32. */
int32_t de_chunk_wy(int64_t k, int64_t v, int64_t beta, int64_t g, int32_t tf32, int64_t* out);

/* The read-out (chunk_out.h): q [B, H, N, Ct, dk], k [B, H, N, Ct * n, dk], starts [B, H, N, dk, dv] and v_new
 * [B, H, N, Ct * n, dv] (de_chunk_state's), g as for de_chunk_wy or 0. out[0] = o [B, H, N, Ct, dv]. tf32 != 0: the
 * products on tensor cores (chunk_out_tc.cu), as for de_chunk_state. */
int32_t de_chunk_out(int64_t q, int64_t k, int64_t starts, int64_t v_new, int64_t g, int32_t n, int32_t tf32,
                     int64_t* out);

/* The causal depthwise short convolution of the q/k/v channels, SiLU applied when silu != 0 (short_conv.h):
 * x [B, T, C] fp16 or fp32, history [B, W - 1, C] in x's dtype or 0 for zeros, weight [C, W] (the last tap on the
 * current token), bias [C] or 0. out[0] = y [B, T, C] in x's dtype. W at most 8. */
int32_t de_short_conv(int64_t x, int64_t history, int64_t weight, int64_t bias, int32_t silu, int64_t* out);

/* A layer's recurrence inputs straight into the chunk layout (chunk_inputs.h has the formulas): qkv [B, T, *] (the
 * q|k|v columns, a column slice read in place), beta_raw [B, T, n * H] or 0 (beta = 1), a_raw [B, T, H] or 0
 * (ungated), all fp16 or all fp32; dt_bias [H] or 0, neg_exp_a [H] (gated), mask [B, T] 1/0 or 0 (no padding).
 * out[0] = q [B, H, N, ct, dk], out[1] = k [B, H, N, ct * n, dk], out[2] = v [B, H, N, ct * n, dv], out[3] = beta
 * [B, H, N, ct * n], out[4] = g_tok [B, H, N, ct] and out[5] = g_sub [B, H, N, ct * n] (0 when ungated), all fp32,
 * N = ceil(T / ct). ct * n at most 64; dk, dv at most 256. */
int32_t de_chunk_inputs(int64_t qkv, int64_t beta_raw, int64_t a_raw, int64_t dt_bias, int64_t neg_exp_a,
                        int64_t mask, int32_t heads, int32_t dk, int32_t dv, int32_t n, int32_t ct, float q_scale,
                        int32_t neg_eigval, int32_t silu, int64_t* out);

/* K5 (dense_ops.h), fp32 arithmetic, outputs in the input's dtype (fp16 or fp32):
 * de_rms_norm: x [.., D], residual [.., D] or 0, weight [D]: out[0] = x + residual (0 without residual), out[1] =
 * that sum / sqrt(mean(sum^2) + eps) * weight. de_swiglu: gate_up [.., 2I]: out[0] = silu(gate) * up [.., I].
 * de_head_norm: o [B, H, T, dv] fp32, weight [dv], gate [B, T, H dv] or 0 (fp16 when half, else fp32): out[0] =
 * [B, T, H dv], per (b, t, h) o / sqrt(mean(o^2) + eps) * weight (* silu(gate)), fp16 when half. */
int32_t de_rms_norm(int64_t x, int64_t residual, int64_t weight, float eps, int64_t* out);
int32_t de_swiglu(int64_t gate_up, int64_t* out);
int32_t de_head_norm(int64_t o, int64_t weight, int64_t gate, float eps, int32_t half, int64_t* out);

/* Scoring (target_log_probs.h): logits [..., V] fp16 or fp32, targets [...] int64 (one id per row). out[0] = the
 * targets' log-probabilities [...] fp32 (NaN for a row holding a NaN), out[1] = each row's first argmax [...] int64. */
int32_t de_target_log_probs(int64_t logits, int64_t targets, int64_t* out);

/* The token-by-token recurrence (recurrent.h) on the chunk layout with one token a chunk, all fp32 CUDA: q [B, H, T,
 * 1, dk], k [B, H, T, n, dk], v [B, H, T, n, dv], beta [B, H, T, n], g [B, H, T, 1] log decay or 0, s0 [B, H, dk, dv]
 * or 0. out[0] = o [B, H, T, 1, dv], out[1] = last [B, H, dk, dv]. dk 32, 64, 128 or 256. */
int32_t de_recurrent(int64_t q, int64_t k, int64_t v, int64_t beta, int64_t g, int64_t s0, int32_t n, int64_t* out);

#ifdef __cplusplus
}
#endif
#endif
