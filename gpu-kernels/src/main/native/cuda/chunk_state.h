// The sequential state pass of the chunked delta rule over raw device pointers: no torch headers, so that this
// file and its kernel compile in seconds and can be called from any host layer.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// Shapes (all fp32, contiguous, row-major):
//   k, w   [bh, chunks, c, dk]   keys and the WY factor W of each chunk (W already decayed when gated)
//   u      [bh, chunks, c, dv]   the WY factor U
//   g      [bh, chunks, c]       cumulative log decay within the chunk, or nullptr when ungated
//   s0     [bh, dk, dv]          initial state, or nullptr for zeros
// Outputs:
//   starts [bh, chunks, dk, dv]  the state entering each chunk
//   v_new  [bh, chunks, c, dv]   U - W S (the chunk's corrected values)
//   last   [bh, dk, dv]          the state after the last chunk
// Per chunk: v_new = U - W S; S <- exp(g_last) S + sum_i exp(g_last - g_i) k_i^T v_new_i.
struct ChunkStateArgs {
    const float* k;
    const float* w;
    const float* u;
    const float* g;
    const float* s0;
    float* starts;
    float* v_new;
    float* last;
    int bh;
    int chunks;
    int c;
    int dk;
    int dv;
    bool tf32;  // the products on tensor cores with TF32 operands where chunk_state_tc.cu takes the shape (fp16 mode)
};

// Largest chunk (in sub-steps) the kernel takes.
constexpr int kChunkStateMaxC = 64;

// Why these shapes cannot run (a static string), or nullptr when they can.
const char* chunk_state_unsupported(int c, int dk, int dv);

// Launches on `stream`; returns nullptr or a CUDA error's text. Never synchronises.
const char* launch_chunk_state(const ChunkStateArgs& a, cudaStream_t stream);

// The tensor-core form (chunk_state_tc.cu): the shapes it takes, and its launch (launch_chunk_state calls it).
bool chunk_state_tc_takes(int dk, int dv);
const char* launch_chunk_state_tc(const ChunkStateArgs& a, cudaStream_t stream);

}  // namespace deltaeval
