// K3: the read-out of each chunk (gpu-native.md §6). One block per (chunk, BV value columns), 256 threads:
//   1. Q and K to shared memory; P = (Q K^T . exp(G_t - G_j)) masked to the sub-steps each token has seen, each
//      thread a 4 x 4 tile of P;
//   2. o = exp(G_t) Q S + P V_new: a thread owns one column and every G-th token, S's and V_new's column read once
//      from global memory (coalesced across the warp) and kept for all of its tokens.
#include "chunk_out.h"
#include "tile_products.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkOutMaxC;
constexpr int kLdp = kC + 1;

size_t shared_floats(int dk) {
    return (size_t)kC * (dk + 1) * 2 + (size_t)kC * kLdp;
}

template <int DK, int BV>
__global__ void __launch_bounds__(kThreads) chunk_out_kernel(ChunkOutArgs a) {
    constexpr int LD = DK + 1;
    constexpr int kGroups = kThreads / BV;       // threads sharing a column
    constexpr int kTokens = kC / kGroups;        // most tokens a thread reads out (ct <= 64)
    extern __shared__ float smem[];
    float* qs = smem;                 // [kC][LD]
    float* ks = qs + kC * LD;         // [kC][LD]
    float* ps = ks + kC * LD;         // [kC][kLdp]
    __shared__ float gs[kC];

    const int tid = threadIdx.x;
    const long long chunk = blockIdx.x;
    const int ct = a.ct, n = a.n, c = ct * n, dv = a.dv;
    const bool gated = a.g != nullptr;
    const float* qg = a.q + chunk * ct * DK;
    const float* kg = a.k + chunk * c * DK;

    for (int e = tid; e < kC * DK; e += kThreads) {
        const int i = e / DK;
        qs[i * LD + e % DK] = i < ct ? qg[e] : 0.f;
        ks[i * LD + e % DK] = i < c ? kg[e] : 0.f;
    }
    if (tid < kC) gs[tid] = gated && tid < c ? a.g[chunk * c + tid] : 0.f;
    __syncthreads();

    {
        const int ti = tid / 16;
        const int tj = tid % 16;
        float acc[4][4];
        tile_products_64x64<DK, LD>(qs, ks, tid, acc);
#pragma unroll
        for (int r = 0; r < 4; ++r) {
            const int t = ti + 16 * r;
#pragma unroll
            for (int s = 0; s < 4; ++s) {
                const int j = tj + 16 * s;
                float p = 0.f;
                if (t < ct && j < c && j <= t * n + n - 1) {
                    p = acc[r][s];
                    if (gated) p *= expf(gs[t * n] - gs[j]);  // G is non-increasing: the exponent is <= 0
                }
                ps[t * kLdp + j] = p;
            }
        }
    }
    __syncthreads();

    const int col = blockIdx.y * BV + tid % BV;
    const int group = tid / BV;
    float acc[kTokens];
#pragma unroll
    for (int m = 0; m < kTokens; ++m) acc[m] = 0.f;
    const float* sg = a.starts + chunk * DK * dv + col;
#pragma unroll 4
    for (int d = 0; d < DK; ++d) {
        const float s = sg[(long long)d * dv];
#pragma unroll
        for (int m = 0; m < kTokens; ++m) acc[m] += qs[(group + m * kGroups) * LD + d] * s;
    }
#pragma unroll
    for (int m = 0; m < kTokens; ++m) {
        const int t = group + m * kGroups;
        if (gated && t < ct) acc[m] *= expf(gs[t * n]);
    }
    const float* vg = a.v_new + chunk * c * dv + col;
    for (int j = 0; j < c; ++j) {
        const float v = vg[(long long)j * dv];
#pragma unroll
        for (int m = 0; m < kTokens; ++m) acc[m] += ps[(group + m * kGroups) * kLdp + j] * v;
    }
    float* og = a.o + chunk * ct * dv + col;
#pragma unroll
    for (int m = 0; m < kTokens; ++m) {
        const int t = group + m * kGroups;
        if (t < ct) og[(long long)t * dv] = acc[m];
    }
}

template <int DK, int BV>
const char* launch(const ChunkOutArgs& a, cudaStream_t stream) {
    const size_t bytes = sizeof(float) * shared_floats(DK);
    cudaError_t err = cudaFuncSetAttribute(chunk_out_kernel<DK, BV>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                           (int)bytes);
    if (err != cudaSuccess) return cudaGetErrorString(err);
    dim3 grid((unsigned)a.chunks, a.dv / BV);
    chunk_out_kernel<DK, BV><<<grid, kThreads, bytes, stream>>>(a);
    err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

template <int DK>
const char* launch_dk(const ChunkOutArgs& a, cudaStream_t stream) {
    if (a.dv % 64 == 0) return launch<DK, 64>(a, stream);
    if (a.dv % 32 == 0) return launch<DK, 32>(a, stream);
    return launch<DK, 16>(a, stream);
}

}  // namespace

const char* chunk_out_unsupported(int ct, int n, int dk, int dv) {
    if (ct < 1 || n < 1 || (long long)ct * n > kChunkOutMaxC) return "chunk length outside 1..64 sub-steps";
    if (dk != 32 && dk != 64 && dk != 128 && dk != 256) return "key head size not 32, 64, 128 or 256";
    if (dv < 16 || dv % 16 != 0) return "value head size not a multiple of 16";
    return nullptr;
}

const char* launch_chunk_out(const ChunkOutArgs& a, cudaStream_t stream) {
    const char* why = chunk_out_unsupported(a.ct, a.n, a.dk, a.dv);
    if (why != nullptr) return why;
    if (a.chunks == 0) return nullptr;
    if (a.chunks > 0x7fffffffLL) return "more than 2^31 - 1 chunks in one call";
    switch (a.dk) {
        case 32: return launch_dk<32>(a, stream);
        case 64: return launch_dk<64>(a, stream);
        case 128: return launch_dk<128>(a, stream);
        default: return launch_dk<256>(a, stream);
    }
}

}  // namespace deltaeval
