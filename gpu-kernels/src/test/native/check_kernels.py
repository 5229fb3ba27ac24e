"""GPU-host checks of libdeltaeval_native.so, no Java needed (gpu-native.md §5.6).

  python3 check_kernels.py LIB [--fla] [--time]

For chunk_state, on random inputs built the way the model builds them (unit keys, beta in [0, 2], W and U from the
UT transform in float64), with the caching allocator poisoned with NaN before every call:
  1. the final state against the token-by-token delta rule in float64 (independent of the chunked algebra);
  2. starts, v_new and the final state against the chunked recurrence in float64;
  3. with --fla, against fla 0.5.2's chunk_gated_delta_rule_fwd_h on the same inputs (fla's [B, T, H, K] layout);
  4. with --time, CUDA-event times of ours (fp32) against fla's fwd_h (fp32 and bf16) on the benchmark's shapes.
Exit status 1 if any check fails."""
import sys, statistics
import torch

torch.backends.cuda.matmul.allow_tf32 = False
LIB = sys.argv[1]
torch.ops.load_library(LIB)
op = torch.ops.deltaeval.chunk_state
dev = torch.device("cuda")
failures = []


def poison():
    # fill free blocks of the caching allocator with NaN, so an output entry the kernel forgets to write shows
    x = torch.empty(256 << 20, dtype=torch.float32, device=dev)
    x.fill_(float("nan"))
    del x


def inputs(b, h, n, c, dk, dv, gated, seed):
    """k, beta, v on the sub-step timeline and W, U (float64) of each chunk, plus the chunk-local log decay."""
    g = torch.Generator(device="cpu").manual_seed(seed)
    k = torch.randn(b, h, n, c, dk, generator=g, dtype=torch.float64)
    k = k / k.norm(dim=-1, keepdim=True)
    v = torch.randn(b, h, n, c, dv, generator=g, dtype=torch.float64)
    beta = 2 * torch.rand(b, h, n, c, generator=g, dtype=torch.float64)
    logd = -torch.rand(b, h, n, c, generator=g, dtype=torch.float64) * 0.2 if gated else None
    G = logd.cumsum(-1) if gated else None
    a = (k @ k.transpose(-1, -2)) * beta[..., None]
    if gated:
        a = a * torch.exp(G[..., :, None] - G[..., None, :]).tril(-1)
    a = a.tril(-1)
    eye = torch.eye(c, dtype=torch.float64)
    t = torch.linalg.solve_triangular(eye + a, eye.expand_as(a), upper=False, unitriangular=True)
    kb = k * beta[..., None]
    w = t @ (kb * torch.exp(G)[..., None] if gated else kb)
    u = t @ (v * beta[..., None])
    s0 = torch.randn(b, h, dk, dv, generator=g, dtype=torch.float64) * 0.1
    return dict(k=k, v=v, beta=beta, logd=logd, G=G, w=w, u=u, s0=s0)


def chunked_reference(x, with_s0):
    k, w, u, G = x["k"], x["w"], x["u"], x["G"]
    b, h, n, c, dk = k.shape
    s = x["s0"].clone() if with_s0 else torch.zeros(b, h, dk, u.shape[-1], dtype=torch.float64)
    starts, vnew = [], []
    for i in range(n):
        starts.append(s)
        vn = u[:, :, i] - w[:, :, i] @ s
        vnew.append(vn)
        if G is None:
            s = s + k[:, :, i].transpose(-1, -2) @ vn
        else:
            gl = G[:, :, i, -1]
            decay = torch.exp(gl[..., None] - G[:, :, i])
            s = torch.exp(gl)[..., None, None] * s + (k[:, :, i] * decay[..., None]).transpose(-1, -2) @ vn
    return torch.stack(starts, 2), torch.stack(vnew, 2), s


def sequential_final(x, with_s0):
    """The delta rule one sub-step at a time: S <- e^g S; S <- S + beta k (v - k^T S)^T."""
    k, v, beta, logd = x["k"], x["v"], x["beta"], x["logd"]
    b, h, n, c, dk = k.shape
    s = x["s0"].clone() if with_s0 else torch.zeros(b, h, dk, v.shape[-1], dtype=torch.float64)
    for i in range(n):
        for j in range(c):
            kk = k[:, :, i, j]
            if logd is not None:
                s = torch.exp(logd[:, :, i, j])[..., None, None] * s
            err = v[:, :, i, j] - (kk[..., None] * s).sum(-2)
            s = s + beta[:, :, i, j][..., None, None] * kk[..., :, None] * err[..., None, :]
    return s


def rel(a, b):
    return ((a.double().cpu() - b.double().cpu()).norm() / b.double().cpu().norm().clamp_min(1e-30)).item()


