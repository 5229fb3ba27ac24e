// One warp per row for the norms (a row is re-read from L1/L2 for the second pass instead of held in registers, so any
// width works); a grid-stride loop for SwiGLU. fp32 arithmetic; the output rounded once.
#include "dense_ops.h"

#include "elements.cuh"

namespace deltaeval {
namespace {

constexpr int kWarps = 8;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
}

template <typename T>
__global__ void rms_norm_kernel(RmsNormArgs a) {
    const long long row = (long long)blockIdx.x * kWarps + threadIdx.x / 32;
    if (row >= a.rows) return;
    const int lane = threadIdx.x & 31;
    const T* x = static_cast<const T*>(a.x) + row * a.x_row;
    const T* res = a.residual != nullptr ? static_cast<const T*>(a.residual) + row * a.res_row : nullptr;
    T* sum = a.sum != nullptr ? static_cast<T*>(a.sum) + row * a.dim : nullptr;
    T* y = static_cast<T*>(a.y) + row * a.dim;
    float squares = 0.f;
    for (int e = lane; e < a.dim; e += 32) {
        float v = load<T>(x, e);
        if (res != nullptr) {
            v = rounded<T>(v + load<T>(res, e));
            if (sum != nullptr) sum[e] = cast<T>(v);
        }
        squares += v * v;
    }
    const float inv = 1.f / sqrtf(warp_sum(squares) / a.dim + a.eps);
    for (int e = lane; e < a.dim; e += 32) {
        float v = load<T>(x, e);
        if (res != nullptr) v = rounded<T>(v + load<T>(res, e));
        y[e] = cast<T>(v * inv * a.weight[e]);
    }
}

template <typename T>
__global__ void swiglu_kernel(SwiGluArgs a) {
    const long long total = a.rows * a.inter;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        const long long row = i / a.inter;
        const int col = (int)(i - row * a.inter);
        const T* gu = static_cast<const T*>(a.gu) + row * a.gu_row;
        static_cast<T*>(a.y)[i] = cast<T>(silu(load<T>(gu, col)) * load<T>(gu, a.inter + col));
    }
}

template <typename T>
__global__ void head_norm_kernel(HeadNormArgs a) {
    const long long row = (long long)blockIdx.x * kWarps + threadIdx.x / 32;  // (b, t, h) in output order
    if (row >= a.batch * a.tokens * a.heads) return;
    const int lane = threadIdx.x & 31;
    const int h = (int)(row % a.heads);
    const long long bt = row / a.heads;
    const long long t = bt % a.tokens;
    const long long b = bt / a.tokens;
    const float* o = a.o + b * a.o_b + h * a.o_h + t * a.o_t;
    const T* gate = a.gate != nullptr ? static_cast<const T*>(a.gate) + bt * a.gate_row + (long long)h * a.dv : nullptr;
    T* y = static_cast<T*>(a.y) + row * a.dv;
    float squares = 0.f;
    for (int e = lane; e < a.dv; e += 32) {
        const float v = o[e];
        squares += v * v;
    }
    const float inv = 1.f / sqrtf(warp_sum(squares) / a.dv + a.eps);
    for (int e = lane; e < a.dv; e += 32) {
        float v = o[e] * inv * a.weight[e];
        if (gate != nullptr) v *= silu(load<T>(gate, e));
        y[e] = cast<T>(v);
    }
}

unsigned warp_blocks(long long rows) {
    return (unsigned)((rows + kWarps - 1) / kWarps);
}

const char* launched() {
    cudaError_t err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace

const char* launch_rms_norm(const RmsNormArgs& a, cudaStream_t stream) {
    if (a.dim < 1) return "row width must be positive";
    if (a.rows == 0) return nullptr;
    if ((a.rows + kWarps - 1) / kWarps > 2147483647LL) return "too many rows";
    if (a.half) {
        rms_norm_kernel<__half><<<warp_blocks(a.rows), kWarps * 32, 0, stream>>>(a);
    } else {
        rms_norm_kernel<float><<<warp_blocks(a.rows), kWarps * 32, 0, stream>>>(a);
    }
    return launched();
}

const char* launch_swiglu(const SwiGluArgs& a, cudaStream_t stream) {
    if (a.inter < 1) return "intermediate width must be positive";
    const long long total = a.rows * a.inter;
    if (total == 0) return nullptr;
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    long long blocks = (total + 255) / 256;
    if (blocks > (long long)sms * 16) blocks = (long long)sms * 16;
    if (a.half) {
        swiglu_kernel<__half><<<(unsigned)blocks, 256, 0, stream>>>(a);
    } else {
        swiglu_kernel<float><<<(unsigned)blocks, 256, 0, stream>>>(a);
    }
    return launched();
}

const char* launch_head_norm(const HeadNormArgs& a, cudaStream_t stream) {
    if (a.dv < 1 || a.heads < 1) return "head size and heads must be positive";
    const long long rows = a.batch * a.tokens * a.heads;
    if (rows == 0) return nullptr;
    if ((rows + kWarps - 1) / kWarps > 2147483647LL) return "too many rows";
    if (a.half) {
        head_norm_kernel<__half><<<warp_blocks(rows), kWarps * 32, 0, stream>>>(a);
    } else {
        head_norm_kernel<float><<<warp_blocks(rows), kWarps * 32, 0, stream>>>(a);
    }
    return launched();
}

}  // namespace deltaeval
