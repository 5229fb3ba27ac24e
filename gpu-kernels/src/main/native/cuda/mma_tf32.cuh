// Tensor-core pieces the TF32 kernels share (chunk_out_tc.cu, chunk_state_tc.cu, chunk_wy_tc.cu): no torch headers.
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

// x = hi + lo to ~2^-22 (the 3xTF32 split): hi as TF32, lo the remainder as TF32
__device__ __forceinline__ void split_tf32(float x, uint32_t& hi, uint32_t& lo) {
    hi = tf32(x);
    lo = tf32(x - __uint_as_float(hi));
}

// d += a b with fp32-like accuracy from three TF32 products (a_hi b_lo + a_lo b_hi + a_hi b_hi, small terms first):
// where a product cancels (the WY factors of nearly parallel keys), one TF32 product's 2^-11 is amplified
__device__ __forceinline__ void mma_3xtf32(float d[4], const uint32_t a_hi[4], const uint32_t a_lo[4],
                                           const uint32_t b_hi[2], const uint32_t b_lo[2]) {
    mma_tf32(d, a_hi, b_lo);
    mma_tf32(d, a_lo, b_hi);
    mma_tf32(d, a_hi, b_hi);
}

// the A fragment of rows m0.. and columns k0.. of a row-major fp32 tile in shared memory (row stride ld), as TF32
__device__ __forceinline__ void load_a_tf32(uint32_t a[4], const float* tile, int ld, int m0, int k0, int g, int q) {
    const float* p = tile + (m0 + g) * ld + k0 + q;
    a[0] = tf32(p[0]);
    a[1] = tf32(p[8 * ld]);
    a[2] = tf32(p[4]);
    a[3] = tf32(p[8 * ld + 4]);
}

// the same fragment split as split_tf32 does
__device__ __forceinline__ void load_a_3xtf32(uint32_t hi[4], uint32_t lo[4], const float* tile, int ld, int m0, int k0,
                                              int g, int q) {
    const float* p = tile + (m0 + g) * ld + k0 + q;
    split_tf32(p[0], hi[0], lo[0]);
    split_tf32(p[8 * ld], hi[1], lo[1]);
    split_tf32(p[4], hi[2], lo[2]);
    split_tf32(p[8 * ld + 4], hi[3], lo[3]);
}

// p[i] = rows[m0 .. m0 + 15] . cols[n0 + 8 i .. + 7] over DK (both row-major in shared memory, row stride ld), for
// the four tiles i of 16 x 8 that are live; the others stay zero. The warp's first tile must be live whenever any is
// (the causal masks of the chunk kernels only grow to the right).
template <int DK>
__device__ __forceinline__ void row_products_tf32(float p[4][4], const bool live[4], const float* rows,
                                                  const float* cols, int ld, int m0, int n0, int g, int q) {
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int r = 0; r < 4; ++r) p[i][r] = 0.f;
    if (!live[0]) return;
#pragma unroll 2
    for (int k0 = 0; k0 < DK; k0 += 8) {
        uint32_t af[4];
        load_a_tf32(af, rows, ld, m0, k0, g, q);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            if (!live[i]) continue;
            const float* kb = cols + (n0 + 8 * i + g) * ld + k0 + q;
            const uint32_t bf[2] = {tf32(kb[0]), tf32(kb[4])};
            mma_tf32(p[i], af, bf);
        }
    }
}

}  // namespace deltaeval
