"""GPU-host checks of libdeltaeval_native.so, no Java needed (gpu-native.md §5.6).

  python3 check_kernels.py LIB [--fla] [--time | --time-ours]

On random inputs built the way the model builds them (unit keys, beta in [0, 2], a decay per token applied before
its first sub-step), with the caching allocator poisoned with NaN before every call:
  1. chunk_state: the final state against the token-by-token delta rule in float64 (independent of the chunked
     algebra); starts, v_new and the final state against the chunked recurrence in float64;
  2. chunk_wy: W and U against the UT transform solved in float64 (torch.linalg.solve_triangular), also on nearly
     parallel keys with beta near 2 (the case that broke the DJL path's doubling product in fp32);
  3. chunk_out: the read-out against float64 on the same starts and v_new;
  4. the three chained (the Java kernel's path) against the token-by-token delta rule's read-outs in float64;
     then short_conv, chunk_inputs (projections -> chunk layout), the K5 kernels (rms_norm with the residual add,
     swiglu, head_norm), target_log_probs and recurrent (stepwise), each against float64 written here;
  5. with --fla, chunk_state against fla 0.5.2's chunk_gated_delta_rule_fwd_h on the same inputs (fla's [B, T, H, K]
     layout, its decay in base 2);
  6. with --time, CUDA-event times of ours (fp32) against fla's matching kernels (fp32 and bf16) per layer call;
     --time-ours: our times alone (no fla needed), the three recurrence kernels' included;
  7. an argument error comes back as a message (in a child process, so that a crash is reported, not fatal).
Exit status 1 if any check fails."""
import math, subprocess, sys, statistics
import torch

torch.backends.cuda.matmul.allow_tf32 = False
LIB = sys.argv[1]
torch.ops.load_library(LIB)
op = torch.ops.deltaeval.chunk_state
op_wy = torch.ops.deltaeval.chunk_wy
op_out = torch.ops.deltaeval.chunk_out
dev = torch.device("cuda")
failures = []


def timed(fn, reps=10):
    """Median CUDA-event time of fn in ms, after 3 warm-up calls."""
    for _ in range(3):
        fn()
    ts = []
    for _ in range(reps):
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        e0.record(); fn(); e1.record(); torch.cuda.synchronize()
        ts.append(e0.elapsed_time(e1))
    return statistics.median(ts)


# --time-ours: the timings that need no fla (the per-layer times of the kernels without an fla counterpart here)
TIME_OURS = "--time" in sys.argv or "--time-ours" in sys.argv


def poison():
    # fill free blocks of the caching allocator with NaN, so an output entry the kernel forgets to write shows
    x = torch.empty(256 << 20, dtype=torch.float32, device=dev)
    x.fill_(float("nan"))
    del x


def inputs(b, h, n, c, dk, dv, gated, seed, nh=1, parallel=False):
    """k, beta, v on the sub-step timeline and W, U (float64) of each chunk, plus the chunk-local log decay (one
    decay per token of nh sub-steps, at its first sub-step). parallel: keys close to one direction, beta near 2."""
    g = torch.Generator(device="cpu").manual_seed(seed)
    k = torch.randn(b, h, n, c, dk, generator=g, dtype=torch.float64)
    if parallel:
        k = k * 0.15 + torch.randn(dk, generator=g, dtype=torch.float64)
    k = k / k.norm(dim=-1, keepdim=True)
    v = torch.randn(b, h, n, c, dv, generator=g, dtype=torch.float64)
    beta = 2 * torch.rand(b, h, n, c, generator=g, dtype=torch.float64)
    if parallel:
        beta = 1.9 + 0.1 * beta / 2
    logd = -torch.rand(b, h, n, c, generator=g, dtype=torch.float64) * 0.2 if gated else None
    if gated:
        logd[..., torch.arange(c) % nh != 0] = 0
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


