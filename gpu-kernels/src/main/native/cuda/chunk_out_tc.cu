// K3 on tensor cores: the same read-out as chunk_out.cu with its two products on mma.sync.m16n8k8 (TF32 operands,
// fp32 accumulation), for fp16 mode. Why: the three recurrence kernels do ~32 G FMA a layer call at 8 x 4096, 0.96 ms
// at the H100's fp32 CUDA-core peak, already 0.8x fla's 1.21 ms for all three (docs/gpu-performance.md, seventh
// session); TF32 keeps fp32's range and 10 mantissa bits (fla runs bf16, 7). fp32 mode keeps chunk_out.cu.
// One block per (chunk, 128 value columns), 8 warps:
//   1. Q and K rows to shared memory as they are (row stride dk + 4: the fragment loads below hit 32 distinct banks);
//   2. P = Q K^T in 16 x 8 tiles (warp w: token tile w / 2, sub-step tiles 4 (w % 2) .. + 3; tiles past the chunk or
//      wholly above the mask skipped), then masked and decayed into shared memory in K's place;
//   3. o = exp(G_t) Q S + P V_new: MT token tiles x 16 column tiles of 8, 2 MT column tiles a warp, S and V_new read as
//      B fragments straight from global memory (four rows of 32 bytes a warp load), the P V_new loop ending at the last
//      sub-step the warp's tokens have seen.
// Fragment layouts: mma_tf32.cuh.
#include "chunk_out.h"
#include "launch.cuh"
#include "mma_tf32.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkOutMaxC;
constexpr int kBV = 128;
constexpr int kLdp = kC + 4;

size_t shared_floats(int dk) {
    const size_t rows = (size_t)kC * (dk + 4);
    const size_t p = (size_t)kC * kLdp;
    return rows + (rows > p ? rows : p);
}

template <int DK, int MT>
__global__ void __launch_bounds__(kThreads) chunk_out_tc_kernel(ChunkOutArgs a) {
    constexpr int LD = DK + 4;
    constexpr int kWpt = 8 / MT;       // warps per token tile in step 3
    constexpr int kTiles = 16 / kWpt;  // column tiles of 8 a warp in step 3
    extern __shared__ __align__(16) float smem[];
    float* qs = smem;          // [kC][LD]   tokens x dk
    float* ks = qs + kC * LD;  // [kC][LD]   sub-steps x dk
    float* ps = ks;            // [kC][kLdp] tokens x sub-steps, once K is no longer read
    __shared__ float gs[kC];

    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    const int g = lane >> 2, q = lane & 3;
    const long long chunk = blockIdx.x;
    const int ct = a.ct, n = a.n, c = ct * n, dv = a.dv;
    const bool gated = a.g != nullptr;
    const float4* qg = reinterpret_cast<const float4*>(a.q + chunk * ct * DK);
    const float4* kg = reinterpret_cast<const float4*>(a.k + chunk * c * DK);

    // 1.
    const float4 zero = make_float4(0.f, 0.f, 0.f, 0.f);
    for (int e = tid; e < kC * DK / 4; e += kThreads) {
        const int i = e / (DK / 4), d = 4 * (e % (DK / 4));
        *reinterpret_cast<float4*>(qs + i * LD + d) = i < ct ? qg[e] : zero;
        *reinterpret_cast<float4*>(ks + i * LD + d) = i < c ? kg[e] : zero;
    }
    if (tid < kC) gs[tid] = gated && tid < c ? a.g[chunk * c + tid] : 0.f;
    __syncthreads();

    // 2.
    {
        const int m0 = 16 * (warp / 2);
        const int n0 = 32 * (warp % 2);
        float p[4][4];
        bool live[4];
#pragma unroll
        for (int i = 0; i < 4; ++i) live[i] = m0 < ct && n0 + 8 * i < c && n0 + 8 * i <= (m0 + 16) * n - 1;
        row_products_tf32<DK>(p, live, qs, ks, LD, m0, n0, g, q);
        __syncthreads();  // every read of K is done: P takes its place, zero wherever the mask or the chunk ends
#pragma unroll
        for (int i = 0; i < 4; ++i) {
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                const int t = m0 + g + 8 * (r >> 1);
                const int j = n0 + 8 * i + 2 * q + (r & 1);
                float v = 0.f;
                if (live[i] && t < ct && j < c && j <= t * n + n - 1) {
                    v = p[i][r];
                    if (gated) v *= expf(gs[t * n] - gs[j]);  // G is non-increasing: the exponent is <= 0
                }
                ps[t * kLdp + j] = v;
            }
        }
    }
    __syncthreads();

    // 3. No barrier below: warps past the chunk's tokens or the value columns leave.
    const int m0 = 16 * (warp / kWpt);
    const int col0 = blockIdx.y * kBV + 8 * kTiles * (warp % kWpt);  // the warp's first column
    if (m0 >= ct || col0 >= dv) return;
    float acc[kTiles][4];
