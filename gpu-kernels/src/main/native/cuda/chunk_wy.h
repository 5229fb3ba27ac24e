// The intra-chunk WY factors of the chunked delta rule (gpu-native.md, K2) over raw device pointers: no torch headers.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// Shapes (all fp32, contiguous, row-major; `chunks` counts every chunk of every sequence-head):
//   k     [chunks, c, dk]   keys (l2-normalised, not decayed)
//   v     [chunks, c, dv]   values
//   beta  [chunks, c]       step sizes
//   g     [chunks, c]       cumulative log decay within the chunk, or nullptr when ungated
// Outputs:
//   w     [chunks, c, dk]   W = T (diag(beta) exp(G) K)
//   u     [chunks, c, dv]   U = T (diag(beta) V)
// with T = (I + A)^-1, A = strictly lower part of diag(beta) (K K^T . exp(G_i - G_j)). T is never formed: W and U
// come from one forward substitution per column, X_i = R_i - sum_{j<i} A_ij X_j, in fp32 (a triangular solve is
// backward stable; the DJL path's doubling product needed fp64 checks because it forms powers of A).
struct ChunkWyArgs {
    const float* k;
    const float* v;
    const float* beta;
    const float* g;
    float* w;
    float* u;
    long long chunks;
    int c;
    int dk;
    int dv;
    bool tf32;  // the products on tensor cores with TF32 operands where chunk_wy_tc.cu takes the arguments (fp16 mode)
};

constexpr int kChunkWyMaxC = 64;
constexpr int kChunkWyMaxDv = 256;

// Why these shapes cannot run (a static string), or nullptr when they can.
const char* chunk_wy_unsupported(int c, int dk, int dv);

// Launches on `stream`; returns nullptr or a CUDA error's text. Never synchronises.
const char* launch_chunk_wy(const ChunkWyArgs& a, cudaStream_t stream);

// The tensor-core form (chunk_wy_tc.cu): whether it takes the arguments (dv a multiple of 16, 16-byte aligned
// pointers), and its launch (launch_chunk_wy calls it for a.tf32 when it takes them).
bool chunk_wy_tc_takes(const ChunkWyArgs& a);
const char* launch_chunk_wy_tc(const ChunkWyArgs& a, cudaStream_t stream);

}  // namespace deltaeval
