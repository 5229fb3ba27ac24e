// One pass over [B, T, C], coalesced across the channels of a warp: for W = 4 (fla's default) each thread walks 32
// tokens of one channel with its window in registers; other widths take one thread per element. Replaces the DJL path's concat of the history, W
// shifted multiply-adds and the SiLU pass (82.8 ms a forward at 8 x 4096 on the H200 breakdown, docs/gpu-performance.md).
#include "short_conv.h"

#include "elements.cuh"

namespace deltaeval {
namespace {

// Any width: one thread per output element, indices from a flat counter (64-bit divisions per element).
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
        y[e] = cast<T>(acc);
    }
}

// Width W known at compile time (fla's default is 4): a thread walks kTokens consecutive tokens of one channel with
// the last W - 1 inputs in registers, so each input is read once and no index is divided.
constexpr int kTokensPerThread = 32;

template <typename T, int W>
__global__ void short_conv_window_kernel(ShortConvArgs a) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= a.channels) return;
    const long long b = blockIdx.z;
    const long long t0 = (long long)blockIdx.y * kTokensPerThread;
    const T* x = static_cast<const T*>(a.x) + b * a.tokens * a.x_row + c;
    const T* history = a.history != nullptr ? static_cast<const T*>(a.history) + b * (W - 1) * a.channels + c : nullptr;
    T* y = static_cast<T*>(a.y) + b * a.tokens * a.channels + c;
    float taps[W];
#pragma unroll
    for (int i = 0; i < W; ++i) taps[i] = __ldg(a.weight + (long long)c * W + i);
    const float bias = a.bias != nullptr ? __ldg(a.bias + c) : 0.f;
    float window[W];  // window[i] = in[t - (W - 1) + i]; window[W - 1] is filled with the current token
#pragma unroll
    for (int i = 0; i < W - 1; ++i) {
        const long long tau = t0 - (W - 1) + i;
        window[i] = tau >= 0 ? load<T>(x, tau * a.x_row)
                             : history != nullptr ? load<T>(history, (W - 1 + tau) * a.channels) : 0.f;
    }
    const long long t_end = t0 + kTokensPerThread < a.tokens ? t0 + kTokensPerThread : a.tokens;
    for (long long t = t0; t < t_end; ++t) {
        window[W - 1] = load<T>(x, t * a.x_row);
        float acc = bias;
#pragma unroll
        for (int i = 0; i < W; ++i) acc += taps[i] * window[i];
        if (a.silu) acc = acc / (1.f + __expf(-acc));
        y[t * a.channels] = cast<T>(acc);
#pragma unroll
        for (int i = 0; i < W - 1; ++i) window[i] = window[i + 1];
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
    if (a.width == 4 && a.batch <= 65535 && (a.tokens + kTokensPerThread - 1) / kTokensPerThread <= 65535) {
        const int threads = 128;
        dim3 grid((a.channels + threads - 1) / threads, (unsigned)((a.tokens + kTokensPerThread - 1) / kTokensPerThread),
                  (unsigned)a.batch);
        if (a.half) {
            short_conv_window_kernel<__half, 4><<<grid, threads, 0, stream>>>(a);
        } else {
            short_conv_window_kernel<float, 4><<<grid, threads, 0, stream>>>(a);
        }
    } else {
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
    }
    cudaError_t err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace deltaeval
