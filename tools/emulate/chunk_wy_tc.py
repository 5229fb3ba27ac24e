# chunk_wy_tc.cu (tensor-core WY factors, eighth session) ported warp by warp to numpy: shared memory as arrays, each
# mma.sync.m16n8k8 through mma.py's fragment layouts, T's blocks thread by thread. Checks the kernel's index logic
# (A's live tiles and mask, T's diagonal blocks and sub-diagonals, the paired row tiles, column tiles split over
# K and V, the row scales, zero rows past the chunk) against W and U solved in float64 from chunk_wy.h's formulas
# (`python3 tools/emulate/chunk_wy_tc.py`); --tf32 rounds the operands as the kernel does. A port: it says nothing
# about the CUDA itself (barriers, alignment, registers); gpu-kernels/src/test/native/check_kernels.py checks the
# kernel on the GPU. Keep it in step with the kernel or delete it.
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mma import TF32, mma, mma3, split, tf32  # noqa: E402

kC, kB, kGroup = 64, 16, 4
FRAG_A = ((0, 0), (8, 0), (0, 4), (8, 4))   # a0..a3: (row, column) offsets from (g, q)


def a_frag(tile, m0, k0):
    return [[tf32(tile[m0 + (l >> 2) + dr, k0 + (l & 3) + dc]) for dr, dc in FRAG_A] for l in range(32)]


def a_frag3(tile, m0, k0):
    """(hi, lo) fragments as load_a_3xtf32 splits them"""
    parts = [[split(tile[m0 + (l >> 2) + dr, k0 + (l & 3) + dc]) for dr, dc in FRAG_A] for l in range(32)]
    return [[p[0] for p in lane] for lane in parts], [[p[1] for p in lane] for lane in parts]


