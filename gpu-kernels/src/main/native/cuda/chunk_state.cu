// The sequential state pass (gpu-native.md, K1). One block owns one (sequence-head, BV-column tile) of the state
// and walks the chunks in order with its dk x BV slice of the state in registers, so no dk x dk transition matrix
// is ever formed (the DJL path composes them in a log-depth scan: ~3x the FLOPs, all in fp32 matmuls).
// fp32 throughout (FFMA): the inputs come from the fp32 WY stage and the results must match it to fp32 rounding.
#include "chunk_state.h"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;

// Dynamic shared memory: W and K of one chunk, U (then v_new) of the block's columns, the state, the decays.
template <int DK, int BV>
constexpr size_t shared_bytes() {
    return sizeof(float) * (2 * kChunkStateMaxC * DK + kChunkStateMaxC * BV + DK * BV + kChunkStateMaxC);
}

template <int DK, int BV>
__global__ void __launch_bounds__(kThreads) chunk_state_kernel(ChunkStateArgs a) {
    constexpr int kRowGroups = kThreads / BV;      // threads sharing one column
    constexpr int kRows = DK / kRowGroups;         // state rows per thread
    constexpr int kOuts = kChunkStateMaxC / kRowGroups;  // v_new entries per thread
    static_assert(kRows >= 1 && DK % kRowGroups == 0, "state tile must split evenly over the threads");
    static_assert(kOuts >= 1, "chunk must have at least one row per row group");

    extern __shared__ float smem[];
    float* ws = smem;                                   // [C][DK]
    float* ks = ws + kChunkStateMaxC * DK;              // [C][DK]
    float* vs = ks + kChunkStateMaxC * DK;              // [C][BV]  U, then scaled v_new
    float* ss = vs + kChunkStateMaxC * BV;              // [DK][BV] the state entering the chunk
    float* gs = ss + DK * BV;                           // [C]

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

    for (int n = 0; n < a.chunks; ++n) {
        const long long chunk = bh * a.chunks + n;
        // 1. publish the state entering this chunk: to shared memory for v_new, to global memory for the read-out
        float* start = a.starts + chunk * DK * dv;
#pragma unroll
        for (int i = 0; i < kRows; ++i) {
            ss[(row0 + i) * BV + j] = s[i];
            start[(long long)(row0 + i) * dv + col] = s[i];
        }
        // 2. this chunk's W, K (whole rows, float4) and U (the block's columns)
        const float4* wg = reinterpret_cast<const float4*>(a.w + chunk * c * DK);
        const float4* kg = reinterpret_cast<const float4*>(a.k + chunk * c * DK);
        float4* ws4 = reinterpret_cast<float4*>(ws);
        float4* ks4 = reinterpret_cast<float4*>(ks);
        for (int e = tid; e < c * DK / 4; e += kThreads) {
            ws4[e] = wg[e];
            ks4[e] = kg[e];
        }
        const float* ug = a.u + chunk * c * dv + blockIdx.x * BV;
        for (int e = tid; e < c * BV; e += kThreads) {
            vs[e] = ug[(long long)(e / BV) * dv + e % BV];
        }
        if (gated) {
            for (int e = tid; e < c; e += kThreads) gs[e] = a.g[chunk * c + e];
        }
        __syncthreads();

        // 3. v_new = U - W S for rows rg, rg + kRowGroups, ... of this column
        float acc[kOuts];
#pragma unroll
        for (int m = 0; m < kOuts; ++m) {
            const int cc = rg + m * kRowGroups;
            acc[m] = cc < c ? vs[cc * BV + j] : 0.f;
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
        __syncthreads();  // every thread has read U and the state before v_new replaces U
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
        __syncthreads();  // before the next chunk overwrites the shared tiles
    }
    float* last = a.last + bh * DK * dv;
#pragma unroll
    for (int i = 0; i < kRows; ++i) last[(long long)(row0 + i) * dv + col] = s[i];
}

template <int DK, int BV>
const char* launch(const ChunkStateArgs& a, cudaStream_t stream) {
    constexpr size_t bytes = shared_bytes<DK, BV>();
    // Opting in to more than 48 KiB of shared memory is per kernel and per device; it is cheap to repeat.
    cudaError_t err = cudaFuncSetAttribute(chunk_state_kernel<DK, BV>,
                                           cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
    if (err != cudaSuccess) return cudaGetErrorString(err);
    dim3 grid(a.dv / BV, a.bh);
    chunk_state_kernel<DK, BV><<<grid, kThreads, bytes, stream>>>(a);
    err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

template <int DK>
const char* launch_dk(const ChunkStateArgs& a, cudaStream_t stream) {
    // Narrow tiles when wide ones would leave SMs idle (few sequence-heads: one long sequence).
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    bool wide = a.dv % 32 == 0 && (long long)a.bh * (a.dv / 32) >= 2LL * sms;
    return wide ? launch<DK, 32>(a, stream) : launch<DK, 16>(a, stream);
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
    switch (a.dk) {
        case 32: return launch_dk<32>(a, stream);
        case 64: return launch_dk<64>(a, stream);
        case 128: return launch_dk<128>(a, stream);
        default: return launch_dk<256>(a, stream);
    }
}

}  // namespace deltaeval
