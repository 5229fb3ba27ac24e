# The formulas the kernels' headers state, in float64: what the numpy ports of the kernels are checked against.
import numpy as np


def read_out(q, k, S, V, G, ct, n):
    """chunk_out.h: o_t = exp(G_t) q_t S + sum_{j <= t n + n - 1} (q_t . k_j) exp(G_t - G_j) v_new_j, per chunk."""
    o = np.zeros((q.shape[0], ct, V.shape[2]))
    for ch in range(q.shape[0]):
        for t in range(ct):
            g_t = G[ch, t * n] if G is not None else 0.0
            o[ch, t] = np.exp(g_t) * q[ch, t] @ S[ch]
            for j in range(t * n + n):
                w = np.exp(g_t - G[ch, j]) if G is not None else 1.0
                o[ch, t] += (q[ch, t] @ k[ch, j]) * w * V[ch, j]
    return o
