// K3: the read-out of each chunk (gpu-native.md §6). One block per (chunk, 128 value columns), 256 threads, fp32:
//   1. Q^T and K^T to shared memory (token / sub-step minor, so four consecutive ones are one float4);
//   2. P = (Q K^T . exp(G_t - G_j)) masked to the sub-steps each token has seen, each thread a 4 x 4 tile; tiles
//      wholly above the mask or past the chunk skip the products. P^T then takes K^T's place;
//   3. o = exp(G_t) Q S + P V_new as one register-tiled product: a thread owns TM consecutive tokens and 4
//      consecutive columns, so each step of the inner loop is one float4 of S or V_new (global, coalesced across the
//      warp), TM / 4 float4 broadcasts from shared memory, and 4 TM FMAs. The P V_new loop stops at the last
//      sub-step the thread's tokens have seen.
// The first version (one column and every fourth token a thread, one shared-memory load per FMA, all 64 token rows
// computed whatever the chunk's token count, the Q K^T tile recomputed by each of a chunk's two blocks) took
// 5.46 ms a layer call at 8 x 4096 on an H100 against fla's 0.38 (bf16): docs/gpu-performance.md, seventh session.
#include "chunk_out.h"
#include "launch.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkOutMaxC;
constexpr int kLd = kC + 4;  // row stride of the transposed tiles: float4-aligned rows, stores at most 4-way conflicted
constexpr int kBV = 128;     // value columns a block: 32 threads x 4

// Q^T [DK][kLd], then K^T [DK][kLd] whose space P^T [kC][kLd] reuses
size_t shared_floats(int dk) {
    return (size_t)(dk + (dk > kC ? dk : kC)) * kLd;
}

template <int DK, int TM>
__global__ void __launch_bounds__(kThreads) chunk_out_kernel(ChunkOutArgs a) {
    extern __shared__ __align__(16) float smem[];
    float* qt = smem;           // [DK][kLd]
    float* kt = qt + DK * kLd;  // [DK][kLd]
    float* pt = kt;             // [kC][kLd], once K^T is no longer read
    __shared__ float gs[kC];

    const int tid = threadIdx.x;
    const long long chunk = blockIdx.x;
    const int ct = a.ct, n = a.n, c = ct * n, dv = a.dv;
    const bool gated = a.g != nullptr;
    const float* qg = a.q + chunk * ct * DK;
    const float* kg = a.k + chunk * c * DK;

    // 1. consecutive threads read consecutive elements of a row (coalesced) and write down a column of the transpose
    for (int e = tid; e < kC * DK; e += kThreads) {
        const int i = e / DK, d = e % DK;
        qt[d * kLd + i] = i < ct ? qg[e] : 0.f;
        kt[d * kLd + i] = i < c ? kg[e] : 0.f;
    }
    if (tid < kC) gs[tid] = gated && tid < c ? a.g[chunk * c + tid] : 0.f;
    __syncthreads();

    // 2. P: thread (ti, tj) computes tokens 4 ti .. 4 ti + 3 against sub-steps 4 tj .. 4 tj + 3
    {
        const int ti = tid / 16, tj = tid % 16;
        const bool live = 4 * ti < ct && 4 * tj < c && 4 * tj <= (4 * ti + 4) * n - 1;
        float p[4][4];
#pragma unroll
        for (int r = 0; r < 4; ++r)
#pragma unroll
            for (int s = 0; s < 4; ++s) p[r][s] = 0.f;
        if (live) {
#pragma unroll 4
            for (int d = 0; d < DK; ++d) {
                const float4 x = *reinterpret_cast<const float4*>(qt + d * kLd + 4 * ti);
                const float4 y = *reinterpret_cast<const float4*>(kt + d * kLd + 4 * tj);
                const float xs[4] = {x.x, x.y, x.z, x.w};
                const float ys[4] = {y.x, y.y, y.z, y.w};
#pragma unroll
                for (int r = 0; r < 4; ++r)
#pragma unroll
                    for (int s = 0; s < 4; ++s) p[r][s] += xs[r] * ys[s];
            }
        }
        __syncthreads();  // every read of K^T is done: P^T takes its place, zero wherever the mask or the chunk ends
#pragma unroll
        for (int s = 0; s < 4; ++s) {
            const int j = 4 * tj + s;
            float col[4];
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                const int t = 4 * ti + r;
                float v = 0.f;
                if (live && t < ct && j < c && j <= t * n + n - 1) {
                    v = p[r][s];
                    if (gated) v *= expf(gs[t * n] - gs[j]);  // G is non-increasing: the exponent is <= 0
                }
                col[r] = v;
            }
            *reinterpret_cast<float4*>(pt + j * kLd + 4 * ti) = make_float4(col[0], col[1], col[2], col[3]);
        }
    }
    __syncthreads();

    // 3. o: thread (ty, tx) owns tokens TM ty .. TM ty + TM - 1 (one warp shares them: the shared-memory reads are
    //    broadcasts) and columns 4 tx .. 4 tx + 3 of the block's 128. No barrier below: warps past the chunk leave.
    const int ty = tid / 32, tx = tid % 32;
    const int t0 = TM * ty;
    const int col = blockIdx.y * kBV + 4 * tx;
    if (t0 >= ct || col >= dv) return;  // dv is a multiple of 16: a thread's four columns are all in or all out
    float acc[TM][4];
