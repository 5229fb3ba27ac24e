# chunk_out.cu (register-tiled version, seventh session) ported thread by thread to numpy in float64: its shared
# memory as one array, its barriers as the boundaries between the loops over tid. Checks the kernel's index logic
# (transposed tiles, the mask, the skipped tiles, the early exits, the P V_new loop's end) against the formula in
# chunk_out.h on odd shapes, without a GPU: `python3 tools/emulate/chunk_out.py` (~1 s). It is a port, so it says
# nothing about the CUDA itself (races, alignment, fp32 rounding): gpu-kernels/src/test/native/check_kernels.py
# checks the kernel on the GPU. Keep it in step with the kernel or delete it.
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formulas import read_out as reference  # noqa: E402

kC, kLd, kBV, T = 64, 68, 128, 256


def kernel(q, k, S, V, g, ct, n, DK, dv, TM):
    c = ct * n; chunks = q.shape[0]; o = np.full((chunks, ct, dv), np.nan)
    for chunk in range(chunks):
        for by in range((dv + kBV - 1) // kBV):
            smem = np.full((DK + max(DK, kC)) * kLd, np.nan); qt = 0; kt = DK * kLd; pt = kt
            gs = np.zeros(kC)
            qg, kg = q[chunk].reshape(-1), k[chunk].reshape(-1)
            for tid in range(T):
                for e in range(tid, kC * DK, T):
                    i, d = e // DK, e % DK
                    smem[qt + d * kLd + i] = qg[e] if i < ct else 0.0
                    smem[kt + d * kLd + i] = kg[e] if i < c else 0.0
                if tid < kC: gs[tid] = g[chunk, tid] if (g is not None and tid < c) else 0.0
            ps = {}
            for tid in range(T):
                ti, tj = tid // 16, tid % 16
                live = 4 * ti < ct and 4 * tj < c and 4 * tj <= (4 * ti + 4) * n - 1
                p = np.zeros((4, 4))
                if live:
                    for d in range(DK):
                        x = smem[qt + d * kLd + 4 * ti: qt + d * kLd + 4 * ti + 4]
                        y = smem[kt + d * kLd + 4 * tj: kt + d * kLd + 4 * tj + 4]
                        p += np.outer(x, y)
                ps[tid] = (live, p)
            for tid in range(T):
                ti, tj = tid // 16, tid % 16; live, p = ps[tid]
                for s in range(4):
                    j = 4 * tj + s
                    for r in range(4):
                        t = 4 * ti + r; v = 0.0
                        if live and t < ct and j < c and j <= t * n + n - 1:
                            v = p[r, s]
                            if g is not None: v *= np.exp(gs[t * n] - gs[j])
                        smem[pt + j * kLd + 4 * ti + r] = v
            assert not np.isnan(smem[pt: pt + kC * kLd].reshape(kC, kLd)[:, :64]).any()
            for tid in range(T):
                ty, tx = tid // 32, tid % 32; t0 = TM * ty; col = by * kBV + 4 * tx
                if t0 >= ct or col >= dv: continue
                acc = np.zeros((TM, 4))
                for d in range(DK):
                    s = S[chunk, d, col:col + 4]
                    x = smem[qt + d * kLd + t0: qt + d * kLd + t0 + TM]
                    acc += np.outer(x, s)
                if g is not None:
                    for m in range(TM): acc[m] *= np.exp(gs[(t0 + m) * n]) if t0 + m < ct else 0.0
                jend = min(c, (t0 + TM) * n)
                for j in range(jend):
                    acc += np.outer(smem[pt + j * kLd + t0: pt + j * kLd + t0 + TM], V[chunk, j, col:col + 4])
                for m in range(TM):
                    if t0 + m < ct: o[chunk, t0 + m, col:col + 4] = acc[m]
    return o


rng = np.random.default_rng(1)
for ct, n, DK, dv, gated in [(21, 3, 32, 48, True), (32, 2, 64, 16, False), (64, 1, 32, 144, True), (16, 4, 32, 32, True), (1, 2, 32, 16, True), (7, 9, 64, 32, False)]:
    c = ct * n; ch = 2
    q, k = rng.standard_normal((ch, ct, DK)), rng.standard_normal((ch, c, DK))
    S, V = rng.standard_normal((ch, DK, dv)), rng.standard_normal((ch, c, dv))
    g = np.repeat(np.cumsum(-rng.random((ch, ct)) * 0.3, 1), n, 1) if gated else None
    TM = 4 if ct <= 32 else 8
    out = kernel(q, k, S, V, g, ct, n, DK, dv, TM); ref = reference(q, k, S, V, g, ct, n)
    err = np.abs(out - ref).max()
    print(f"ct {ct} n {n} dk {DK} dv {dv}{' gated' if gated else ''}: max |kernel - formula| {err:.1e}")
    if not err < 1e-10 or np.isnan(out).any():
        sys.exit("FAIL")
