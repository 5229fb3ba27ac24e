// The recurrence inputs of one layer written straight into the chunk layout (gpu-native.md, the rest of K4), over
// raw device pointers: no torch headers. Replaces the DJL path's casts, head splits, SiLU, L2 norms, sigmoid,
// softplus, transposes, padding concats and the cumulative sum (ChunkedInputs.of after HouseholderMixer.inputs):
// about twenty passes over the layer's activations become one read of the projections and one write.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// Inputs, fp16 or fp32 (one dtype), [B, T, *] with rows *_row elements apart (column slices of the fused
// projection are read in place):
//   qkv      q at column 0 (H * dk), the keys at H * dk (n * H * dk, sub-step j of head h at j * H * dk + h * dk),
//            the values at (n + 1) * H * dk (n * H * dv, sub-step j of head h at (j * H + h) * dv)
//   beta_raw [n * H] logits of the step sizes, sub-step j of head h at j * H + h, or nullptr (beta = 1)
//   a_raw    [H] the forget gate's input, or nullptr (ungated)
// and fp32: dt_bias [H] or nullptr, neg_exp_a [H] (-exp(A_log), required when gated), mask [B, T] (1 for real
// tokens, 0 for padding) or nullptr. With ct tokens a chunk, c = ct * n sub-steps, N = ceil(T / ct) chunks:
//   q     [B, H, N, ct, dk]  silu? then q / sqrt(|q|^2 + 1e-6) * q_scale
//   k     [B, H, N, c, dk]   silu? then k / sqrt(|k|^2 + 1e-6)
//   v     [B, H, N, c, dv]   silu? v
//   beta  [B, H, N, c]       sigmoid(beta_raw) * beta_scale * mask (1 * mask without beta_raw)
//   g_tok [B, H, N, ct]      cumulative within the chunk of softplus(a + dt_bias) * neg_exp_a * mask (gated only)
//   g_sub [B, H, N, c]       g_tok of the sub-step's token (gated only)
// Steps past T (the last chunk's padding) are zero everywhere, which leaves the state untouched.
struct ChunkInputsArgs {
    const void* qkv;
    const void* beta_raw;
    const void* a_raw;
    const float* dt_bias;
    const float* neg_exp_a;
    const float* mask;
    float* q;
    float* k;
    float* v;
    float* beta;
    float* g_tok;
    float* g_sub;
    long long batch;
    long long tokens;
    long long chunks;  // N per sequence
    long long qkv_row;
    long long beta_row;
    long long a_row;
    int heads;
    int dk;
    int dv;
    int n;
    int ct;
    float q_scale;
    float beta_scale;
    bool silu;
    bool half;
};

constexpr int kChunkInputsMaxC = 64;
constexpr int kChunkInputsMaxD = 256;

const char* chunk_inputs_unsupported(int ct, int n, int dk, int dv);

const char* launch_chunk_inputs(const ChunkInputsArgs& a, cudaStream_t stream);

}  // namespace deltaeval
