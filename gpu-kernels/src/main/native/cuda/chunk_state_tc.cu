// K1 on tensor cores: the same sequential state pass as chunk_state.cu with its two products a chunk, v_new = U - W S
// and S <- exp(g_last) S + K^T v_new (decayed), on mma.sync.m16n8k8 (TF32 operands, fp32 accumulation), for fp16
// mode. Why: W S and K^T V_new are 17 of the ~32 G FMA a layer call the recurrence does at 8 x 4096; on fp32 CUDA
// cores they took 3.55 ms against fla's 0.38 (H100, docs/gpu-performance.md, seventh session).
// One block per (sequence-head, 64 value columns), 8 warps, walking the chunks in order:
//   - the state S [dk x 64] lives in the warps' mma accumulators (fp32) for the whole sequence: warp w owns the
//     16 x 8 tiles w TPW .. w TPW + TPW - 1 (row tile t / 8, column tile t % 8);
//   - each chunk's W, K and decays arrive by cp.async into one of two stages while the previous chunk computes;
//   - per chunk: S to shared memory (the B operand of W S) and to `starts`; v_new = U - W S (warp w: row tile w / 2,
//     column tiles 4 (w % 2) .. + 3), written undecayed to `v_new` and decayed to the chunk's end into shared memory;
//     then S <- exp(g_last) S + K^T v_dec, K read transposed from its row-major tile.
// Fragment layouts: mma_tf32.cuh. Taken when dk is 64 or 128 and dv a multiple of 64 (launch_chunk_state
// falls back to chunk_state.cu otherwise).
#include "chunk_state.h"

#include <cuda_pipeline.h>

#include "launch.cuh"
#include "mma_tf32.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkStateMaxC;
constexpr int kBV = 64;
constexpr int kLdv = kBV + 8;  // rows of S and v_dec in shared memory: the B-fragment loads hit 32 distinct banks

template <int DK>
__host__ __device__ constexpr int stage_floats() {
    return 2 * kC * (DK + 4) + kC;  // W, K (row stride dk + 4), decays
}

template <int DK>
constexpr size_t shared_bytes() {
    return sizeof(float) * (2 * stage_floats<DK>() + DK * kLdv + kC * kLdv);
}

// one chunk's W and K rows and decays into a stage, asynchronously (rows past c stay as the prologue zeroed them)
template <int DK>
__device__ __forceinline__ void load_stage(const ChunkStateArgs& a, long long chunk, float* stage, int tid) {
    constexpr int LD = DK + 4;
    const int c = a.c;
    float* ws = stage;
    float* ks = ws + kC * LD;
    float* gs = ks + kC * LD;
    const float* wg = a.w + chunk * c * DK;
    const float* kg = a.k + chunk * c * DK;
    for (int e = tid; e < c * DK / 4; e += kThreads) {
        const int row = e / (DK / 4), col = 4 * (e % (DK / 4));
        __pipeline_memcpy_async(ws + row * LD + col, wg + 4 * e, 16);
        __pipeline_memcpy_async(ks + row * LD + col, kg + 4 * e, 16);
    }
    if (a.g != nullptr) {
        for (int e = tid; e < c; e += kThreads) __pipeline_memcpy_async(gs + e, a.g + chunk * c + e, 4);
    }
}

