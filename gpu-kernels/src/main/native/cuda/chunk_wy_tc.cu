// K2 on tensor cores: the same W and U as chunk_wy.cu, for fp16 mode. chunk_wy.cu solves (I + A) X = R one column
// per thread, 64 dependent rows each (~2k FMA in a chain); here the chain is cut to 16 rows and the rest is matrix
// products: T = (I + A)^-1 is formed blockwise in fp32 (16 x 16 diagonal blocks by substitution, the off-diagonal
// blocks from them, fla's solve_tril order), then [W | U] = T [diag(beta exp(G)) K | diag(beta) V] on mma.sync
// m16n8k8 with fp32 accumulation, A = K K^T before it likewise. A takes TF32 operands; the product takes three TF32
// products a term (3xTF32, ~fp32's accuracy), because it cancels: on nearly parallel keys with beta ~ 2 |W| is ~1% of
// |T| |R|, and one TF32 product left W 3.3e-3 off float64 there (tools/emulate/chunk_wy_tc.py --tf32), 8e-4 with
// three. The tensor cores have the room: the kernel is bound by moving K, V, W and U. One block per chunk, 8 warps:
//   1. K and V rows to shared memory (K's row stride dk + 8 and V's dv + 8: the column-wise B-fragment loads of step
//      4 hit 32 distinct banks); A = beta_i (K_i . K_j) exp(G_i - G_j), j < i, in 16 x 8 tiles (warp w: rows
//      16 (w / 2), columns 32 (w % 2) .. + 31, tiles wholly above the diagonal or past the chunk skipped);
//   2. the four diagonal blocks of T by forward substitution, one thread a column (16 rows);
//   3. the off-diagonal blocks, one sub-diagonal at a time: T_ij = -T_ii sum_{j <= k < i} A_ik T_kj;
//   4. the product, warp w taking row tiles w / 4 and 3 - w / 4 (their triangular work sums to the same for every
//      warp) and every fourth column tile of 8 from w % 4, in groups of four tiles; a B fragment serves both row
//      tiles, the scale of its rows applied as it is loaded, each operand split into TF32 hi + lo.
// Rows past the chunk are zero in K, V and the scales, so A and T are the identity's there and the products stay
// finite whatever shared memory held before. Fragment layouts: mma_tf32.cuh.
#include "chunk_wy.h"
#include "launch.cuh"
#include "mma_tf32.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkWyMaxC;
constexpr int kB = 16;          // T's diagonal blocks
constexpr int kLdt = kC + 4;    // A and T rows: the A-fragment loads (4 g + q) hit 32 distinct banks
constexpr int kGroup = 4;       // column tiles a warp accumulates at once in step 4

size_t shared_floats(int dk, int dv) {
    return (size_t)kC * (dk + 8) + (size_t)kC * (dv + 8) + 2 * (size_t)kC * kLdt + 3 * kB * kB;
}

template <int DK>
__global__ void __launch_bounds__(kThreads, 2) chunk_wy_tc_kernel(ChunkWyArgs a) {
    constexpr int LDK = DK + 8;
    extern __shared__ __align__(16) float smem[];
    const int c = a.c, dv = a.dv, ldv = dv + 8;
    float* ks = smem;             // [kC][LDK]  K
    float* vs = ks + kC * LDK;    // [kC][ldv]  V
    float* as = vs + kC * ldv;    // [kC][kLdt] A, strictly lower
    float* ts = as + kC * kLdt;   // [kC][kLdt] T = (I + A)^-1, lower, unit diagonal
    float* ms = ts + kC * kLdt;   // [3][kB][kB] a sub-diagonal's sums before T_ii multiplies them
    __shared__ float bs[kC], ws[kC], gs[kC];

    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    const int g = lane >> 2, q = lane & 3;
    const long long chunk = blockIdx.x;
    const bool gated = a.g != nullptr;

    // 1.
    const float4 zero = make_float4(0.f, 0.f, 0.f, 0.f);
    const float4* kg = reinterpret_cast<const float4*>(a.k + chunk * c * DK);
    for (int e = tid; e < kC * DK / 4; e += kThreads) {
        const int i = e / (DK / 4), d = 4 * (e % (DK / 4));
        *reinterpret_cast<float4*>(ks + i * LDK + d) = i < c ? kg[e] : zero;
    }
    const float4* vg = reinterpret_cast<const float4*>(a.v + chunk * c * dv);
    for (int e = tid; e < kC * dv / 4; e += kThreads) {
        const int i = e / (dv / 4), d = 4 * (e % (dv / 4));
        *reinterpret_cast<float4*>(vs + i * ldv + d) = i < c ? vg[e] : zero;
    }
    if (tid < kC) {
        const float b = tid < c ? a.beta[chunk * c + tid] : 0.f;
        const float gl = tid < c && gated ? a.g[chunk * c + tid] : 0.f;
        bs[tid] = b;
        gs[tid] = gl;
        ws[tid] = gated ? b * expf(gl) : b;
    }
    __syncthreads();
    {
        const int m0 = 16 * (warp / 2), n0 = 32 * (warp % 2);
        float p[4][4];
        bool live[4];
#pragma unroll
        for (int i = 0; i < 4; ++i) live[i] = m0 < c && n0 + 8 * i < c && n0 + 8 * i < m0 + 16;
        row_products_tf32<DK>(p, live, ks, ks, LDK, m0, n0, g, q);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                const int row = m0 + g + 8 * (r >> 1);
                const int col = n0 + 8 * i + 2 * q + (r & 1);
                float v = 0.f;
                if (col < row && row < c) {
                    v = bs[row] * p[i][r];
                    if (gated) v *= expf(gs[row] - gs[col]);  // G is non-increasing: the exponent is <= 0
                }
                as[row * kLdt + col] = v;
            }
        }
    }
    // T's blocks above the diagonal are zero
    for (int e = tid; e < kC * kC; e += kThreads) {
        const int i = e / kC, j = e % kC;
        if (j / kB > i / kB) ts[i * kLdt + j] = 0.f;
    }
    __syncthreads();

    // 2.
    if (tid < kC) {
        const int base = kB * (tid / kB), s = tid % kB;
        float x[kB];
#pragma unroll
        for (int r = 0; r < kB; ++r) {
            float v = r == s ? 1.f : 0.f;
            const float* arow = as + (base + r) * kLdt + base;
#pragma unroll
            for (int t = 0; t < r; ++t) v -= arow[t] * x[t];
            x[r] = v;
            ts[(base + r) * kLdt + base + s] = v;
        }
    }
    __syncthreads();

    // 3.
    for (int level = 1; level < kC / kB; ++level) {
        const int blocks = kC / kB - level;
        for (int e = tid; e < blocks * kB * kB; e += kThreads) {
            const int bi = level + e / (kB * kB), bj = bi - level;
            const int r = (e / kB) % kB, s = e % kB;
            const float* arow = as + (kB * bi + r) * kLdt;
            float m = 0.f;
            for (int k = kB * bj; k < kB * bi; ++k) m += arow[k] * ts[k * kLdt + kB * bj + s];
            ms[e] = m;
        }
        __syncthreads();
        for (int e = tid; e < blocks * kB * kB; e += kThreads) {
            const int bi = level + e / (kB * kB), bj = bi - level;
            const int r = (e / kB) % kB, s = e % kB;
            const float* trow = ts + (kB * bi + r) * kLdt + kB * bi;
            const float* mcol = ms + (e / (kB * kB)) * kB * kB + s;
            float t = 0.f;
#pragma unroll
            for (int k = 0; k < kB; ++k) t += trow[k] * mcol[k * kB];
            ts[(kB * bi + r) * kLdt + kB * bj + s] = -t;
        }
        __syncthreads();
    }

    // 4.
    const int tiles = (DK + dv) / 8;
    const int pair = warp / 4, quarter = warp % 4;
    const int rt[2] = {pair, 3 - pair};
    int kend[2];
