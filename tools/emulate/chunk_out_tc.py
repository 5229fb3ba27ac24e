# chunk_out_tc.cu (tensor-core read-out, seventh session) ported warp by warp to numpy: its shared memory as arrays,
# each mma.sync.m16n8k8 as the 16 x 8 x 8 product assembled from and scattered back to the 32 lanes' registers by
# the PTX fragment layouts (mma.py). Checks the kernel's index logic against the formula in
# chunk_out.h (float64: `python3 tools/emulate/chunk_out_tc.py`), and with --tf32 rounds every operand to TF32 as
# cvt.rna does, to show the error the TF32 operands leave. A port: it says nothing about the CUDA itself;
# gpu-kernels/src/test/native/check_kernels.py checks the kernel on the GPU. Keep it in step with the kernel or delete it.
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formulas import read_out as reference  # noqa: E402
from mma import TF32, mma, tf32  # noqa: E402

kC, kBV, kLdp = 64, 128, 68


def kernel(qa, ka, S, V, G, ct, n, DK, dv):
    c = ct * n
    MT = 1 if ct <= 16 else 2 if ct <= 32 else 4
    wpt, tiles = 8 // MT, 16 // (8 // MT)
    o = np.full((qa.shape[0], ct, dv), np.nan)
    for chunk in range(qa.shape[0]):
        for by in range((dv + kBV - 1) // kBV):
            qs = np.zeros((kC, DK)); ks = np.zeros((kC, DK))
            qs[:ct] = qa[chunk]; ks[:c] = ka[chunk]
            gs = np.zeros(kC)
            if G is not None:
                gs[:c] = G[chunk]
            ps = np.full((kC, kLdp), np.nan)
            lanes = range(32)
            for warp in range(8):  # step 2
                m0, n0 = 16 * (warp // 2), 32 * (warp % 2)
                p = [np.zeros((32, 4)) for _ in range(4)]
                live = [m0 < ct and n0 + 8 * i < c and n0 + 8 * i <= (m0 + 16) * n - 1 for i in range(4)]
                if live[0]:
                    for k0 in range(0, DK, 8):
                        af = [[tf32(qs[m0 + (l >> 2) + dr, k0 + (l & 3) + dc]) for dr, dc in ((0, 0), (8, 0), (0, 4), (8, 4))]
                              for l in lanes]
                        for i in range(4):
                            if live[i]:
                                bf = [[tf32(ks[n0 + 8 * i + (l >> 2), k0 + (l & 3)]), tf32(ks[n0 + 8 * i + (l >> 2), k0 + (l & 3) + 4])]
                                      for l in lanes]
                                mma(p[i], af, bf)
                warp_p = (m0, n0, live, p)
                for i in range(4):
                    for l in lanes:
                        g, q = l >> 2, l & 3
                        for r in range(4):
                            t, j = m0 + g + 8 * (r >> 1), n0 + 8 * i + 2 * q + (r & 1)
                            v = 0.0
                            if live[i] and t < ct and j < c and j <= t * n + n - 1:
                                v = p[i][l][r]
                                if G is not None:
                                    v *= np.exp(gs[t * n] - gs[j])
                            ps[t, j] = v
            assert not np.isnan(ps[:, :64]).any()
            for warp in range(8):  # step 3
                m0 = 16 * (warp // wpt)
                col0 = by * kBV + 8 * tiles * (warp % wpt)
                if m0 >= ct or col0 >= dv:
                    continue
                acc = [np.zeros((32, 4)) for _ in range(tiles)]
                for k0 in range(0, DK, 8):
                    af = [[tf32(qs[m0 + (l >> 2) + dr, k0 + (l & 3) + dc]) for dr, dc in ((0, 0), (8, 0), (0, 4), (8, 4))] for l in lanes]
                    for i in range(tiles):
                        if col0 + 8 * i >= dv:
                            continue
                        bf = [[tf32(S[chunk, k0 + (l & 3), col0 + (l >> 2) + 8 * i]), tf32(S[chunk, k0 + (l & 3) + 4, col0 + (l >> 2) + 8 * i])] for l in lanes]
                        mma(acc[i], af, bf)
                for l in lanes:
                    g = l >> 2
                    tl, th = m0 + g, m0 + g + 8
                    if G is not None:
                        el = np.exp(gs[tl * n]) if tl < ct else 0.0
                        eh = np.exp(gs[th * n]) if th < ct else 0.0
                        for i in range(tiles):
                            acc[i][l] *= [el, el, eh, eh]
                jend = min(c, (m0 + 16) * n)
                for k0 in range(0, jend, 8):
                    af = [[tf32(ps[m0 + (l >> 2) + dr, k0 + (l & 3) + dc]) for dr, dc in ((0, 0), (8, 0), (0, 4), (8, 4))] for l in lanes]
                    for i in range(tiles):
                        if col0 + 8 * i >= dv:
                            continue
                        bf = []
                        for l in lanes:
                            ja, jb, col = k0 + (l & 3), k0 + (l & 3) + 4, col0 + (l >> 2) + 8 * i
                            bf.append([tf32(V[chunk, ja, col] if ja < c else 0.0), tf32(V[chunk, jb, col] if jb < c else 0.0)])
                        mma(acc[i], af, bf)
                for i in range(tiles):
                    if col0 + 8 * i >= dv:
                        continue
                    for l in lanes:
                        g, q = l >> 2, l & 3
                        col = col0 + 8 * i + 2 * q
                        if m0 + g < ct:
                            o[chunk, m0 + g, col:col + 2] = acc[i][l][0:2]
                        if m0 + g + 8 < ct:
                            o[chunk, m0 + g + 8, col:col + 2] = acc[i][l][2:4]
    return o


rng = np.random.default_rng(2)
bar = 2e-3 if TF32 else 1e-10
for ct, n, DK, dv, gated in [(21, 3, 32, 48, True), (32, 2, 64, 16, False), (64, 1, 32, 144, True),
                             (16, 4, 32, 32, True), (1, 2, 32, 16, True), (7, 9, 64, 32, False), (40, 1, 32, 32, True)]:
    c = ct * n
    q = rng.standard_normal((2, ct, DK)); q /= np.linalg.norm(q, axis=-1, keepdims=True) * np.sqrt(DK)
    k = rng.standard_normal((2, c, DK)); k /= np.linalg.norm(k, axis=-1, keepdims=True)
    S, V = rng.standard_normal((2, DK, dv)), rng.standard_normal((2, c, dv))
    G = np.repeat(np.cumsum(-rng.random((2, ct)) * 0.3, 1), n, 1) if gated else None
    out, ref = kernel(q, k, S, V, G, ct, n, DK, dv), reference(q, k, S, V, G, ct, n)
    err = np.linalg.norm(out - ref) / np.linalg.norm(ref)
    print(f"ct {ct} n {n} dk {DK} dv {dv}{' gated' if gated else ''}: |kernel - formula| / |formula| {err:.1e}")
    if not err < bar or np.isnan(out).any():
        sys.exit("FAIL")