template <int DK>
__global__ void __launch_bounds__(kThreads) chunk_state_tc_kernel(ChunkStateArgs a) {
    constexpr int LD = DK + 4;
    constexpr int kStage = stage_floats<DK>();
    constexpr int TPW = DK * kBV / (16 * 8) / 8;  // state tiles a warp
    extern __shared__ __align__(16) float smem[];
    float* ss = smem + 2 * kStage;  // [DK][kLdv] the state entering the chunk
    float* vs = ss + DK * kLdv;     // [kC][kLdv] v_new decayed to the chunk's end, zero past c

    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    const int g = lane >> 2, q = lane & 3;
    const long long bh = blockIdx.y;
    const int col0 = blockIdx.x * kBV;
    const int c = a.c, dv = a.dv;
    const bool gated = a.g != nullptr;

    // rows c..63 of both stages' W and K, and the decays when ungated, are zero for good
    for (int e = tid; e < 2 * kStage; e += kThreads) smem[e] = 0.f;
    __syncthreads();
    load_stage<DK>(a, bh * a.chunks, smem, tid);
    __pipeline_commit();

    float s[TPW][4];
#pragma unroll
    for (int i = 0; i < TPW; ++i) {
        const int t = warp * TPW + i, r0 = 16 * (t / 8) + g, cc = col0 + 8 * (t % 8) + 2 * q;
#pragma unroll
        for (int r = 0; r < 4; ++r) {
            const int row = r0 + 8 * (r >> 1), col = cc + (r & 1);
            s[i][r] = a.s0 != nullptr ? a.s0[(bh * DK + row) * dv + col] : 0.f;
        }
    }

    for (int n = 0; n < a.chunks; ++n) {
        const long long chunk = bh * a.chunks + n;
        const float* ws = smem + (n & 1) * kStage;
        const float* ks = ws + kC * LD;
        const float* gs = ks + kC * LD;
        // 1. the state entering this chunk: to shared memory for W S, to global memory for the read-out
        float* start = a.starts + chunk * DK * dv;
#pragma unroll
        for (int i = 0; i < TPW; ++i) {
            const int t = warp * TPW + i, r0 = 16 * (t / 8) + g, cl = 8 * (t % 8) + 2 * q;
            ss[r0 * kLdv + cl] = s[i][0];
            ss[r0 * kLdv + cl + 1] = s[i][1];
            ss[(r0 + 8) * kLdv + cl] = s[i][2];
            ss[(r0 + 8) * kLdv + cl + 1] = s[i][3];
            *reinterpret_cast<float2*>(start + (long long)r0 * dv + col0 + cl) = make_float2(s[i][0], s[i][1]);
            *reinterpret_cast<float2*>(start + (long long)(r0 + 8) * dv + col0 + cl) = make_float2(s[i][2], s[i][3]);
        }
        // 2. the next chunk's loads go out into the other stage (free since the previous chunk's last barrier)
        if (n + 1 < a.chunks) load_stage<DK>(a, chunk + 1, smem + ((n + 1) & 1) * kStage, tid);
        __pipeline_commit();
        __pipeline_wait_prior(1);
        __syncthreads();

        // 3. v_new = U - W S
        const float g_last = gated ? gs[c - 1] : 0.f;
        const int m0 = 16 * (warp / 2), n0 = 32 * (warp % 2);
        if (m0 < c) {
            float v[4][4];
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
                for (int r = 0; r < 4; ++r) v[i][r] = 0.f;
#pragma unroll 2
            for (int k0 = 0; k0 < DK; k0 += 8) {
                const float* wa = ws + (m0 + g) * LD + k0 + q;
                const uint32_t af[4] = {tf32(wa[0]), tf32(wa[8 * LD]), tf32(wa[4]), tf32(wa[8 * LD + 4])};
#pragma unroll
                for (int i = 0; i < 4; ++i) {
                    const float* sb = ss + (k0 + q) * kLdv + n0 + 8 * i + g;
                    const uint32_t bf[2] = {tf32(sb[0]), tf32(sb[4 * kLdv])};
                    mma_tf32(v[i], af, bf);
                }
            }
            const float* ug = a.u + chunk * c * dv + col0;
            float* vg = a.v_new + chunk * c * dv + col0;
#pragma unroll
            for (int i = 0; i < 4; ++i) {
#pragma unroll
                for (int h = 0; h < 2; ++h) {  // rows m0 + g and m0 + g + 8
                    const int row = m0 + g + 8 * h, cl = n0 + 8 * i + 2 * q;
                    float2 out = make_float2(0.f, 0.f), dec = make_float2(0.f, 0.f);
                    if (row < c) {
                        const float2 uu = *reinterpret_cast<const float2*>(ug + (long long)row * dv + cl);
                        out = make_float2(uu.x - v[i][2 * h], uu.y - v[i][2 * h + 1]);
                        *reinterpret_cast<float2*>(vg + (long long)row * dv + cl) = out;
                        const float f = gated ? expf(g_last - gs[row]) : 1.f;
                        dec = make_float2(out.x * f, out.y * f);
                    }
                    *reinterpret_cast<float2*>(vs + row * kLdv + cl) = dec;
                }
            }
        } else {
            // row tiles past the chunk: their part of v_dec is zero (K^T v_dec reads it)
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
                for (int h = 0; h < 2; ++h)
                    *reinterpret_cast<float2*>(vs + (m0 + g + 8 * h) * kLdv + n0 + 8 * i + 2 * q) = make_float2(0.f, 0.f);
        }
        __syncthreads();

        // 4. S <- exp(g_last) S + K^T v_dec
        if (gated) {
            const float decay = expf(g_last);
#pragma unroll
            for (int i = 0; i < TPW; ++i)
#pragma unroll
                for (int r = 0; r < 4; ++r) s[i][r] *= decay;
        }
        for (int k0 = 0; k0 < c; k0 += 8) {
#pragma unroll
            for (int i = 0; i < TPW; ++i) {
                const int t = warp * TPW + i, r0 = 16 * (t / 8), cl = 8 * (t % 8);
                const float* ka = ks + (k0 + q) * LD + r0 + g;  // A (d, j) = K[j][d]
                const uint32_t af[4] = {tf32(ka[0]), tf32(ka[8]), tf32(ka[4 * LD]), tf32(ka[4 * LD + 8])};
                const float* vb = vs + (k0 + q) * kLdv + cl + g;
                const uint32_t bf[2] = {tf32(vb[0]), tf32(vb[4 * kLdv])};
                mma_tf32(s[i], af, bf);
            }
        }
        __syncthreads();  // before the next chunk rewrites ss, vs and (two chunks on) this stage
    }
    float* last = a.last + bh * DK * dv;
#pragma unroll
    for (int i = 0; i < TPW; ++i) {
        const int t = warp * TPW + i, r0 = 16 * (t / 8) + g, col = col0 + 8 * (t % 8) + 2 * q;
        *reinterpret_cast<float2*>(last + (long long)r0 * dv + col) = make_float2(s[i][0], s[i][1]);
        *reinterpret_cast<float2*>(last + (long long)(r0 + 8) * dv + col) = make_float2(s[i][2], s[i][3]);
    }
}

template <int DK>
const char* launch(const ChunkStateArgs& a, cudaStream_t stream) {
    return launch_with_shared(chunk_state_tc_kernel<DK>, dim3(a.dv / kBV, a.bh), kThreads, shared_bytes<DK>(), stream,
                              a);
}

}  // namespace

bool chunk_state_tc_takes(int dk, int dv) {
    return (dk == 64 || dk == 128) && dv % kBV == 0;
}

const char* launch_chunk_state_tc(const ChunkStateArgs& a, cudaStream_t stream) {
    return a.dk == 64 ? launch<64>(a, stream) : launch<128>(a, stream);
}

}  // namespace deltaeval
