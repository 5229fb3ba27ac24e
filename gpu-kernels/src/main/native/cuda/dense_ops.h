// The memory-bound stages around the recurrence (gpu-native.md K5) over raw device pointers, no torch headers:
// RMSNorm (with the residual add before it), SwiGLU, and the read-out's per-head norm with its gate. Each replaces
// 4 to 14 DJL operators (a full pass through memory each) by one pass; fp32 inside, one rounding to the output dtype.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// rows of `dim` elements, x and residual rows `x_row` / `res_row` apart (column slices read in place), outputs
// contiguous; x, residual, sum and y in one dtype (fp16 or fp32), weight [dim] fp32:
//   sum = residual ? round(x + residual) : x            (written when `sum` is not null)
//   y   = sum / sqrt(mean(sum^2) + eps) * weight         (sum as rounded, as fla's pre-norm block sees it)
struct RmsNormArgs {
    const void* x;
    const void* residual;
    const float* weight;
    void* sum;
    void* y;
    long long rows;
    long long x_row;
    long long res_row;
    int dim;
    float eps;
    bool half;
};

// y [rows, inter] = silu(gu[:, :inter]) * gu[:, inter:], gu rows gu_row apart; one dtype (fp16 or fp32).
struct SwiGluArgs {
    const void* gu;
    void* y;
    long long rows;
    long long gu_row;
    int inter;
    bool half;
};

// The read-out's norm: o fp32 [B, H, T, dv] with strides (o_b, o_h, o_t, 1); weight [dv] fp32; gate [B, T, H * dv]
// rows gate_row apart in the output dtype, or null. y [B, T, H * dv] in the output dtype (fp16 or fp32):
//   y[b, t, h * dv + e] = o[b, h, t, e] / sqrt(mean_e(o^2) + eps) * weight[e] * (gate ? silu(gate[b, t, h dv + e]) : 1)
struct HeadNormArgs {
    const float* o;
    const float* weight;
    const void* gate;
    void* y;
    long long batch;
    long long tokens;
    long long o_b;
    long long o_h;
    long long o_t;
    long long gate_row;
    int heads;
    int dv;
    float eps;
    bool half;
};

const char* launch_rms_norm(const RmsNormArgs& a, cudaStream_t stream);
const char* launch_swiglu(const SwiGluArgs& a, cudaStream_t stream);
const char* launch_head_norm(const HeadNormArgs& a, cudaStream_t stream);

}  // namespace deltaeval
