// Device helpers shared by the chunk kernels: no torch headers.
#pragma once

namespace deltaeval {

// The 64 x 64 products of two 64-row tiles in shared memory, rows[i] . cols[j] over DK, by 256 threads: thread
// (ti, tj) = (tid / 16, tid % 16) computes rows ti + 16 r and columns tj + 16 s, r, s in 0..3, into acc[r][s]. With
// an odd row stride LD the 16 rows a warp reads for the columns fall in 16 different banks.
template <int DK, int LD>
__device__ __forceinline__ void tile_products_64x64(const float* rows, const float* cols, int tid, float acc[4][4]) {
    const int ti = tid / 16;
    const int tj = tid % 16;
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int s = 0; s < 4; ++s) acc[r][s] = 0.f;
#pragma unroll 4
    for (int d = 0; d < DK; ++d) {
        float a[4], b[4];
#pragma unroll
        for (int r = 0; r < 4; ++r) a[r] = rows[(ti + 16 * r) * LD + d];
#pragma unroll
        for (int s = 0; s < 4; ++s) b[s] = cols[(tj + 16 * s) * LD + d];
#pragma unroll
        for (int r = 0; r < 4; ++r)
#pragma unroll
            for (int s = 0; s < 4; ++s) acc[r][s] += a[r] * b[s];
    }
}

}  // namespace deltaeval
