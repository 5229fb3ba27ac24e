// The read-out of the chunked delta rule (gpu-native.md, K3) over raw device pointers: no torch headers.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// Shapes (all fp32, contiguous, row-major; `chunks` counts every chunk of every sequence-head; c = ct * n):
//   q      [chunks, ct, dk]  queries, one per token (normalised and scaled)
//   k      [chunks, c, dk]   keys, one per sub-step
//   starts [chunks, dk, dv]  the state entering each chunk (chunk_state's output)
//   v_new  [chunks, c, dv]   U - W S (chunk_state's output)
//   g      [chunks, c]       cumulative log decay per sub-step (equal over a token's n sub-steps), or nullptr
// Output:
//   o      [chunks, ct, dv]  o_t = exp(G_t) q_t S + sum_{j <= t n + n - 1} (q_t . k_j) exp(G_t - G_j) v_new_j,
//                            read after token t's last sub-step.
struct ChunkOutArgs {
    const float* q;
    const float* k;
    const float* starts;
    const float* v_new;
    const float* g;
    float* o;
    long long chunks;
    int ct;
    int n;
    int dk;
    int dv;
    bool tf32;  // the products on tensor cores with TF32 operands (chunk_out_tc.cu), for fp16 mode; else fp32 FMA
};

constexpr int kChunkOutMaxC = 64;

const char* chunk_out_unsupported(int ct, int n, int dk, int dv);

const char* launch_chunk_out(const ChunkOutArgs& a, cudaStream_t stream);

// the tensor-core form; launch_chunk_out calls it for a.tf32 after checking the arguments
const char* launch_chunk_out_tc(const ChunkOutArgs& a, cudaStream_t stream);

}  // namespace deltaeval
