// One pass over [B, T, C]: each thread one output element, its W inputs read along the time axis (coalesced across
// the channels of a warp), the taps from the read-only cache. Replaces the DJL path's concat of the history, W
// shifted multiply-adds and the SiLU pass (82.8 ms a forward at 8 x 4096 on the H200 breakdown, docs/gpu-performance.md).
#include "short_conv.h"

#include <cuda_fp16.h>

namespace deltaeval {
namespace {

template <typename T>
__device__ __forceinline__ float load(const T* p, long long i);

template <>
__device__ __forceinline__ float load<float>(const float* p, long long i) {
    return __ldg(p + i);
}

template <>
__device__ __forceinline__ float load<__half>(const __half* p, long long i) {
    return __half2float(p[i]);
}

template <typename T>
__device__ __forceinline__ void store(T* p, long long i, float v);

template <>
__device__ __forceinline__ void store<float>(float* p, long long i, float v) {
    p[i] = v;
}

template <>
__device__ __forceinline__ void store<__half>(__half* p, long long i, float v) {
    p[i] = __float2half(v);
}

template <typename T>
__global__ void short_conv_kernel(ShortConvArgs a) {
    const T* x = static_cast<const T*>(a.x);
    const T* history = static_cast<const T*>(a.history);
    T* y = static_cast<T*>(a.y);
    const long long c_count = a.channels;
    const long long total = a.batch * a.tokens * c_count;
    const int w = a.width;
    for (long long e = blockIdx.x * (long long)blockDim.x + threadIdx.x; e < total;
         e += (long long)gridDim.x * blockDim.x) {
        const int c = (int)(e % c_count);
        const long long bt = e / c_count;
        const long long t = bt % a.tokens;
        const long long b = bt / a.tokens;
        float acc = a.bias != nullptr ? __ldg(a.bias + c) : 0.f;
        const float* taps = a.weight + (long long)c * w;
        for (int i = 0; i < w; ++i) {
            const long long tau = t - (w - 1) + i;
            float in = 0.f;
            if (tau >= 0) {
                in = load<T>(x, (b * a.tokens + tau) * a.x_row + c);
            } else if (history != nullptr) {
                in = load<T>(history, (b * (w - 1) + (w - 1) + tau) * c_count + c);
            }
            acc += __ldg(taps + i) * in;
        }
        if (a.silu) acc = acc / (1.f + __expf(-acc));
        store<T>(y, e, acc);
    }
}

}  // namespace

const char* short_conv_unsupported(int width) {
    if (width < 1 || width > kShortConvMaxWidth) return "convolution width outside 1..8";
    return nullptr;
}

const char* launch_short_conv(const ShortConvArgs& a, cudaStream_t stream) {
    const char* why = short_conv_unsupported(a.width);
    if (why != nullptr) return why;
    const long long total = a.batch * a.tokens * a.channels;
    if (total == 0) return nullptr;
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    const int threads = 256;
    long long blocks = (total + threads - 1) / threads;
    if (blocks > (long long)sms * 16) blocks = (long long)sms * 16;  // grid-stride beyond a few waves
    if (a.half) {
        short_conv_kernel<__half><<<(unsigned)blocks, threads, 0, stream>>>(a);
    } else {
        short_conv_kernel<float><<<(unsigned)blocks, threads, 0, stream>>>(a);
    }
    cudaError_t err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace deltaeval