def sequential(x, with_s0, q=None, nh=1):
    """The delta rule one sub-step at a time in float64: S <- e^g S; S <- S + beta k (v - k^T S)^T. With q
    [b, h, n, c / nh, dk], also each token's read-out S^T q after its last sub-step: (o [b, h, n, c / nh, dv], S)."""
    k, v, beta, logd = x["k"], x["v"], x["beta"], x["logd"]
    b, h, n, c, dk = k.shape
    s = x["s0"].clone() if with_s0 else torch.zeros(b, h, dk, v.shape[-1], dtype=torch.float64)
    out = torch.zeros(b, h, n, c // nh, v.shape[-1], dtype=torch.float64) if q is not None else None
    for i in range(n):
        for j in range(c):
            kk = k[:, :, i, j]
            if logd is not None:
                s = torch.exp(logd[:, :, i, j])[..., None, None] * s
            err = v[:, :, i, j] - (kk[..., None] * s).sum(-2)
            s = s + beta[:, :, i, j][..., None, None] * kk[..., :, None] * err[..., None, :]
            if q is not None and j % nh == nh - 1:
                out[:, :, i, j // nh] = (q[:, :, i, j // nh][..., :, None] * s).sum(-2)
    return (out, s) if q is not None else s


def rel(a, b):
    return ((a.double().cpu() - b.double().cpu()).norm() / b.double().cpu().norm().clamp_min(1e-30)).item()


def check(name, err, bar):
    ok = err <= bar and err == err
    print(f"  {name:<44} {err:.2e}  (bar {bar:.0e}) {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


def run_ours(x, with_s0, tf32=False):
    f = lambda t: t.float().to(dev).contiguous() if t is not None else None
    poison()
    return op(f(x["k"]), f(x["w"]), f(x["u"]), f(x["G"]), f(x["s0"]) if with_s0 else None, tf32)


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
        check("final state vs token-by-token", rel(last, sequential(x, with_s0)), 1e-5)
    rs, rv, rl = chunked_reference(x, with_s0)
    check("starts vs chunked float64", rel(starts, rs), 1e-5)
    check("v_new vs chunked float64", rel(vnew, rv), 1e-5)
    check("final vs chunked float64", rel(last, rl), 1e-5)
    check("no NaN left from the poison", float(torch.isnan(starts).sum() + torch.isnan(vnew).sum()), 0)
    if dk in (64, 128) and dv % 64 == 0:
        # the tensor-core form (TF32 operands: unit roundoff 2^-11 = 4.9e-4; its numpy port with operands rounded
        # as the kernel rounds them, tools/emulate/chunk_state_tc.py --tf32, lands at 1e-4..4e-4 over three chunks)
        ts, tv, tl = run_ours(x, with_s0, True)
        torch.cuda.synchronize()
        check("tensor cores (TF32): starts vs float64", rel(ts, rs), 2e-3)
        check("tensor cores (TF32): v_new vs float64", rel(tv, rv), 2e-3)
        check("tensor cores (TF32): final vs float64", rel(tl, rl), 2e-3)
        check("tensor cores: no NaN left from the poison", float(torch.isnan(ts).sum() + torch.isnan(tv).sum()), 0)


def rel_max(a, b):
    return ((a.double().cpu() - b.double().cpu()).abs().max() / b.double().cpu().abs().max().clamp_min(1e-30)).item()


def f32(t):
    return t.float().to(dev).contiguous() if t is not None else None


WY_CASES = [  # b, h, n, c, dk, dv, gated, parallel keys
    (1, 2, 4, 64, 128, 128, False, False),
    (2, 3, 3, 63, 128, 128, True, False),
    (1, 4, 5, 64, 32, 32, True, False),
    (2, 2, 3, 48, 64, 128, False, False),
    (1, 2, 2, 1, 128, 64, False, False),
    (2, 2, 2, 64, 256, 256, True, False),
    (1, 2, 4, 64, 128, 128, False, True),
    (1, 2, 4, 64, 32, 32, True, True),
]
print("== chunk_wy against the UT transform solved in float64")
for i, (b, h, n, c, dk, dv, gated, parallel) in enumerate(WY_CASES):
    x = inputs(b, h, n, c, dk, dv, gated, 3000 + i, nh=2 if c % 2 == 0 else 1, parallel=parallel)
    poison()
    w, u = op_wy(f32(x["k"]), f32(x["v"]), f32(x["beta"]), f32(x["G"]))
    torch.cuda.synchronize()
    print(f"b{b} h{h} n{n} c{c} dk{dk} dv{dv}{' gated' if gated else ''}{' nearly parallel keys, beta ~ 2' if parallel else ''}")
    bar = 1e-4 if parallel else 1e-5
    check("W vs float64", rel(w, x["w"]), bar)
    check("U vs float64", rel(u, x["u"]), bar)
    check("no NaN left from the poison", float(torch.isnan(w).sum() + torch.isnan(u).sum()), 0)
    # the tensor-core form (A with TF32 operands, T = (I + A)^-1 in fp32, T R in 3xTF32): TF32's unit roundoff is
    # 2^-11 = 4.9e-4; tools/emulate/chunk_wy_tc.py --tf32 lands at 7e-5..4e-4, 8e-4 on nearly parallel keys
    poison()
    w_tc, u_tc = op_wy(f32(x["k"]), f32(x["v"]), f32(x["beta"]), f32(x["G"]), True)
    torch.cuda.synchronize()
    check("W on tensor cores (TF32) vs float64", rel(w_tc, x["w"]), 2e-3)
    check("U on tensor cores (TF32) vs float64", rel(u_tc, x["u"]), 2e-3)
    check("no NaN left from the poison (TF32)", float(torch.isnan(w_tc).sum() + torch.isnan(u_tc).sum()), 0)


def out_reference(q, k, starts, vnew, G, nh):
    """o_t = exp(G_t) q_t S + sum_{j <= t nh + nh - 1} (q_t . k_j) exp(G_t - G_j) v_new_j, in float64."""
    b, h, n, ct, dk = q.shape
    c = k.shape[3]
    rows = torch.arange(ct)[:, None] * nh + nh - 1
    mask = (torch.arange(c)[None, :] <= rows).double()
    p = q @ k.transpose(-1, -2)
    qs = q
    if G is not None:
        gt = G[..., ::nh]                                                  # [b, h, n, ct]
        p = p * torch.exp((gt[..., :, None] - G[..., None, :]) * mask) * mask
        qs = q * torch.exp(gt)[..., None]
    else:
        p = p * mask
    return qs @ starts + p @ vnew


print("== chunk_out against float64")
for i, (b, h, n, ct, nh, dk, dv, gated) in enumerate([(1, 2, 4, 32, 2, 128, 128, False), (2, 3, 3, 21, 3, 128, 128, True),
                                                      (1, 4, 5, 64, 1, 32, 32, True), (2, 2, 3, 16, 4, 64, 48, False),
                                                      (1, 2, 2, 1, 1, 256, 256, True), (1, 2, 3, 8, 2, 128, 16, True)]):
    c = ct * nh
    x = inputs(b, h, n, c, dk, dv, gated, 4000 + i, nh=nh)
    g = torch.Generator(device="cpu").manual_seed(5000 + i)
    q = torch.randn(b, h, n, ct, dk, generator=g, dtype=torch.float64)
    q = q / q.norm(dim=-1, keepdim=True) / math.sqrt(dk)
    starts, vnew, _ = chunked_reference(x, True)
    poison()
    o = op_out(f32(q), f32(x["k"]), f32(starts), f32(vnew), f32(x["G"]), nh)
    torch.cuda.synchronize()
    print(f"b{b} h{h} n{n} tokens{ct} x n_h {nh} dk{dk} dv{dv}{' gated' if gated else ''}")
    ref = out_reference(q, x["k"], starts, vnew, x["G"], nh)
    check("o vs float64", rel(o, ref), 1e-5)
    check("no NaN left from the poison", float(torch.isnan(o).sum()), 0)
    # the tensor-core form: TF32 operands carry 11 significant bits (unit roundoff 2^-11 = 4.9e-4); a numpy port of
    # the kernel with operands rounded as cvt.rna does (tools/emulate/chunk_out_tc.py --tf32) lands at 2.3e-4..3.8e-4
    poison()
    o_tc = op_out(f32(q), f32(x["k"]), f32(starts), f32(vnew), f32(x["G"]), nh, True)
    torch.cuda.synchronize()
    check("o on tensor cores (TF32) vs float64", rel(o_tc, ref), 2e-3)
    check("no NaN left from the poison (TF32)", float(torch.isnan(o_tc).sum()), 0)
    if i == 0:  # inputs starting 4 bytes into their allocation: the ATen layer hands the kernel an aligned copy
        def shifted(t):
            t = f32(t)
            return torch.empty(t.numel() + 1, device=dev)[1:].view(t.shape).copy_(t)
        o_shift = op_out(shifted(q), shifted(x["k"]), shifted(starts), shifted(vnew), f32(x["G"]), nh)
        check("inputs off a 16-byte boundary: same o", float((o_shift != o).sum()), 0)


print("== chunk_wy -> chunk_state -> chunk_out against the token-by-token delta rule (float64)")
for i, (b, h, n, ct, nh, dk, dv, gated) in enumerate([(1, 2, 3, 32, 2, 128, 128, False), (1, 2, 3, 21, 3, 64, 64, True),
                                                      (2, 2, 4, 16, 4, 32, 32, True), (1, 3, 2, 64, 1, 128, 128, True)]):
    c = ct * nh
    x = inputs(b, h, n, c, dk, dv, gated, 6000 + i, nh=nh)
    g = torch.Generator(device="cpu").manual_seed(7000 + i)
    q = torch.randn(b, h, n, ct, dk, generator=g, dtype=torch.float64)
    q = q / q.norm(dim=-1, keepdim=True) / math.sqrt(dk)
    poison()
    k32, G32 = f32(x["k"]), f32(x["G"])
    w, u = op_wy(k32, f32(x["v"]), f32(x["beta"]), G32)
    starts, vnew, last = op(k32, w, u, G32, f32(x["s0"]))
    o = op_out(f32(q), k32, starts, vnew, G32, nh)
    torch.cuda.synchronize()
    ref_o, ref_s = sequential(x, True, q, nh)
    print(f"b{b} h{h} n{n} tokens{ct} x n_h {nh} dk{dk} dv{dv}{' gated' if gated else ''}")
    check("read-outs vs token-by-token", rel(o, ref_o), 1e-5)
    check("final state vs token-by-token", rel(last, ref_s), 1e-5)
    # the chain as fp16 mode runs it, every product on tensor cores (TF32): the bar the Java handshake uses
    w, u = op_wy(k32, f32(x["v"]), f32(x["beta"]), G32, True)
    starts, vnew, last = op(k32, w, u, G32, f32(x["s0"]), True)
    o = op_out(f32(q), k32, starts, vnew, G32, nh, True)
    torch.cuda.synchronize()
    check("read-outs on tensor cores vs token-by-token", rel(o, ref_o), 2e-3)
    check("final state on tensor cores vs token-by-token", rel(last, ref_s), 2e-3)

op_conv = torch.ops.deltaeval.short_conv


def conv_reference(x, history, weight, bias, silu):
    """float64 causal depthwise convolution of history ++ x, weight[:, -1] on the current token."""
    b, t, c = x.shape
    w = weight.shape[1]
    h = history if history is not None else torch.zeros(b, w - 1, c, dtype=torch.float64)
    full = torch.cat([h.double(), x.double()], 1)
    y = sum(full[:, i:i + t] * weight[:, i].double() for i in range(w))
    if bias is not None:
        y = y + bias.double()
    return y * torch.sigmoid(y) if silu else y


print("== short_conv against float64 (fp32 and fp16 inputs; a column slice of a wider projection read in place)")
for i, (b, t, c, w, dtype, with_hist, with_bias, silu, sliced) in enumerate([
        (2, 37, 96, 4, torch.float32, True, True, True, False), (1, 5, 64, 4, torch.float32, False, False, False, True),
        (3, 2, 40, 4, torch.float16, True, False, True, True), (2, 300, 5120, 4, torch.float16, False, True, True, True),
        (1, 1, 8, 3, torch.float32, True, True, False, False)]):
    g = torch.Generator(device="cpu").manual_seed(8000 + i)
    wide = torch.randn(b, t, c + (24 if sliced else 0), generator=g).to(dtype)
    x = wide[..., :c]
    hist = torch.randn(b, w - 1, c, generator=g).to(dtype) if with_hist else None
    weight = torch.randn(c, w, generator=g) * 0.5
    bias = torch.randn(c, generator=g) if with_bias else None
    poison()
    y = op_conv(x.to(dev), hist.to(dev) if with_hist else None, weight.to(dev), bias.to(dev) if with_bias else None,
                silu)
    torch.cuda.synchronize()
    ref = conv_reference(x, hist, weight, bias, silu)
    print(f"b{b} t{t} c{c} w{w} {str(dtype)[6:]}{' history' if with_hist else ''}{' bias' if with_bias else ''}"
          f"{' silu' if silu else ''}{' sliced' if sliced else ''}")
    check("y vs float64", rel(y, ref), 1e-6 if dtype == torch.float32 else 1e-3)
    check("dtype kept", 0.0 if y.dtype == dtype else 1.0, 0)

op_inputs = torch.ops.deltaeval.chunk_inputs


def inputs_reference(qkv, beta_raw, a_raw, dt_bias, neg_exp_a, mask, H, dk, dv, n, ct, q_scale, neg, silu):
    """float64 chunk layout from the projections, written from MixerProjections' formulas: pad the time axis to
    whole chunks with zeros, then reshape (no shared code with the kernel)."""
    x = qkv.double()
    B, T = x.shape[:2]
    if silu:
        x = x * torch.sigmoid(x)
    N = -(-T // ct)
    pad = N * ct - T
    m = mask.double().reshape(B, T) if mask is not None else torch.ones(B, T, dtype=torch.float64)
    l2 = lambda y: y / torch.sqrt((y * y).sum(-1, keepdim=True) + 1e-6)
    q = l2(x[..., :H * dk].reshape(B, T, H, dk)) * q_scale
    k = l2(x[..., H * dk:H * dk * (n + 1)].reshape(B, T, n, H, dk))
    v = x[..., H * dk * (n + 1):H * dk * (n + 1) + n * H * dv].reshape(B, T, n, H, dv)
    if beta_raw is not None:
        beta = torch.sigmoid(beta_raw.double()).reshape(B, T, n, H) * (2.0 if neg else 1.0)
    else:
        beta = torch.ones(B, T, n, H, dtype=torch.float64)
    beta = beta * m[:, :, None, None]
    padt = lambda y: torch.cat([y, torch.zeros(B, pad, *y.shape[2:], dtype=y.dtype)], 1)
    # [B, T, n, H, d] -> [B, H, N, ct * n, d]
    sub = lambda y: padt(y).reshape(B, N, ct, n, H, *y.shape[4:]).movedim(4, 1).reshape(B, H, N, ct * n, *y.shape[4:])
    out = {"q": padt(q).reshape(B, N, ct, H, dk).movedim(3, 1), "k": sub(k), "v": sub(v), "beta": sub(beta)}
    if a_raw is not None:
        z = a_raw.double() + (dt_bias.double() if dt_bias is not None else 0)
        g = torch.nn.functional.softplus(z) * neg_exp_a.double() * m[:, :, None]          # [B, T, H]
        g = padt(g).reshape(B, N, ct, H).movedim(3, 1).cumsum(-1)                            # [B, H, N, ct]
        out["g_tok"] = g
        out["g_sub"] = g.repeat_interleave(n, -1)
    return out


print("== chunk_inputs against float64 (projections -> chunk layout; fp32 and fp16, padded rows, ragged last chunk)")
for i, (b, t, H, dk, dv, n, ct, dtype, gated, with_beta, padded, silu) in enumerate([
        (2, 70, 2, 32, 32, 2, 32, torch.float32, True, True, True, True),
        (1, 64, 4, 128, 128, 1, 64, torch.float16, False, True, False, False),
        (3, 45, 2, 64, 48, 3, 21, torch.float16, True, False, True, True),
        (2, 33, 8, 128, 256, 2, 32, torch.float32, True, True, False, True),
        (1, 1, 2, 256, 32, 4, 16, torch.float32, False, True, False, True)]):
    g = torch.Generator(device="cpu").manual_seed(9000 + i)
    cols = H * dk * (n + 1) + n * H * dv
    wide = (torch.randn(b, t, cols + n * H + H + 8, generator=g) * 2).to(dtype)  # one projection, read in slices
    qkv, beta_raw, a_raw = wide[..., :cols], wide[..., cols:cols + n * H], wide[..., cols + n * H:cols + n * H + H]
    if not with_beta:
        beta_raw = None
    if not gated:
        a_raw = None
    dt_bias = torch.randn(H, generator=g) if gated else None
    neg_exp_a = -torch.rand(H, generator=g) - 0.1 if gated else None
    mask = None
    if padded:
        lens = torch.tensor([t - (j * 7) % t for j in range(b)])
        mask = (torch.arange(t)[None, :] < lens[:, None]).float().reshape(b, 1, t)
    c = lambda y: y.to(dev) if y is not None else None
    poison()
    got = op_inputs(c(qkv), c(beta_raw), c(a_raw), c(dt_bias), c(neg_exp_a), c(mask), H, dk, dv, n, ct, dk ** -0.5,
                    True, silu)
    torch.cuda.synchronize()
    ref = inputs_reference(qkv, beta_raw, a_raw, dt_bias, neg_exp_a, mask, H, dk, dv, n, ct, dk ** -0.5, True, silu)
    print(f"b{b} t{t} H{H} dk{dk} dv{dv} n{n} ct{ct} {str(dtype)[6:]}{' gated' if gated else ''}"
          f"{' beta' if with_beta else ''}{' padded' if padded else ''}{' silu' if silu else ''}")
    names = ["q", "k", "v", "beta"] + (["g_tok", "g_sub"] if gated else [])
    for name, tensor in zip(["q", "k", "v", "beta", "g_tok", "g_sub"], got):
        if name in names:
            check(f"{name} {tuple(tensor.shape)} vs float64", rel(tensor, ref[name]), 1e-5)
        else:
            check(f"{name} empty when ungated", float(tensor.numel()), 0)

print("== K5 against float64: rms_norm (with the residual add), swiglu, head_norm (strided o, column-slice gate)")
for i, dtype in enumerate([torch.float32, torch.float16]):
    g = torch.Generator(device="cpu").manual_seed(9500 + i)
    bar = 1e-6 if dtype == torch.float32 else 1e-3
    wide = torch.randn(3, 37, 1024 + 16, generator=g).to(dtype)
    x, res = wide[..., :1024], torch.randn(3, 37, 1024, generator=g).to(dtype)
    w = torch.randn(1024, generator=g)
    poison()
    s_, y = torch.ops.deltaeval.rms_norm(x.to(dev), res.to(dev), w.to(dev), 1e-6)
    _, y0 = torch.ops.deltaeval.rms_norm(x.to(dev), None, w.to(dev), 1e-6)
    torch.cuda.synchronize()
    rms = lambda v: v / torch.sqrt((v * v).mean(-1, keepdim=True) + 1e-6) * w.double()
    summed = (x.double() + res.double()).to(dtype).double()       # the residual stream is kept in the model's dtype
    print(f"{str(dtype)[6:]}")
    check("rms_norm vs float64", rel(y0, rms(x.double())), bar)
    check("residual sum vs float64", rel(s_, summed), bar)
    check("rms_norm of the sum vs float64", rel(y, rms(summed)), bar)
    check("dtypes kept", float(y.dtype != dtype or s_.dtype != dtype), 0)
    gu = torch.randn(2, 33, 2 * 700, generator=g).to(dtype)
    poison()
    yg = torch.ops.deltaeval.swiglu(gu.to(dev))
    torch.cuda.synchronize()
    gd, ud = gu.double()[..., :700], gu.double()[..., 700:]
    check("swiglu vs float64", rel(yg, gd * torch.sigmoid(gd) * ud), bar)
    o = torch.randn(2, 4, 9, 64, generator=g)[:, :, :7]                 # [B, H, T, dv] with T cut: strided
    wo = torch.randn(64, generator=g)
    gate = torch.randn(2, 7, 4 * 64 + 24, generator=g).to(dtype)[..., :4 * 64]
    for gated in (False, True):
        poison()
        yo = torch.ops.deltaeval.head_norm(o.to(dev), wo.to(dev), gate.to(dev) if gated else None, 1e-5,
                                            dtype == torch.float16)
        torch.cuda.synchronize()
        od = o.double()
        ref = (od / torch.sqrt((od * od).mean(-1, keepdim=True) + 1e-5) * wo.double()).transpose(1, 2)  # [B,T,H,dv]
        if gated:
            gd = gate.double().reshape(2, 7, 4, 64)
            ref = ref * gd * torch.sigmoid(gd)
        check(f"head_norm{' gated' if gated else ''} vs float64", rel(yo, ref.reshape(2, 7, 256)), bar)

print("== recurrent (stepwise) against the token-by-token delta rule in float64 (n_h 1-3, gated, s0, partial blocks)")
for i, (b, h, t, n, dk, dv, gated, with_s0) in enumerate([(2, 3, 1, 2, 128, 128, True, True),
                                                          (1, 2, 37, 3, 64, 48, True, False),
                                                          (3, 1, 5, 1, 256, 32, False, True),
                                                          (1, 4, 9, 2, 32, 200, False, False)]):
    g_ = torch.Generator(device="cpu").manual_seed(9900 + i)
    q = torch.nn.functional.normalize(torch.randn(b, h, t, 1, dk, generator=g_), dim=-1) * dk ** -0.5
    k = torch.nn.functional.normalize(torch.randn(b, h, t, n, dk, generator=g_), dim=-1)
    v = torch.randn(b, h, t, n, dv, generator=g_)
    beta = torch.rand(b, h, t, n, generator=g_) * 2
    g = -torch.rand(b, h, t, 1, generator=g_) * 0.3 if gated else None
    s0 = torch.randn(b, h, dk, dv, generator=g_) * 0.3 if with_s0 else None
    c = lambda y: y.to(dev) if y is not None else None
    poison()
    o, last = torch.ops.deltaeval.recurrent(c(q), c(k), c(v), c(beta), c(g), c(s0), n)
    torch.cuda.synchronize()
    S = s0.double().clone() if with_s0 else torch.zeros(b, h, dk, dv, dtype=torch.float64)
    ref = torch.zeros(b, h, t, 1, dv, dtype=torch.float64)
    for ti in range(t):
        if gated:
            S = S * torch.exp(g[:, :, ti, 0].double())[..., None, None]
        for j in range(n):
            kk, vv = k[:, :, ti, j].double(), v[:, :, ti, j].double()
            u = beta[:, :, ti, j, None].double() * (vv - torch.einsum("bhk,bhkv->bhv", kk, S))
            S = S + kk[..., :, None] * u[..., None, :]
        ref[:, :, ti, 0] = torch.einsum("bhk,bhkv->bhv", q[:, :, ti, 0].double(), S)
    print(f"b{b} h{h} t{t} n{n} dk{dk} dv{dv}{' gated' if gated else ''}{' s0' if with_s0 else ''}")
    check("read-outs vs float64", rel(o, ref), 1e-5)
    check("final state vs float64", rel(last, S), 1e-5)

print("== target_log_probs against float64 (fp32 and fp16 logits; a NaN row; an argmax tie goes to the first)")
for i, (rows, vocab, dtype) in enumerate([(37, 32000, torch.float32), (64, 50277, torch.float16), (3, 7, torch.float32)]):
    g = torch.Generator(device="cpu").manual_seed(9700 + i)
    logits = (torch.randn(rows, vocab, generator=g) * 5).to(dtype)
    logits[1, 5] = logits[1, 3] = logits[1].max() + 1                  # a tie at the maximum: index 3 wins
    targets = torch.randint(0, vocab, (rows,), generator=g)
    poison()
    lp, am = torch.ops.deltaeval.target_log_probs(logits.to(dev), targets.to(dev))
    torch.cuda.synchronize()
    ref = torch.log_softmax(logits.double(), -1).gather(-1, targets[:, None])[:, 0]
    print(f"rows {rows} vocab {vocab} {str(dtype)[6:]}")
    check("log-probabilities vs float64", rel(lp, ref), 1e-6)
    check("argmax = first maximum", float((am.cpu() != logits.double().argmax(-1)).sum()), 0)
    check("tie goes to the first index", float(am[1].item() != 3), 0)
    bad = logits.clone()
    bad[2, 1] = float("nan")
    lpn, _ = torch.ops.deltaeval.target_log_probs(bad.to(dev), targets.to(dev))
    check("a NaN row gives NaN, others unchanged", float(not math.isnan(lpn[2].item()) or
                                                       not torch.equal(lpn[:2].cpu(), lp[:2].cpu())), 0)
# masked rows: -inf everywhere but one entry, and -inf everywhere (torch's argmax: index 0); vocab 7 < 256 threads,
# so most threads see no element and must never win the merge
masked = torch.full((3, 7), float("-inf"))
masked[0, 4] = 0.5
masked[2, 6] = -1e30
lpm, amm = torch.ops.deltaeval.target_log_probs(masked.to(dev), torch.tensor([4, 0, 6]).to(dev))
torch.cuda.synchronize()
print("masked rows (vocab 7)")
check("argmax of masked rows = torch's", float((amm.cpu() != masked.argmax(-1)).sum()), 0)
check("log-probability of the only finite entry = 0", abs(lpm[0].item()) + abs(lpm[2].item()), 1e-7)

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
        # fla keeps the cumulative decay in base 2 (chunk_local_cumsum(..., scale=RCP_LN2), exp2 in its kernels)
        hh, vn, fin = fla_fwd_h(f(x["k"]), f(x["w"]), f(x["u"]), g=f(x["G"] / math.log(2)) if gated else None,
                                initial_state=x["s0"].float().to(dev) if with_s0 else None, output_final_state=True,
                                chunk_size=c)
        print(f"b{b} h{h} n{n} c{c}{' gated' if gated else ''}")
        check("starts vs fla h", rel(starts, hh.permute(0, 2, 1, 3, 4)), 1e-2)
        check("v_new vs fla v_new", rel(vnew, vn.reshape(b, n, c, h, dv).permute(0, 3, 1, 2, 4)), 1e-2)
        check("final vs fla final state", rel(last, fin), 1e-2)

if "--time" in sys.argv:
    from fla.ops.gated_delta_rule.chunk_fwd import chunk_gated_delta_rule_fwd_intra as fla_intra
    from fla.ops.common.chunk_o import chunk_fwd_o as fla_fwd_o

    print("== time per layer call, ms (median of 10); ours fp32, fla 0.5.2 bf16 (its fwd_h also in fp32)")
    print("  shape (B x H x sub-steps, n_h = 2)   | wy: ours  fla | state: ours  fla-fp32  fla | out: ours  fla "
          "| sum: ours  fla | ours/fla")
    for b, h, subs in [(8, 8, 8192), (1, 8, 32768), (8, 8, 4096), (1, 8, 16384)]:
        n, c, dk, dv, nh = subs // 64, 64, 128, 128, 2
        k = torch.nn.functional.normalize(torch.randn(b, h, n, c, dk, device=dev), dim=-1)
        v = torch.randn(b, h, n, c, dv, device=dev)
        beta = torch.rand(b, h, n, c, device=dev) * 2
        q = torch.nn.functional.normalize(torch.randn(b, h, n, c // nh, dk, device=dev), dim=-1) / math.sqrt(dk)
        w, u = op_wy(k, v, beta, None)
        starts, vnew, _ = op(k, w, u, None, None)
        t_wy = timed(lambda: op_wy(k, v, beta, None))
        t_st = timed(lambda: op(k, w, u, None, None))
        t_out = timed(lambda: op_out(q, k, starts, vnew, None, nh))
        t_out_tc = timed(lambda: op_out(q, k, starts, vnew, None, nh, True))
        t_st_tc = timed(lambda: op(k, w, u, None, None, True))
        t_wy_tc = timed(lambda: op_wy(k, v, beta, None, True))
        kf, vf, wf, uf = (fla_layout(t) for t in (k, v, w, u))
        bf = fla_layout(beta)
        t_st32 = timed(lambda: fla_fwd_h(kf, wf, uf, output_final_state=True))
        kb, vb, bb = kf.bfloat16(), vf.bfloat16(), bf.bfloat16()
        wb, ub, _ = fla_intra(kb, vb, None, bb, chunk_size=64)
        hb, vnb, _ = fla_fwd_h(kb, wb, ub, output_final_state=True)
        qsub = torch.zeros(b, h, n, c, dk, device=dev)
        qsub[..., nh - 1::nh, :] = q                                   # fla reads a query at every sub-step
        qb = fla_layout(qsub).bfloat16()
        fb_wy = timed(lambda: fla_intra(kb, vb, None, bb, chunk_size=64))
        fb_st = timed(lambda: fla_fwd_h(kb, wb, ub, output_final_state=True))
        fb_out = timed(lambda: fla_fwd_o(qb, kb, vnb, hb, scale=1.0))
        ours, fla = t_wy + t_st + t_out, fb_wy + fb_st + fb_out
        print(f"  {b} x {h} x {subs:<5}                      | {t_wy:6.3f} {fb_wy:6.3f} | {t_st:6.3f} {t_st32:6.3f} "
              f"{fb_st:6.3f} | {t_out:6.3f} {fb_out:6.3f} | {ours:6.3f} {fla:6.3f} | {ours / fla:.2f}x the time"
              f"   (on tensor cores, TF32: wy {t_wy_tc:.3f} state {t_st_tc:.3f} out {t_out_tc:.3f}, sum "
              f"{t_wy_tc + t_st_tc + t_out_tc:.3f}: {(t_wy_tc + t_st_tc + t_out_tc) / fla:.2f}x fla's time)")

if "--time-ours" in sys.argv and "--time" not in sys.argv:   # --time has them beside fla's
    print("== chunk_wy, chunk_state, chunk_out per layer call (fp32, n_h = 2, dk = dv = 128), ms: wy state out sum")
    for b, h, subs in [(8, 8, 8192), (1, 8, 32768)]:
        for gated in (False, True):
            n, c, dk, dv, nh = subs // 64, 64, 128, 128, 2
            k = torch.nn.functional.normalize(torch.randn(b, h, n, c, dk, device=dev), dim=-1)
            v = torch.randn(b, h, n, c, dv, device=dev)
            beta = torch.rand(b, h, n, c, device=dev) * 2
            q = torch.nn.functional.normalize(torch.randn(b, h, n, c // nh, dk, device=dev), dim=-1) / math.sqrt(dk)
            g = ((-torch.rand(b, h, n, c // nh, device=dev) * 0.1).cumsum(-1).repeat_interleave(nh, -1).contiguous()
                 if gated else None)
            w, u = op_wy(k, v, beta, g)
            starts, vnew, _ = op(k, w, u, g, None)
            t_wy = timed(lambda: op_wy(k, v, beta, g))
            t_st = timed(lambda: op(k, w, u, g, None))
            t_out = timed(lambda: op_out(q, k, starts, vnew, g, nh))
            t_wy_tc = timed(lambda: op_wy(k, v, beta, g, True))
            t_st_tc = timed(lambda: op(k, w, u, g, None, True))
            t_tc = timed(lambda: op_out(q, k, starts, vnew, g, nh, True))
            print(f"  {b} x {h} x {subs}{' gated' if gated else ''}: {t_wy:.3f} {t_st:.3f} {t_out:.3f} "
                  f"{t_wy + t_st + t_out:.3f}   (on tensor cores, TF32: wy {t_wy_tc:.3f} state {t_st_tc:.3f} "
                  f"out {t_tc:.3f} sum {t_wy_tc + t_st_tc + t_tc:.3f})")

if TIME_OURS:
    print("== short_conv per layer call (fp16, SiLU, a slice of a wider projection), ms and GB/s of x read + y written")
    for b, t, c in [(8, 4096, 5120), (1, 16384, 5120)]:
        wide = torch.randn(b, t, c + 1024, device=dev, dtype=torch.float16)
        x = wide[..., :c]
        weight = torch.randn(c, 4, device=dev)
        ms = timed(lambda: op_conv(x, None, weight, None, True))
        print(f"  {b} x {t} x {c}: {ms:.3f} ms, {2 * b * t * c * 2 / ms / 1e6:.0f} GB/s")

if TIME_OURS:
    print("== chunk_inputs per layer call (fp16 projections of the 392M n_h = 2 model, gated), ms and GB/s moved")
    for b, t in [(8, 4096), (1, 16384)]:
        H, dk, dv, n = 8, 128, 128, 2
        cols = H * dk * (n + 1) + n * H * dv
        wide = torch.randn(b, t, cols + n * H + H + 1024, device=dev, dtype=torch.float16)
        qkv, br, ar = wide[..., :cols], wide[..., cols:cols + n * H], wide[..., cols + n * H:cols + n * H + H]
        dtb, nea = torch.randn(H, device=dev), -torch.rand(H, device=dev)
        ms = timed(lambda: op_inputs(qkv, br, ar, dtb, nea, None, H, dk, dv, n, 32, dk ** -0.5, True, False))
        moved = b * t * cols * (2 + 4)
        print(f"  {b} x {t}: {ms:.3f} ms, {moved / ms / 1e6:.0f} GB/s")

if TIME_OURS:
    print("== K5 per layer call at 8 x 4096 (fp16; hidden 1024, MLP 2 x 2816, 8 heads of 128), ms and GB/s moved")
    r, hsz, inter = 8 * 4096, 1024, 2816
    x, res = torch.randn(r, hsz, device=dev, dtype=torch.float16), torch.randn(r, hsz, device=dev, dtype=torch.float16)
    w = torch.randn(hsz, device=dev)
    ms = timed(lambda: torch.ops.deltaeval.rms_norm(x, res, w, 1e-6))
    print(f"  add + rms_norm: {ms:.3f} ms, {r * hsz * 2 * 4 / ms / 1e6:.0f} GB/s")
    gu = torch.randn(r, 2 * inter, device=dev, dtype=torch.float16)
    ms = timed(lambda: torch.ops.deltaeval.swiglu(gu))
    print(f"  swiglu: {ms:.3f} ms, {r * inter * 2 * 3 / ms / 1e6:.0f} GB/s")
    o = torch.randn(8, 8, 4096, 128, device=dev)
    gate = torch.randn(8, 4096, 1024, device=dev, dtype=torch.float16)
    wo = torch.randn(128, device=dev)
    ms = timed(lambda: torch.ops.deltaeval.head_norm(o, wo, gate, 1e-5, True))
    print(f"  head_norm gated: {ms:.3f} ms, {r * 1024 * (4 + 2 + 2) / ms / 1e6:.0f} GB/s")

if TIME_OURS:
    print("== target_log_probs (fp16 logits, vocab 32000) against torch's cast + log_softmax + gather + argmax")
    logits = torch.randn(8192, 32000, device=dev, dtype=torch.float16)
    targets = torch.randint(0, 32000, (8192,), device=dev)
    ours = timed(lambda: torch.ops.deltaeval.target_log_probs(logits, targets))
    def torch_path():
        lp = logits.float().log_softmax(-1)
        return lp.gather(-1, targets[:, None]), lp.argmax(-1)
    theirs = timed(torch_path)
    print(f"  8192 rows: ours {ours:.3f} ms ({8192 * 32000 * 2 / ours / 1e6:.0f} GB/s), torch {theirs:.3f} ms")

if TIME_OURS:
    print("== recurrent: one generation step of 32 prompts (8 heads, dk = dv = 128, n_h = 2), per layer call")
    q = torch.randn(32, 8, 1, 1, 128, device=dev)
    k = torch.nn.functional.normalize(torch.randn(32, 8, 1, 2, 128, device=dev), dim=-1)
    v = torch.randn(32, 8, 1, 2, 128, device=dev)
    beta = torch.rand(32, 8, 1, 2, device=dev)
    s0 = torch.randn(32, 8, 128, 128, device=dev)
    ms = timed(lambda: torch.ops.deltaeval.recurrent(q, k, v, beta, None, s0, 2))
    print(f"  {ms * 1000:.1f} us ({32 * 8 * 128 * 128 * 4 * 2 / ms / 1e6:.0f} GB/s of state read + written)")

print("== errors come back as messages (child process)")
child = f"""
import torch
torch.ops.load_library({LIB!r})
z = torch.zeros(1, 1, 1, 65, 128, device="cuda")
try:
    torch.ops.deltaeval.chunk_state(z, z, z, None, None)
    print("accepted")
except RuntimeError as e:
    print("message:", str(e).splitlines()[0])
"""
r = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
print(f"  chunk of 65: rc {r.returncode}: {(r.stdout + r.stderr).strip()[-400:]}")
if r.returncode != 0 or "message:" not in r.stdout:
    failures.append("argument error path (rc %d)" % r.returncode)

print("FAILED: " + ", ".join(failures) if failures else "all checks passed")
sys.exit(1 if failures else 0)
