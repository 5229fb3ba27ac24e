// The causal depthwise short convolution of the q/k/v channels with its SiLU (gpu-native.md, part of K4), over raw
// device pointers: no torch headers.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// y[b, t, c] = act(bias[c] + sum_{i < W} weight[c, i] in[b, t - (W - 1) + i, c]), where in[b, tau, c] is
// x[b, tau, c] for tau >= 0, history[b, W - 1 + tau, c] for tau < 0 (zeros when history is null): weight[c, W - 1]
// multiplies the current token, as fla's ShortConvolution. x, history and y in one dtype (fp16 or fp32); x [B, T, C]
// with rows x_row apart (a slice of a wider projection needs no copy), history and y contiguous; weight [C, W] and bias [C] fp32; fp32 accumulation.
struct ShortConvArgs {
    const void* x;
    const void* history;
    const float* weight;
    const float* bias;
    void* y;
    long long batch;
    long long tokens;
    long long x_row;  // elements from one token to the next in x (C when contiguous; more for a column slice)
    int channels;
    int width;
    bool silu;
    bool half;
};

constexpr int kShortConvMaxWidth = 8;

const char* short_conv_unsupported(int width);

const char* launch_short_conv(const ShortConvArgs& a, cudaStream_t stream);

}  // namespace deltaeval
