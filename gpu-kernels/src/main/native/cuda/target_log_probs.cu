// One block of 256 threads per row: each thread walks the row with a stride of 256 keeping a running maximum, the
// sum of exp(x - max) rescaled when the maximum moves (the online softmax), and its first argmax; the block then
// merges the 256 partial results. expf and logf (not the fast intrinsics): the result is compared with torch's
// log_softmax to ~1e-6.
#include "target_log_probs.h"

#include "elements.cuh"
#include <math.h>

namespace deltaeval {
namespace {

constexpr int kThreads = 256;

struct Partial {
    float max;
    float sum;
    int arg;
    bool nan;
};

// the larger maximum wins, equal maxima keep the lower index; a partial that saw no element (arg -1: a thread past
// the end of a short row) never wins over one that did, even when both maxima are -inf
__device__ __forceinline__ Partial merge(Partial a, Partial b) {
    Partial r;
    r.nan = a.nan || b.nan;
    if (b.max > a.max || (b.max == a.max && b.arg >= 0 && (a.arg < 0 || b.arg < a.arg))) {
        r.max = b.max;
        r.arg = b.arg;
    } else {
        r.max = a.max;
        r.arg = a.arg;
    }
    const float sa = a.max == -INFINITY ? 0.f : a.sum * expf(a.max - r.max);
    const float sb = b.max == -INFINITY ? 0.f : b.sum * expf(b.max - r.max);
    r.sum = sa + sb;
    return r;
}

template <typename T>
__global__ void __launch_bounds__(kThreads) target_log_probs_kernel(TargetLogProbsArgs a) {
    const long long row = blockIdx.x;
    const T* x = static_cast<const T*>(a.logits) + row * a.row;
    Partial p{-INFINITY, 0.f, -1, false};
    for (int v = threadIdx.x; v < a.vocab; v += kThreads) {
        const float value = load<T>(x, v);
        if (value != value) {
            p.nan = true;
        } else if (value > p.max) {
            p.sum = (p.max == -INFINITY ? 0.f : p.sum * expf(p.max - value)) + 1.f;
            p.max = value;
            p.arg = v;
        } else if (value > -INFINITY) {
            p.sum += expf(value - p.max);
        } else if (p.arg < 0) {
            p.arg = v;  // a row of -inf only: the first index, as torch's argmax
        }
    }
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) {
        Partial o;
        o.max = __shfl_xor_sync(0xffffffffu, p.max, off);
        o.sum = __shfl_xor_sync(0xffffffffu, p.sum, off);
        o.arg = __shfl_xor_sync(0xffffffffu, p.arg, off);
        o.nan = __shfl_xor_sync(0xffffffffu, (int)p.nan, off) != 0;
        p = merge(p, o);
    }
    __shared__ Partial warps[kThreads / 32];
    if ((threadIdx.x & 31) == 0) warps[threadIdx.x / 32] = p;
    __syncthreads();
    if (threadIdx.x != 0) return;
    for (int w = 1; w < kThreads / 32; ++w) p = merge(p, warps[w]);
    const long long target = a.targets[row];
    float lp = NAN;
    if (!p.nan && target >= 0 && target < a.vocab) lp = load<T>(x, target) - (p.max + logf(p.sum));
    a.log_prob[row] = lp;
    a.argmax[row] = p.arg < 0 ? 0 : p.arg;
}

}  // namespace

const char* launch_target_log_probs(const TargetLogProbsArgs& a, cudaStream_t stream) {
    if (a.vocab < 1) return "vocabulary must be non-empty";
    if (a.rows == 0) return nullptr;
    if (a.rows > 2147483647LL) return "too many rows";
    if (a.half) {
        target_log_probs_kernel<__half><<<(unsigned)a.rows, kThreads, 0, stream>>>(a);
    } else {
        target_log_probs_kernel<float><<<(unsigned)a.rows, kThreads, 0, stream>>>(a);
    }
    cudaError_t err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace deltaeval