def kernel(K, V, beta, G, c, DK, dv):
    chunks = K.shape[0]
    W, U = np.full((chunks, c, DK), np.nan), np.full((chunks, c, dv), np.nan)
    for ch in range(chunks):
        ks, vs = np.full((kC, DK), np.nan), np.full((kC, dv), np.nan)   # shared memory starts as garbage
        ks[:], vs[:] = 0.0, 0.0
        ks[:c], vs[:c] = K[ch], V[ch]
        bs, gs = np.zeros(kC), np.zeros(kC)
        bs[:c] = beta[ch]
        if G is not None:
            gs[:c] = G[ch]
        ws = bs * np.exp(gs) if G is not None else bs.copy()
        as_ = np.full((kC, kC), np.nan)
        ts = np.full((kC, kC), np.nan)
        # 1. A
        for w in range(8):
            m0, n0 = 16 * (w // 2), 32 * (w % 2)
            live = [m0 < c and n0 + 8 * i < c and n0 + 8 * i < m0 + 16 for i in range(4)]
            p = [np.zeros((32, 4)) for _ in range(4)]
            if live[0]:
                for k0 in range(0, DK, 8):
                    af = a_frag(ks, m0, k0)
                    for i in range(4):
                        if live[i]:
                            bf = [[tf32(ks[n0 + 8 * i + (l >> 2), k0 + (l & 3)]),
                                   tf32(ks[n0 + 8 * i + (l >> 2), k0 + (l & 3) + 4])] for l in range(32)]
                            mma(p[i], af, bf)
            for i in range(4):
                for l in range(32):
                    g, q = l >> 2, l & 3
                    for r in range(4):
                        row, col = m0 + g + 8 * (r >> 1), n0 + 8 * i + 2 * q + (r & 1)
                        v = 0.0
                        if col < row < c:
                            v = bs[row] * p[i][l, r]
                            if G is not None:
                                v *= np.exp(gs[row] - gs[col])
                        as_[row, col] = v
        for i in range(kC):
            for j in range(kC):
                if j // kB > i // kB:
                    ts[i, j] = 0.0
        assert not np.isnan(as_).any()
        # 2. diagonal blocks
        for tid in range(kC):
            base, s = kB * (tid // kB), tid % kB
            x = np.zeros(kB)
            for r in range(kB):
                v = 1.0 if r == s else 0.0
                for t in range(r):
                    v -= as_[base + r, base + t] * x[t]
                x[r] = v
                ts[base + r, base + s] = v
        # 3. sub-diagonals
        for level in range(1, kC // kB):
            blocks = kC // kB - level
            ms = np.zeros(blocks * kB * kB)
            for e in range(blocks * kB * kB):
                bi = level + e // (kB * kB); bj = bi - level
                r, s = (e // kB) % kB, e % kB
                ms[e] = sum(as_[kB * bi + r, k] * ts[k, kB * bj + s] for k in range(kB * bj, kB * bi))
            for e in range(blocks * kB * kB):
                bi = level + e // (kB * kB); bj = bi - level
                r, s = (e // kB) % kB, e % kB
                m0 = (e // (kB * kB)) * kB * kB
                ts[kB * bi + r, kB * bj + s] = -sum(ts[kB * bi + r, kB * bi + k] * ms[m0 + k * kB + s] for k in range(kB))
        assert not np.isnan(ts).any()
        # 4. [W | U] = T [diag(ws) K | diag(bs) V]
        tiles = (DK + dv) // 8
        for w in range(8):
            pair, quarter = w // 4, w % 4
            rt = (pair, 3 - pair)
            kend = [min(c, 16 * r + 16) if 16 * r < c else 0 for r in rt]
            for first in range(quarter, tiles, 4 * kGroup):
                acc = [[np.zeros((32, 4)) for _ in range(kGroup)] for _ in range(2)]
                for k0 in range(0, max(kend), 8):
                    bf = [None] * kGroup
                    for i in range(kGroup):
                        col = 8 * (first + 4 * i)
                        if col >= DK + dv:
                            continue
                        src, sc = (ks[:, col:], ws) if col < DK else (vs[:, col - DK:], bs)
                        parts = [[split(src[k0 + (l & 3), l >> 2] * sc[k0 + (l & 3)]),
                                  split(src[k0 + (l & 3) + 4, l >> 2] * sc[k0 + (l & 3) + 4])] for l in range(32)]
                        bf[i] = ([[p[0][0], p[1][0]] for p in parts], [[p[0][1], p[1][1]] for p in parts])
                    for h in range(2):
                        if k0 >= kend[h]:
                            continue
                        a_hi, a_lo = a_frag3(ts, 16 * rt[h], k0)
                        for i in range(kGroup):
                            if bf[i] is not None:
                                mma3(acc[h][i], a_hi, a_lo, bf[i][0], bf[i][1])
                for h in range(2):
                    for i in range(kGroup):
                        for l in range(32):
                            g, q = l >> 2, l & 3
                            col = 8 * (first + 4 * i) + 2 * q
                            if col >= DK + dv:
                                continue
                            out, cc = (W, col) if col < DK else (U, col - DK)
                            lo, hi = 16 * rt[h] + g, 16 * rt[h] + g + 8
                            if lo < c:
                                out[ch, lo, cc:cc + 2] = acc[h][i][l, 0:2]
                            if hi < c:
                                out[ch, hi, cc:cc + 2] = acc[h][i][l, 2:4]
    return W, U


def reference(K, V, beta, G, c):
    """W = (I + A)^-1 diag(beta exp(G)) K, U = (I + A)^-1 diag(beta) V, A strictly lower beta_i k_i . k_j exp(G_i - G_j)."""
    W, U = np.zeros_like(K), np.zeros_like(V)
    for ch in range(K.shape[0]):
        k, b = K[ch], beta[ch]
        dec = np.exp(G[ch][:, None] - G[ch][None, :]) if G is not None else np.ones((c, c))
        A = np.tril(b[:, None] * (k @ k.T) * np.where(np.tril(np.ones((c, c)), -1) > 0, dec, 0.0), -1)
        M = np.eye(c) + A
        scale = b * np.exp(G[ch]) if G is not None else b
        W[ch] = np.linalg.solve(M, scale[:, None] * k)
        U[ch] = np.linalg.solve(M, b[:, None] * V[ch])
    return W, U


rng = np.random.default_rng(5)
bar = 2e-3 if TF32 else 1e-10
for chunks, c, DK, dv, gated, parallel in [(2, 64, 64, 64, True, False), (1, 63, 32, 48, False, False),
                                          (1, 21, 128, 16, True, False), (2, 64, 32, 32, False, True),
                                          (1, 1, 32, 16, True, False), (1, 40, 64, 80, True, False)]:
    K = rng.standard_normal((chunks, c, DK))
    if parallel:   # nearly parallel keys, beta near 2: the hard case of check_kernels.py
        K = K[:, :1] + 0.05 * K
    K /= np.linalg.norm(K, axis=-1, keepdims=True)
    V = rng.standard_normal((chunks, c, dv))
    beta = 2 - 0.05 * rng.random((chunks, c)) if parallel else 2 * rng.random((chunks, c))
    G = np.cumsum(-rng.random((chunks, c)) * 0.05, -1) if gated else None
    got, ref = kernel(K, V, beta, G, c, DK, dv), reference(K, V, beta, G, c)
    errs = [np.linalg.norm(x - y) / np.linalg.norm(y) for x, y in zip(got, ref)]
    print(f"chunks {chunks} c {c} dk {DK} dv {dv}{' gated' if gated else ''}{' nearly parallel, beta ~ 2' if parallel else ''}: "
          f"W {errs[0]:.1e} U {errs[1]:.1e}")
    if not max(errs) < bar or any(np.isnan(x).any() for x in got):
        sys.exit("FAIL")
