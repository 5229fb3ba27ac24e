// K2: W and U of each chunk in one block (gpu-native.md §6). One block per chunk, 256 threads:
//   1. K (and V) to shared memory; A = beta_i K_i . K_j exp(G_i - G_j) for j < i, each thread a 4 x 4 tile of A;
//   2. W and U by forward substitution, each thread owning whole columns of K (then W) or V (then U), solved in
//      place; the column lives in registers (fully unrolled over the 64 rows), A's rows come as float4 broadcasts.
// No T = (I + A)^-1, no doubling product, no fp64, no host synchronisation.
#include "chunk_wy.h"
#include "launch.cuh"
#include "tile_products.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkWyMaxC;
constexpr int kLda = kC + 4;  // rows of A stay 16-byte aligned for float4 reads

size_t shared_floats(int dk, int dv) {
    return (size_t)kC * (dk + 1) + (size_t)kC * (dv + 1) + (size_t)kC * kLda + 2 * kC;
}

// Solves one column in place: x_i = scale_i * x_i - sum_{j<i} A_ij x_j (rows >= c are zero and stay zero).
__device__ __forceinline__ void solve_column(float* col, int ld, const float* as, const float* scale, int c) {
    float x[kC];
#pragma unroll
    for (int i = 0; i < kC; ++i) x[i] = 0.f;
#pragma unroll
    for (int i = 0; i < kC; ++i) {
        if (i < c) {
            float r0 = scale[i] * col[i * ld];
            float r1 = 0.f;
            const float4* arow = reinterpret_cast<const float4*>(as + i * kLda);
#pragma unroll
            for (int j = 0; j < i; j += 4) {  // A_ij = 0 for j >= i, so the last float4 may overrun i safely
                const float4 a4 = arow[j / 4];
                r0 -= a4.x * x[j];
                r1 -= a4.y * x[j + 1];
                r0 -= a4.z * x[j + 2];
                r1 -= a4.w * x[j + 3];
            }
            x[i] = r0 + r1;
            col[i * ld] = x[i];
        }
    }
}

template <int DK>
__global__ void __launch_bounds__(kThreads, 2) chunk_wy_kernel(ChunkWyArgs a) {
    constexpr int LDK = DK + 1;  // odd: the 16 rows a warp reads for A's tile fall in 16 different banks
    extern __shared__ float smem[];
    const int c = a.c;
    const int dv = a.dv;
    const int ldv = dv + 1;
    float* ks = smem;                        // [kC][LDK]  K, then W
    float* vs = ks + kC * LDK;               // [kC][ldv]  V, then U
    float* as = vs + kC * ldv;               // [kC][kLda] A (strictly lower, zeros elsewhere)
    float* bs = as + kC * kLda;              // [kC]       beta
    float* ws = bs + kC;                     // [kC]       beta exp(G): W's right-hand-side scale
    __shared__ float gs[kC];

    const int tid = threadIdx.x;
    const long long chunk = blockIdx.x;
    const bool gated = a.g != nullptr;
    const float* kg = a.k + chunk * c * DK;
    const float* vg = a.v + chunk * c * dv;

    for (int e = tid; e < kC * DK; e += kThreads) {
        const int i = e / DK;
        ks[i * LDK + e % DK] = i < c ? kg[e] : 0.f;
    }
    for (int e = tid; e < c * dv; e += kThreads) vs[(e / dv) * ldv + e % dv] = vg[e];
    if (tid < kC) {
        const float b = tid < c ? a.beta[chunk * c + tid] : 0.f;
        const float g = tid < c && gated ? a.g[chunk * c + tid] : 0.f;
        bs[tid] = b;
        gs[tid] = g;
        ws[tid] = gated ? b * expf(g) : b;
    }
    __syncthreads();

    // 1. A: thread (ti, tj) computes rows ti + 16 r and columns tj + 16 s, r, s in 0..3
    {
        const int ti = tid / 16;
        const int tj = tid % 16;
        float acc[4][4];
        tile_products_64x64<DK, LDK>(ks, ks, tid, acc);
#pragma unroll
        for (int r = 0; r < 4; ++r) {
            const int i = ti + 16 * r;
#pragma unroll
            for (int s = 0; s < 4; ++s) {
                const int j = tj + 16 * s;
                float v = 0.f;
                if (j < i && i < c) {
                    v = bs[i] * acc[r][s];
                    if (gated) v *= expf(gs[i] - gs[j]);  // G is non-increasing: the exponent is <= 0
                }
                as[i * kLda + j] = v;
            }
        }
        // the padding columns kC..kLda-1 are never read
    }
    __syncthreads();

    // 2. forward substitution, one column at a time per thread: K's columns become W's, V's become U's
    for (int col = tid; col < DK + dv; col += kThreads) {
        if (col < DK) {
            solve_column(ks + col, LDK, as, ws, c);
        } else {
            solve_column(vs + (col - DK), ldv, as, bs, c);
        }
    }
    __syncthreads();

    float* wg = a.w + chunk * c * DK;
    float* ug = a.u + chunk * c * dv;
    for (int e = tid; e < c * DK; e += kThreads) wg[e] = ks[(e / DK) * LDK + e % DK];
    for (int e = tid; e < c * dv; e += kThreads) ug[e] = vs[(e / dv) * ldv + e % dv];
}

template <int DK>
const char* launch(const ChunkWyArgs& a, cudaStream_t stream) {
    return launch_with_shared(chunk_wy_kernel<DK>, dim3((unsigned)a.chunks), kThreads,
                              sizeof(float) * shared_floats(DK, a.dv), stream, a);
}

}  // namespace

const char* chunk_wy_unsupported(int c, int dk, int dv) {
    if (c < 1 || c > kChunkWyMaxC) return "chunk length outside 1..64 sub-steps";
    if (dk != 32 && dk != 64 && dk != 128 && dk != 256) return "key head size not 32, 64, 128 or 256";
    if (dv < 1 || dv > kChunkWyMaxDv) return "value head size outside 1..256";
    return nullptr;
}

const char* launch_chunk_wy(const ChunkWyArgs& a, cudaStream_t stream) {
    const char* why = chunk_wy_unsupported(a.c, a.dk, a.dv);
    if (why != nullptr) return why;
    if (a.chunks == 0) return nullptr;
    if (a.chunks > 0x7fffffffLL) return "more than 2^31 - 1 chunks in one call";
    if (a.tf32 && chunk_wy_tc_takes(a)) return launch_chunk_wy_tc(a, stream);
    return with_key_size(a.dk, [&](auto dk) { return launch<decltype(dk)::value>(a, stream); });
}

}  // namespace deltaeval