#pragma unroll
    for (int h = 0; h < 2; ++h) kend[h] = 16 * rt[h] < c ? min(c, 16 * rt[h] + 16) : 0;
    const int kmax = max(kend[0], kend[1]);
    float* wg = a.w + chunk * c * DK;
    float* ug = a.u + chunk * c * dv;
    for (int first = quarter; first < tiles; first += 4 * kGroup) {
        float acc[2][kGroup][4];
#pragma unroll
        for (int h = 0; h < 2; ++h)
#pragma unroll
            for (int i = 0; i < kGroup; ++i)
#pragma unroll
                for (int r = 0; r < 4; ++r) acc[h][i][r] = 0.f;
        for (int k0 = 0; k0 < kmax; k0 += 8) {
            uint32_t b_hi[kGroup][2], b_lo[kGroup][2];
#pragma unroll
            for (int i = 0; i < kGroup; ++i) {
                const int col = 8 * (first + 4 * i);
                if (col >= DK + dv) continue;
                const bool in_k = col < DK;
                const float* src = in_k ? ks + col : vs + (col - DK);
                const int ld = in_k ? LDK : ldv;
                const float* sc = in_k ? ws : bs;
                split_tf32(src[(k0 + q) * ld + g] * sc[k0 + q], b_hi[i][0], b_lo[i][0]);
                split_tf32(src[(k0 + q + 4) * ld + g] * sc[k0 + q + 4], b_hi[i][1], b_lo[i][1]);
            }
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                if (k0 >= kend[h]) continue;
                uint32_t a_hi[4], a_lo[4];
                load_a_3xtf32(a_hi, a_lo, ts, kLdt, 16 * rt[h], k0, g, q);
#pragma unroll
                for (int i = 0; i < kGroup; ++i) {
                    if (8 * (first + 4 * i) >= DK + dv) continue;
                    mma_3xtf32(acc[h][i], a_hi, a_lo, b_hi[i], b_lo[i]);
                }
            }
        }
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int lo = 16 * rt[h] + g, hi = lo + 8;
#pragma unroll
            for (int i = 0; i < kGroup; ++i) {
                const int col = 8 * (first + 4 * i) + 2 * q;
                if (col >= DK + dv) continue;
                float* out = col < DK ? wg + col : ug + (col - DK);
                const int ld = col < DK ? DK : dv;
                if (lo < c) *reinterpret_cast<float2*>(out + (long long)lo * ld) = make_float2(acc[h][i][0], acc[h][i][1]);
                if (hi < c) *reinterpret_cast<float2*>(out + (long long)hi * ld) = make_float2(acc[h][i][2], acc[h][i][3]);
            }
        }
    }
}

template <int DK>
const char* launch(const ChunkWyArgs& a, cudaStream_t stream) {
    return launch_with_shared(chunk_wy_tc_kernel<DK>, dim3((unsigned)a.chunks), kThreads,
                              sizeof(float) * shared_floats(DK, a.dv), stream, a);
}

}  // namespace

bool chunk_wy_tc_takes(const ChunkWyArgs& a) {
    return a.dv % 16 == 0 && aligned16(a.k) && aligned16(a.v) && aligned16(a.w) && aligned16(a.u);
}

const char* launch_chunk_wy_tc(const ChunkWyArgs& a, cudaStream_t stream) {
    return with_key_size(a.dk, [&](auto dk) { return launch<decltype(dk)::value>(a, stream); });
}

}  // namespace deltaeval
