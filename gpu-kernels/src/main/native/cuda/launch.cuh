// Launch plumbing the kernels with large dynamic shared memory share: no torch headers.
#pragma once
#include <cuda_runtime.h>
#include <stdint.h>

#include <type_traits>

namespace deltaeval {

// kernel<<<grid, threads, bytes, stream>>>(a) after opting in to `bytes` of dynamic shared memory (above 48 KiB the
// opt-in is per kernel and per device; it is cheap to repeat). nullptr or the CUDA error's text; never synchronises.
template <typename Args>
const char* launch_with_shared(void (*kernel)(Args), dim3 grid, int threads, size_t bytes, cudaStream_t stream,
                               const Args& a) {
    cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes);
    if (err != cudaSuccess) return cudaGetErrorString(err);
    kernel<<<grid, threads, bytes, stream>>>(a);
    err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

// f(std::integral_constant<int, DK>{}) for the key head size dk (32, 64, 128, otherwise 256: the callers checked
// it), so each kernel's launcher is written once as a generic lambda over DK
template <typename F>
const char* with_key_size(int dk, F&& f) {
    switch (dk) {
        case 32: return f(std::integral_constant<int, 32>{});
        case 64: return f(std::integral_constant<int, 64>{});
        case 128: return f(std::integral_constant<int, 128>{});
        default: return f(std::integral_constant<int, 256>{});
    }
}

// rows read as float4 or copied in 16-byte pieces need their base on a 16-byte boundary
inline bool aligned16(const void* p) {
    return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

}  // namespace deltaeval
