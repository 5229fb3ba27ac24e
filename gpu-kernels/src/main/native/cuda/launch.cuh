// Launch plumbing the kernels with large dynamic shared memory share: no torch headers.
#pragma once
#include <cuda_runtime.h>
#include <stdint.h>

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

// rows read as float4 or copied in 16-byte pieces need their base on a 16-byte boundary
inline bool aligned16(const void* p) {
    return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

}  // namespace deltaeval