def check(name, err, bar):
    ok = err <= bar and err == err
    print(f"  {name:<44} {err:.2e}  (bar {bar:.0e}) {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


def run_ours(x, with_s0):
    f = lambda t: t.float().to(dev).contiguous() if t is not None else None
    poison()
    return op(f(x["k"]), f(x["w"]), f(x["u"]), f(x["G"]), f(x["s0"]) if with_s0 else None)


CASES = [  # b, h, n, c, dk, dv, gated, s0
    (1, 2, 4, 64, 128, 128, False, False),
    (2, 3, 5, 63, 128, 128, False, True),    # n_h = 3: chunks of 63 sub-steps
    (1, 2, 3, 64, 128, 128, True, True),     # gated
    (1, 4, 6, 64, 32, 32, False, False),     # the demo's heads
    (2, 2, 3, 48, 64, 128, True, False),
    (1, 1, 2, 1, 128, 64, False, True),      # one sub-step per chunk
    (3, 8, 2, 64, 256, 64, False, True),
    (16, 8, 2, 64, 128, 128, False, True),   # enough heads for the wide tiles
]
print("== chunk_state against float64 (token-by-token and chunked)")
for i, (b, h, n, c, dk, dv, gated, with_s0) in enumerate(CASES):
    x = inputs(b, h, n, c, dk, dv, gated, 1000 + i)
    starts, vnew, last = run_ours(x, with_s0)
    torch.cuda.synchronize()
    label = f"b{b} h{h} n{n} c{c} dk{dk} dv{dv}{' gated' if gated else ''}{' s0' if with_s0 else ''}"
    print(label)
    if b * h * n * c <= 4096:
        check("final state vs token-by-token", rel(last, sequential_final(x, with_s0)), 1e-5)
    rs, rv, rl = chunked_reference(x, with_s0)
    check("starts vs chunked float64", rel(starts, rs), 1e-5)
    check("v_new vs chunked float64", rel(vnew, rv), 1e-5)
    check("final vs chunked float64", rel(last, rl), 1e-5)
    check("no NaN left from the poison", float(torch.isnan(starts).sum() + torch.isnan(vnew).sum()), 0)

if "--fla" in sys.argv or "--time" in sys.argv:
    from fla.ops.common.chunk_delta_h import chunk_gated_delta_rule_fwd_h as fla_fwd_h

    def fla_layout(t):  # [B, H, N, C, d] -> [B, N*C, H, d]
        b, h, n, c = t.shape[:4]
        return t.permute(0, 2, 3, 1, *range(4, t.dim())).reshape(b, n * c, h, *t.shape[4:]).contiguous()

if "--fla" in sys.argv:
    # fla multiplies fp32 tiles in TF32 (tl.dot's default), so this is a cross-check of the layout and the
    # algebra at TF32's precision; the float64 checks above are the accuracy bar
    print("== chunk_state against fla 0.5.2 fwd_h (fp32 inputs, fla in TF32)")
    for i, (b, h, n, c, dk, dv, gated, with_s0) in enumerate([(2, 4, 6, 64, 128, 128, False, True),
                                                               (1, 4, 4, 64, 128, 128, True, False)]):
        x = inputs(b, h, n, c, dk, dv, gated, 2000 + i)
        starts, vnew, last = run_ours(x, with_s0)
        f = lambda t: fla_layout(t.float().to(dev))
        hh, vn, fin = fla_fwd_h(f(x["k"]), f(x["w"]), f(x["u"]), g=f(x["G"]) if gated else None,
                                initial_state=x["s0"].float().to(dev) if with_s0 else None, output_final_state=True,
                                chunk_size=c)
        print(f"b{b} h{h} n{n} c{c}{' gated' if gated else ''}")
        check("starts vs fla h", rel(starts, hh.permute(0, 2, 1, 3, 4)), 1e-2)
        check("v_new vs fla v_new", rel(vnew, vn.reshape(b, n, c, h, dv).permute(0, 3, 1, 2, 4)), 1e-2)
        check("final vs fla final state", rel(last, fin), 1e-2)

if "--time" in sys.argv:
    def timed(fn, reps=10):
        for _ in range(3):
            fn()
        ts = []
        for _ in range(reps):
            e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            e0.record(); fn(); e1.record(); torch.cuda.synchronize()
            ts.append(e0.elapsed_time(e1))
        return statistics.median(ts)

    print("== time per layer call, ms (median of 10): ours fp32 | fla fwd_h fp32 | fla fwd_h bf16")
    for b, h, subs in [(8, 8, 8192), (1, 8, 32768), (8, 8, 4096), (1, 8, 16384)]:
        n, c, dk, dv = subs // 64, 64, 128, 128
        k = torch.nn.functional.normalize(torch.randn(b, h, n, c, dk, device=dev), dim=-1)
        w = torch.randn(b, h, n, c, dk, device=dev) * 0.05
        u = torch.randn(b, h, n, c, dv, device=dev)
        t_ours = timed(lambda: op(k, w, u, None, None))
        kf, wf, uf = fla_layout(k), fla_layout(w), fla_layout(u)
        t_fla = timed(lambda: fla_fwd_h(kf, wf, uf, output_final_state=True))
        kb, wb, ub = kf.bfloat16(), wf.bfloat16(), uf.bfloat16()
        t_bf = timed(lambda: fla_fwd_h(kb, wb, ub, output_final_state=True))
        print(f"  {b} x {h} heads x {subs} sub-steps: {t_ours:7.3f} | {t_fla:7.3f} | {t_bf:7.3f}"
              f"   (ours/fla-bf16 {t_ours / t_bf:.2f}x the time)")

print("== errors come back as messages")
try:
    op(torch.zeros(1, 1, 1, 65, 128, device=dev), torch.zeros(1, 1, 1, 65, 128, device=dev),
       torch.zeros(1, 1, 1, 65, 128, device=dev), None, None)
    failures.append("a chunk of 65 was accepted")
    print("  chunk of 65 accepted: FAIL")
except RuntimeError as e:
    print("  chunk of 65:", str(e).splitlines()[0])

print("FAILED: " + ", ".join(failures) if failures else "all checks passed")
sys.exit(1 if failures else 0)
