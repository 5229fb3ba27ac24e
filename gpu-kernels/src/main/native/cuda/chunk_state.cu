// The sequential state pass (gpu-native.md, K1). One block owns one (sequence-head, BV-column tile) of the state
// and walks the chunks in order with its dk x BV slice of the state in registers, so no dk x dk transition matrix
// is ever formed (the DJL path composes them in a log-depth scan: ~3x the FLOPs, all in fp32 matmuls).
// fp32 throughout (FFMA): the inputs come from the fp32 WY stage and the results must match it to fp32 rounding.
#include "chunk_state.h"

#include <cuda_pipeline.h>

#include "launch.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kC = kChunkStateMaxC;

// Dynamic shared memory per stage: W and K of one chunk, U of the block's columns, the decays; once: v_new of the
// block's columns and the state. With PREFETCH two stages, the next chunk's loads in flight (cp.async) while this
// chunk computes: without it every chunk waited for its 64 KB of W and K (measured 2026-12-07: ~11.7 us a chunk
// at one sequence, most of it waiting).
template <int DK, int BV, bool PREFETCH>
__host__ __device__ constexpr size_t stage_floats() {
    return 2 * kC * DK + kC * BV + kC;
}

template <int DK, int BV, bool PREFETCH>
constexpr size_t shared_bytes() {
    return sizeof(float) * ((PREFETCH ? 2 : 1) * stage_floats<DK, BV, PREFETCH>() + kC * BV + DK * BV);
}

// One chunk's W, K (whole rows), U (the block's columns) and decays into a stage, asynchronously or not.
template <int DK, int BV, bool ASYNC>
__device__ __forceinline__ void load_chunk(const ChunkStateArgs& a, long long chunk, float* stage, int tid) {
    const int c = a.c;
    float* ws = stage;
    float* ks = ws + kC * DK;
    float* us = ks + kC * DK;
    float* gs = us + kC * BV;
    const float4* wg = reinterpret_cast<const float4*>(a.w + chunk * c * DK);
    const float4* kg = reinterpret_cast<const float4*>(a.k + chunk * c * DK);
    float4* ws4 = reinterpret_cast<float4*>(ws);
    float4* ks4 = reinterpret_cast<float4*>(ks);
    constexpr int kQuads = BV / 4;
    const float* ug = a.u + chunk * c * a.dv + blockIdx.x * BV;
    for (int e = tid; e < c * DK / 4; e += kThreads) {
        if constexpr (ASYNC) {
            __pipeline_memcpy_async(&ws4[e], &wg[e], 16);
            __pipeline_memcpy_async(&ks4[e], &kg[e], 16);
        } else {
            ws4[e] = wg[e];
            ks4[e] = kg[e];
        }
    }
    for (int e = tid; e < c * kQuads; e += kThreads) {
        const int row = e / kQuads, quad = e % kQuads;
        const float* src = ug + (long long)row * a.dv + quad * 4;
        float* dst = us + row * BV + quad * 4;
        if constexpr (ASYNC) {
            __pipeline_memcpy_async(dst, src, 16);
        } else {
            *reinterpret_cast<float4*>(dst) = *reinterpret_cast<const float4*>(src);
        }
    }
    if (a.g != nullptr) {
        for (int e = tid; e < c; e += kThreads) {
            if constexpr (ASYNC) {
                __pipeline_memcpy_async(&gs[e], &a.g[chunk * c + e], 4);
            } else {
                gs[e] = a.g[chunk * c + e];
            }
        }
    }
}