#pragma unroll
    for (int i = 0; i < kTiles; ++i)
#pragma unroll
        for (int r = 0; r < 4; ++r) acc[i][r] = 0.f;

    const float* sg = a.starts + chunk * DK * dv;
#pragma unroll 2
    for (int k0 = 0; k0 < DK; k0 += 8) {
        uint32_t af[4];
        load_a_tf32(af, qs, LD, m0, k0, g, q);
        const float* s0 = sg + (long long)(k0 + q) * dv + col0 + g;
        const float* s1 = s0 + 4LL * dv;
#pragma unroll
        for (int i = 0; i < kTiles; ++i) {
            if (col0 + 8 * i >= dv) continue;  // dv is a multiple of 16: a tile of 8 columns is all in or all out
            const uint32_t bf[2] = {tf32(s0[8 * i]), tf32(s1[8 * i])};
            mma_tf32(acc[i], af, bf);
        }
    }
    const int t_lo = m0 + g, t_hi = t_lo + 8;
    if (gated) {
        const float e_lo = t_lo < ct ? expf(gs[t_lo * n]) : 0.f;
        const float e_hi = t_hi < ct ? expf(gs[t_hi * n]) : 0.f;
#pragma unroll
        for (int i = 0; i < kTiles; ++i) {
            acc[i][0] *= e_lo;
            acc[i][1] *= e_lo;
            acc[i][2] *= e_hi;
            acc[i][3] *= e_hi;
        }
    }
    const float* vg = a.v_new + chunk * c * dv + col0 + g;
    const int jend = min(c, (m0 + 16) * n);  // one past the last sub-step the warp's last token has seen
    for (int k0 = 0; k0 < jend; k0 += 8) {
        uint32_t af[4];
        load_a_tf32(af, ps, kLdp, m0, k0, g, q);
        const int ja = k0 + q, jb = ja + 4;  // V_new's rows past the chunk are zeros (P is zero there too)
#pragma unroll
        for (int i = 0; i < kTiles; ++i) {
            if (col0 + 8 * i >= dv) continue;
            const uint32_t bf[2] = {tf32(ja < c ? vg[(long long)ja * dv + 8 * i] : 0.f),
                                    tf32(jb < c ? vg[(long long)jb * dv + 8 * i] : 0.f)};
            mma_tf32(acc[i], af, bf);
        }
    }
    float* og = a.o + chunk * ct * dv + col0 + 2 * q;
#pragma unroll
    for (int i = 0; i < kTiles; ++i) {
        if (col0 + 8 * i >= dv) continue;
        if (t_lo < ct) *reinterpret_cast<float2*>(og + (long long)t_lo * dv + 8 * i) = make_float2(acc[i][0], acc[i][1]);
        if (t_hi < ct) *reinterpret_cast<float2*>(og + (long long)t_hi * dv + 8 * i) = make_float2(acc[i][2], acc[i][3]);
    }
}

template <int DK, int MT>
const char* launch(const ChunkOutArgs& a, cudaStream_t stream) {
    const dim3 grid((unsigned)a.chunks, (unsigned)((a.dv + kBV - 1) / kBV));
    return launch_with_shared(chunk_out_tc_kernel<DK, MT>, grid, kThreads, sizeof(float) * shared_floats(DK), stream,
                              a);
}

// MT token tiles of 16 cover the chunk's tokens (three round up to four)
template <int DK>
const char* launch_dk(const ChunkOutArgs& a, cudaStream_t stream) {
    if (a.ct <= 16) return launch<DK, 1>(a, stream);
    if (a.ct <= 32) return launch<DK, 2>(a, stream);
    return launch<DK, 4>(a, stream);
}

}  // namespace

const char* launch_chunk_out_tc(const ChunkOutArgs& a, cudaStream_t stream) {
    return with_key_size(a.dk, [&](auto dk) { return launch_dk<decltype(dk)::value>(a, stream); });
}

}  // namespace deltaeval