#pragma unroll
    for (int m = 0; m < TM; ++m)
#pragma unroll
        for (int x = 0; x < 4; ++x) acc[m][x] = 0.f;

    const float* sg = a.starts + chunk * DK * dv + col;
#pragma unroll 4
    for (int d = 0; d < DK; ++d) {
        const float4 s = *reinterpret_cast<const float4*>(sg + (long long)d * dv);
#pragma unroll
        for (int m4 = 0; m4 < TM; m4 += 4) {
            const float4 x = *reinterpret_cast<const float4*>(qt + d * kLd + t0 + m4);
            const float xs[4] = {x.x, x.y, x.z, x.w};
#pragma unroll
            for (int m = 0; m < 4; ++m) {
                acc[m4 + m][0] += xs[m] * s.x;
                acc[m4 + m][1] += xs[m] * s.y;
                acc[m4 + m][2] += xs[m] * s.z;
                acc[m4 + m][3] += xs[m] * s.w;
            }
        }
    }
    if (gated) {
#pragma unroll
        for (int m = 0; m < TM; ++m) {
            const float e = t0 + m < ct ? expf(gs[(t0 + m) * n]) : 0.f;
#pragma unroll
            for (int x = 0; x < 4; ++x) acc[m][x] *= e;
        }
    }
    const int jend = min(c, (t0 + TM) * n);  // one past the last sub-step the thread's last token has seen
    const float* vg = a.v_new + chunk * c * dv + col;
#pragma unroll 4
    for (int j = 0; j < jend; ++j) {
        const float4 v = *reinterpret_cast<const float4*>(vg + (long long)j * dv);
#pragma unroll
        for (int m4 = 0; m4 < TM; m4 += 4) {
            const float4 x = *reinterpret_cast<const float4*>(pt + j * kLd + t0 + m4);
            const float xs[4] = {x.x, x.y, x.z, x.w};
#pragma unroll
            for (int m = 0; m < 4; ++m) {
                acc[m4 + m][0] += xs[m] * v.x;
                acc[m4 + m][1] += xs[m] * v.y;
                acc[m4 + m][2] += xs[m] * v.z;
                acc[m4 + m][3] += xs[m] * v.w;
            }
        }
    }
    float* og = a.o + chunk * ct * dv + col;
#pragma unroll
    for (int m = 0; m < TM; ++m) {
        if (t0 + m < ct) {
            *reinterpret_cast<float4*>(og + (long long)(t0 + m) * dv) =
                make_float4(acc[m][0], acc[m][1], acc[m][2], acc[m][3]);
        }
    }
}

template <int DK, int TM>
const char* launch(const ChunkOutArgs& a, cudaStream_t stream) {
    const dim3 grid((unsigned)a.chunks, (unsigned)((a.dv + kBV - 1) / kBV));
    return launch_with_shared(chunk_out_kernel<DK, TM>, grid, kThreads, sizeof(float) * shared_floats(DK), stream, a);
}

// eight warps of TM tokens each cover the chunk's tokens
template <int DK>
const char* launch_dk(const ChunkOutArgs& a, cudaStream_t stream) {
    return a.ct <= 32 ? launch<DK, 4>(a, stream) : launch<DK, 8>(a, stream);
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
    if (!aligned16(a.q) || !aligned16(a.k) || !aligned16(a.starts) || !aligned16(a.v_new) || !aligned16(a.o)) {
        return "q, k, starts, v_new and o must start on 16-byte boundaries (rows are read as float4)";
    }
    if (a.tf32) return launch_chunk_out_tc(a, stream);
    return with_key_size(a.dk, [&](auto dk) { return launch_dk<decltype(dk)::value>(a, stream); });
}

}  // namespace deltaeval