template <int DK, int BV, bool PREFETCH>
__global__ void __launch_bounds__(kThreads) chunk_state_kernel(ChunkStateArgs a) {
    constexpr int kRowGroups = kThreads / BV;      // threads sharing one column
    constexpr int kRows = DK / kRowGroups;         // state rows per thread
    constexpr int kOuts = kC / kRowGroups;         // v_new entries per thread
    constexpr size_t kStage = stage_floats<DK, BV, PREFETCH>();
    static_assert(kRows >= 1 && DK % kRowGroups == 0, "state tile must split evenly over the threads");
    static_assert(kOuts >= 1, "chunk must have at least one row per row group");

    extern __shared__ __align__(16) float smem[];
    float* vs = smem + (PREFETCH ? 2 : 1) * kStage;  // [C][BV]  v_new, decayed to the chunk's end
    float* ss = vs + kC * BV;                        // [DK][BV] the state entering the chunk

    const int tid = threadIdx.x;
    const int j = tid % BV;                 // column within the tile
    const int rg = tid / BV;                // row group
    const int row0 = rg * kRows;            // first state row of this thread
    const int col = blockIdx.x * BV + j;    // column of the state
    const long long bh = blockIdx.y;
    const int c = a.c;
    const int dv = a.dv;
    const bool gated = a.g != nullptr;

    float s[kRows];
    if (a.s0 != nullptr) {
        const float* s0 = a.s0 + bh * DK * dv;
#pragma unroll
        for (int i = 0; i < kRows; ++i) s[i] = s0[(long long)(row0 + i) * dv + col];
    } else {
#pragma unroll
        for (int i = 0; i < kRows; ++i) s[i] = 0.f;
    }

    if constexpr (PREFETCH) {
        load_chunk<DK, BV, true>(a, bh * a.chunks, smem, tid);
        __pipeline_commit();
    }
    for (int n = 0; n < a.chunks; ++n) {
        const long long chunk = bh * a.chunks + n;
        float* stage = smem + (PREFETCH ? (n & 1) * kStage : 0);
        const float* ws = stage;
        const float* ks = ws + kC * DK;
        const float* us = ks + kC * DK;
        const float* gs = us + kC * BV;
        // 1. publish the state entering this chunk: to shared memory for v_new, to global memory for the read-out
        float* start = a.starts + chunk * DK * dv;
#pragma unroll
        for (int i = 0; i < kRows; ++i) {
            ss[(row0 + i) * BV + j] = s[i];
            start[(long long)(row0 + i) * dv + col] = s[i];
        }
        // 2. this chunk's tiles: with PREFETCH they were requested one chunk ago; request the next chunk's now (into
        //    the stage the previous chunk used, which every thread finished reading at its last barrier)
        if constexpr (PREFETCH) {
            if (n + 1 < a.chunks) load_chunk<DK, BV, true>(a, chunk + 1, smem + ((n + 1) & 1) * kStage, tid);
            __pipeline_commit();
            __pipeline_wait_prior(1);  // this thread's copies of chunk n are done; the barrier makes all visible
        } else {
            load_chunk<DK, BV, false>(a, chunk, stage, tid);
        }
        __syncthreads();

        // 3. v_new = U - W S for rows rg, rg + kRowGroups, ... of this column
        const float4* ws4 = reinterpret_cast<const float4*>(ws);
        float acc[kOuts];
#pragma unroll
        for (int m = 0; m < kOuts; ++m) {
            const int cc = rg + m * kRowGroups;
            acc[m] = cc < c ? us[cc * BV + j] : 0.f;
        }
        for (int i = 0; i < DK; i += 4) {
            const float s0v = ss[(i + 0) * BV + j];
            const float s1v = ss[(i + 1) * BV + j];
            const float s2v = ss[(i + 2) * BV + j];
            const float s3v = ss[(i + 3) * BV + j];
#pragma unroll
            for (int m = 0; m < kOuts; ++m) {
                const int cc = rg + m * kRowGroups;
                if (cc < c) {
                    const float4 wv = ws4[(cc * DK + i) / 4];
                    acc[m] -= wv.x * s0v + wv.y * s1v + wv.z * s2v + wv.w * s3v;
                }
            }
        }
        const float g_last = gated ? gs[c - 1] : 0.f;
        float* vnew = a.v_new + chunk * c * dv;
#pragma unroll
        for (int m = 0; m < kOuts; ++m) {
            const int cc = rg + m * kRowGroups;
            if (cc < c) {
                vnew[(long long)cc * dv + col] = acc[m];
                vs[cc * BV + j] = gated ? acc[m] * expf(g_last - gs[cc]) : acc[m];
            }
        }
        __syncthreads();

        // 4. S <- exp(g_last) S + K^T v_new (v_new already decayed to the chunk's end)
        if (gated) {
            const float decay = expf(g_last);
#pragma unroll
            for (int i = 0; i < kRows; ++i) s[i] *= decay;
        }
        for (int cc = 0; cc < c; ++cc) {
            const float v = vs[cc * BV + j];
            const float* krow = ks + cc * DK + row0;
            if constexpr (kRows % 4 == 0) {
#pragma unroll
                for (int i = 0; i < kRows; i += 4) {
                    const float4 kv = *reinterpret_cast<const float4*>(krow + i);
                    s[i] += kv.x * v;
                    s[i + 1] += kv.y * v;
                    s[i + 2] += kv.z * v;
                    s[i + 3] += kv.w * v;
                }
            } else {
#pragma unroll
                for (int i = 0; i < kRows; ++i) s[i] += krow[i] * v;
            }
        }
        __syncthreads();  // before the next chunk overwrites the state tile, v_new and (two chunks on) this stage
    }
    float* last = a.last + bh * DK * dv;
#pragma unroll
    for (int i = 0; i < kRows; ++i) last[(long long)(row0 + i) * dv + col] = s[i];
}

