# chunk_state_tc.cu (tensor-core state pass, seventh session) ported warp by warp to numpy: the state tiles in each
# warp's accumulators, shared memory as arrays, each mma.sync.m16n8k8 through mma.py's fragment layouts. Checks the
# kernel's index logic (state tiles, the transposed K operand, zero rows past the chunk, the decays) against the
# formula in chunk_state.h in float64 (`python3 tools/emulate/chunk_state_tc.py`); --tf32 rounds the operands as
# the kernel does. A port: it says nothing about the CUDA itself (cp.async stages, barriers, alignment);
# gpu-kernels/src/test/native/check_kernels.py checks the kernel on the GPU. Keep it in step with the kernel or delete it.
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mma import TF32, mma, tf32  # noqa: E402

kC, kBV = 64, 64


def kernel(K, W, U, G, s0, c, DK, dv):
    bh, chunks = K.shape[0], K.shape[1]
    TPW = DK * kBV // 128 // 8
    starts = np.full((bh, chunks, DK, dv), np.nan)
    vnew = np.full((bh, chunks, c, dv), np.nan)
    last = np.full((bh, DK, dv), np.nan)
    for b in range(bh):
        for bx in range(dv // kBV):
            col0 = bx * kBV
            s = [[np.zeros((32, 4)) for _ in range(TPW)] for _ in range(8)]
            for w in range(8):
                for i in range(TPW):
                    t = w * TPW + i
                    for l in range(32):
                        g, q = l >> 2, l & 3
                        r0, cc = 16 * (t // 8) + g, col0 + 8 * (t % 8) + 2 * q
                        for r in range(4):
                            row, col = r0 + 8 * (r >> 1), cc + (r & 1)
                            s[w][i][l, r] = s0[b, row, col] if s0 is not None else 0.0
            for n in range(chunks):
                ws = np.zeros((kC, DK)); ks = np.zeros((kC, DK)); gs = np.zeros(kC)
                ws[:c], ks[:c] = W[b, n], K[b, n]
                if G is not None:
                    gs[:c] = G[b, n]
                ss = np.full((DK, kBV), np.nan)
                for w in range(8):
                    for i in range(TPW):
                        t = w * TPW + i
                        for l in range(32):
                            g, q = l >> 2, l & 3
                            r0, cl = 16 * (t // 8) + g, 8 * (t % 8) + 2 * q
                            ss[r0, cl:cl + 2] = s[w][i][l, 0:2]
                            ss[r0 + 8, cl:cl + 2] = s[w][i][l, 2:4]
                            starts[b, n, r0, col0 + cl:col0 + cl + 2] = s[w][i][l, 0:2]
                            starts[b, n, r0 + 8, col0 + cl:col0 + cl + 2] = s[w][i][l, 2:4]
                g_last = gs[c - 1] if G is not None else 0.0
                vs = np.full((kC, kBV), np.nan)
                for w in range(8):
                    m0, n0 = 16 * (w // 2), 32 * (w % 2)
                    if m0 < c:
                        v = [np.zeros((32, 4)) for _ in range(4)]
                        for k0 in range(0, DK, 8):
                            af = [[tf32(ws[m0 + (l >> 2) + dr, k0 + (l & 3) + dc]) for dr, dc in ((0, 0), (8, 0), (0, 4), (8, 4))] for l in range(32)]
                            for i in range(4):
                                bf = [[tf32(ss[k0 + (l & 3), n0 + 8 * i + (l >> 2)]), tf32(ss[k0 + (l & 3) + 4, n0 + 8 * i + (l >> 2)])] for l in range(32)]
                                mma(v[i], af, bf)
                        for i in range(4):
                            for l in range(32):
                                g, q = l >> 2, l & 3
                                for h in range(2):
                                    row, cl = m0 + g + 8 * h, n0 + 8 * i + 2 * q
                                    dec = np.zeros(2)
                                    if row < c:
                                        out = U[b, n, row, col0 + cl:col0 + cl + 2] - v[i][l, 2 * h:2 * h + 2]
                                        vnew[b, n, row, col0 + cl:col0 + cl + 2] = out
                                        f = np.exp(g_last - gs[row]) if G is not None else 1.0
                                        dec = out * f
                                    vs[row, cl:cl + 2] = dec
                    else:
                        for i in range(4):
                            for l in range(32):
                                g, q = l >> 2, l & 3
                                for h in range(2):
                                    vs[m0 + g + 8 * h, n0 + 8 * i + 2 * q:n0 + 8 * i + 2 * q + 2] = 0.0
                assert not np.isnan(vs).any()
                for w in range(8):
                    if G is not None:
                        for i in range(TPW):
                            s[w][i] *= np.exp(g_last)
                    for k0 in range(0, c, 8):
                        for i in range(TPW):
                            t = w * TPW + i
                            r0, cl = 16 * (t // 8), 8 * (t % 8)
                            af = [[tf32(ks[k0 + (l & 3) + dk_, r0 + (l >> 2) + dm]) for dm, dk_ in ((0, 0), (8, 0), (0, 4), (8, 4))] for l in range(32)]
                            bf = [[tf32(vs[k0 + (l & 3), cl + (l >> 2)]), tf32(vs[k0 + (l & 3) + 4, cl + (l >> 2)])] for l in range(32)]
                            mma(s[w][i], af, bf)
            for w in range(8):
                for i in range(TPW):
                    t = w * TPW + i
                    for l in range(32):
                        g, q = l >> 2, l & 3
                        r0, col = 16 * (t // 8) + g, col0 + 8 * (t % 8) + 2 * q
                        last[b, r0, col:col + 2] = s[w][i][l, 0:2]
                        last[b, r0 + 8, col:col + 2] = s[w][i][l, 2:4]
    return starts, vnew, last


def reference(K, W, U, G, s0, c):
    bh, chunks, _, DK = K.shape
    dv = U.shape[-1]
    starts, vnew = np.zeros((bh, chunks, DK, dv)), np.zeros((bh, chunks, c, dv))
    last = np.zeros((bh, DK, dv))
    for b in range(bh):
        S = s0[b].copy() if s0 is not None else np.zeros((DK, dv))
        for n in range(chunks):
            starts[b, n] = S
            vn = U[b, n] - W[b, n] @ S
            vnew[b, n] = vn
            gl = G[b, n, c - 1] if G is not None else 0.0
            dec = np.exp(gl - G[b, n])[:, None] if G is not None else 1.0
            S = np.exp(gl) * S + K[b, n].T @ (vn * dec)
        last[b] = S
    return starts, vnew, last


rng = np.random.default_rng(3)
bar = 5e-3 if TF32 else 1e-10
for bh, chunks, c, DK, dv, gated, with_s0 in [(1, 3, 64, 64, 64, True, True), (2, 2, 63, 64, 128, False, False),
                                              (1, 2, 32, 128, 64, True, False), (1, 3, 21, 64, 64, True, True)]:
    K = rng.standard_normal((bh, chunks, c, DK)); K /= np.linalg.norm(K, axis=-1, keepdims=True)
    W = rng.standard_normal((bh, chunks, c, DK)) * 0.1
    U = rng.standard_normal((bh, chunks, c, dv))
    G = np.cumsum(-rng.random((bh, chunks, c)) * 0.05, -1) if gated else None
    s0 = rng.standard_normal((bh, DK, dv)) if with_s0 else None
    got, ref = kernel(K, W, U, G, s0, c, DK, dv), reference(K, W, U, G, s0, c)
    errs = [np.linalg.norm(x - y) / np.linalg.norm(y) for x, y in zip(got, ref)]
    print(f"bh {bh} chunks {chunks} c {c} dk {DK} dv {dv}{' gated' if gated else ''}{' s0' if with_s0 else ''}: "
          f"starts {errs[0]:.1e} v_new {errs[1]:.1e} last {errs[2]:.1e}")
    if not max(errs) < bar or any(np.isnan(x).any() for x in got):
        sys.exit("FAIL")
