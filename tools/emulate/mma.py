# The warp-level pieces the tensor-core kernels' numpy ports share: TF32 rounding as cvt.rna does it, and
# mma.sync.m16n8k8 assembled from and scattered back to the 32 lanes' registers by the PTX fragment layouts
# (g = lane / 4, q = lane % 4: A a0 (g, q), a1 (g + 8, q), a2 (g, q + 4), a3 (g + 8, q + 4); B b0 (k q, n g),
# b1 (k q + 4, n g); C c0 (g, 2q), c1 (g, 2q + 1), c2 (g + 8, 2q), c3 (g + 8, 2q + 1)).
import sys

import numpy as np

TF32 = "--tf32" in sys.argv


def tf32(x):
    """x as a TF32 operand (with --tf32; exact float64 otherwise, to check index logic alone)."""
    if not TF32:
        return np.float64(x)
    b = np.array(x, dtype=np.float32).view(np.uint32)
    b = (b + np.uint32(0x1000)) & np.uint32(0xFFFFE000)   # round to nearest (ties away) on the 13 dropped bits
    return np.float64(b.view(np.float32))


def split(x):
    """x = hi + lo as the 3xTF32 split (split_tf32 in mma_tf32.cuh)."""
    hi = tf32(x)
    return hi, tf32(x - hi)


def mma3(d, a_hi, a_lo, b_hi, b_lo):
    """mma_3xtf32: d += a_hi b_lo + a_lo b_hi + a_hi b_hi."""
    mma(d, a_hi, b_lo)
    mma(d, a_lo, b_hi)
    mma(d, a_hi, b_hi)


def mma(d, a, b):
    """d[lane][4] += A B, A from a[lane][4], B from b[lane][2]."""
    A, B = np.zeros((16, 8)), np.zeros((8, 8))
    for lane in range(32):
        g, q = lane >> 2, lane & 3
        A[g, q], A[g + 8, q], A[g, q + 4], A[g + 8, q + 4] = a[lane]
        B[q, g], B[q + 4, g] = b[lane]
    D = A @ B
    for lane in range(32):
        g, q = lane >> 2, lane & 3
        d[lane] += [D[g, 2 * q], D[g, 2 * q + 1], D[g + 8, 2 * q], D[g + 8, 2 * q + 1]]