template <int DK, int BV, bool PREFETCH>
const char* launch(const ChunkStateArgs& a, cudaStream_t stream) {
    return launch_with_shared(chunk_state_kernel<DK, BV, PREFETCH>, dim3(a.dv / BV, a.bh), kThreads,
                              shared_bytes<DK, BV, PREFETCH>(), stream, a);
}

template <int DK>
const char* launch_dk(const ChunkStateArgs& a, cudaStream_t stream) {
    // Narrow tiles only when wide ones would leave SMs idle (few sequence-heads: one long sequence). Every block
    // loads each chunk's whole W and K, so narrow tiles double that traffic and the chunks walked per SM: at
    // 8 x 4096 (64 sequence-heads, dv 128) the narrow grid of 512 blocks ran in two waves, 3.55 ms a layer call on
    // an H100 (seventh session), where the wide one (256 blocks, two per SM) fits in one.
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    const bool wide = a.dv % 32 == 0 && (long long)a.bh * (a.dv / 32) >= sms;
    const long long blocks = (long long)a.bh * (a.dv / (wide ? 32 : 16));
    // Two stages (172 KB) leave room for one block per SM: worth it only when the grid fits on the SMs in one wave
    // anyway (one long sequence); a larger grid keeps two single-stage blocks per SM, each hiding the other's loads.
    // dk = 256 never has room for two stages.
    if constexpr (DK <= 128) {
        if (blocks <= sms) return wide ? launch<DK, 32, true>(a, stream) : launch<DK, 16, true>(a, stream);
    }
    return wide ? launch<DK, 32, false>(a, stream) : launch<DK, 16, false>(a, stream);
}

}  // namespace

const char* chunk_state_unsupported(int c, int dk, int dv) {
    if (c < 1 || c > kChunkStateMaxC) return "chunk length outside 1..64 sub-steps";
    if (dk != 32 && dk != 64 && dk != 128 && dk != 256) return "key head size not 32, 64, 128 or 256";
    if (dv < 16 || dv % 16 != 0) return "value head size not a multiple of 16";
    return nullptr;
}

const char* launch_chunk_state(const ChunkStateArgs& a, cudaStream_t stream) {
    const char* why = chunk_state_unsupported(a.c, a.dk, a.dv);
    if (why != nullptr) return why;
    if (a.bh == 0 || a.chunks == 0) return nullptr;
    if (a.tf32 && chunk_state_tc_takes(a.dk, a.dv)) {
        if (!aligned16(a.k) || !aligned16(a.w) || !aligned16(a.u) || !aligned16(a.starts) || !aligned16(a.v_new)) {
            return "k, w, u, starts and v_new must start on 16-byte boundaries (copied as 16-byte pieces)";
        }
        return launch_chunk_state_tc(a, stream);
    }
    return with_key_size(a.dk, [&](auto dk) { return launch_dk<decltype(dk)::value>(a, stream); });
}

}  // namespace deltaeval
