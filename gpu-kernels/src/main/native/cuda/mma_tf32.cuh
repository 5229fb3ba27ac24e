// Tensor-core pieces the TF32 kernels share (chunk_out_tc.cu, chunk_state_tc.cu): no torch headers.
// Fragment layouts of mma.m16n8k8 .tf32 (PTX ISA), g = lane / 4, q = lane % 4: A a0 (g, q), a1 (g + 8, q),
// a2 (g, q + 4), a3 (g + 8, q + 4); B b0 (k q, n g), b1 (k q + 4, n g); C c0 (g, 2q), c1 (g, 2q + 1), c2 (g + 8, 2q),
// c3 (g + 8, 2q + 1). tools/emulate/mma.py is the same in numpy.
#pragma once
#include <stdint.h>

namespace deltaeval {

// x as a TF32 operand, rounded to nearest (cvt.rna)
__device__ __forceinline__ uint32_t tf32(float x) {
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
}

// d += a b for one 16 x 8 x 8 tile, fp32 accumulation
__device__ __forceinline__ void mma_tf32(float d[4], const uint32_t a[4], const uint32_t b[2]) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

}  // namespace deltaeval
