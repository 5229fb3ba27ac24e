// Element access shared by the kernels that take fp16 or fp32 (no torch headers): load as float, round once on store.
#pragma once
#include <cuda_fp16.h>

namespace deltaeval {

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
__device__ __forceinline__ T cast(float v);

template <>
__device__ __forceinline__ float cast<float>(float v) {
    return v;
}

template <>
__device__ __forceinline__ __half cast<__half>(float v) {
    return __float2half(v);
}

// v as the dtype T holds it
template <typename T>
__device__ __forceinline__ float rounded(float v) {
    return __half2float(__float2half(v));
}

template <>
__device__ __forceinline__ float rounded<float>(float v) {
    return v;
}

__device__ __forceinline__ float silu(float x) {
    return x / (1.f + __expf(-x));
}

}  // namespace deltaeval
