// One block per (sequence-head, 32 value columns), 128 threads: thread (r, c) keeps rows r * DK/4 .. (r + 1) * DK/4
// of state column c in registers for the whole sequence. Each sub-step reads its key into shared memory, reduces
// S^T k over the four row groups through shared memory, and updates its rows; the read-out reduces S^T q alike.
#include "recurrent.h"

namespace deltaeval {
namespace {

constexpr int kCols = 32;
constexpr int kGroups = 4;

// (S^T x)[c] for the thread's column c: x (DK floats from global memory) staged in `vec`, each thread's rows summed,
// the four row groups merged through `part`. Leaves x in `vec` for the caller; the caller syncs before reusing either.
template <int DK>
__device__ __forceinline__ float column_dot(const float* x, float* vec, float (*part)[kCols], const float* s, int r,
                                            int c) {
    constexpr int kRows = DK / kGroups;
    for (int e = threadIdx.x; e < DK; e += kCols * kGroups) vec[e] = x[e];
    __syncthreads();
    float dot = 0.f;
#pragma unroll
    for (int i = 0; i < kRows; ++i) dot += s[i] * vec[r * kRows + i];
    part[r][c] = dot;
    __syncthreads();
    float total = 0.f;
#pragma unroll
    for (int q = 0; q < kGroups; ++q) total += part[q][c];
    return total;
}

template <int DK>
__global__ void __launch_bounds__(kCols * kGroups) recurrent_kernel(RecurrentArgs a) {
    constexpr int kRows = DK / kGroups;
    const long long bh = blockIdx.x;
    const int c = threadIdx.x % kCols;
    const int r = threadIdx.x / kCols;
    const int col = blockIdx.y * kCols + c;
    const bool live = col < a.dv;
    __shared__ float vec[DK];
    __shared__ float part[kGroups][kCols];
    float s[kRows];
#pragma unroll
    for (int i = 0; i < kRows; ++i) {
        s[i] = (a.s0 != nullptr && live) ? a.s0[(bh * DK + r * kRows + i) * a.dv + col] : 0.f;
    }
    const long long steps = a.tokens * a.n;
    for (long long t = 0; t < a.tokens; ++t) {
        if (a.g != nullptr) {
            const float decay = expf(a.g[bh * a.tokens + t]);
#pragma unroll
            for (int i = 0; i < kRows; ++i) s[i] *= decay;
        }
        for (int j = 0; j < a.n; ++j) {
            const long long step = t * a.n + j;
            const float total = column_dot<DK>(a.k + (bh * steps + step) * DK, vec, part, s, r, c);
            const float v = live ? a.v[(bh * steps + step) * a.dv + col] : 0.f;
            const float u = a.beta[bh * steps + step] * (v - total);
#pragma unroll
            for (int i = 0; i < kRows; ++i) s[i] += vec[r * kRows + i] * u;
            __syncthreads();  // vec and part are rewritten next
        }
        const float read = column_dot<DK>(a.q + (bh * a.tokens + t) * DK, vec, part, s, r, c);
        if (r == 0 && live) a.o[(bh * a.tokens + t) * a.dv + col] = read;
        __syncthreads();
    }
    if (live) {
#pragma unroll
        for (int i = 0; i < kRows; ++i) a.last[(bh * DK + r * kRows + i) * a.dv + col] = s[i];
    }
}

}  // namespace

const char* recurrent_unsupported(int dk, int dv) {
    if (dk != 32 && dk != 64 && dk != 128 && dk != 256) return "key head size must be 32, 64, 128 or 256";
    if (dv < 1) return "value head size must be positive";
    return nullptr;
}

const char* launch_recurrent(const RecurrentArgs& a, cudaStream_t stream) {
    const char* why = recurrent_unsupported(a.dk, a.dv);
    if (why != nullptr) return why;
    if (a.bh == 0) return nullptr;
    if (a.bh > 2147483647LL) return "too many sequence-heads";
    dim3 grid((unsigned)a.bh, (unsigned)((a.dv + kCols - 1) / kCols));
    const int threads = kCols * kGroups;
    switch (a.dk) {
        case 32: recurrent_kernel<32><<<grid, threads, 0, stream>>>(a); break;
        case 64: recurrent_kernel<64><<<grid, threads, 0, stream>>>(a); break;
        case 128: recurrent_kernel<128><<<grid, threads, 0, stream>>>(a); break;
        default: recurrent_kernel<256><<<grid, threads, 0, stream>>>(a); break;
    }
    cudaError_t err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace deltaeval
