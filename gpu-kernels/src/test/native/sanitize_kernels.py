"""Each native kernel once on small odd shapes, for compute-sanitizer (memcheck, racecheck):
  compute-sanitizer --tool memcheck --error-exitcode 9 python3 sanitize_kernels.py LIB
The values are checked by check_kernels.py; this only has to touch every code path (gated or not, initial state or
not, chunks shorter than 64, every tile width)."""
import sys
import torch

torch.ops.load_library(sys.argv[1])
ops = torch.ops.deltaeval
dev = "cuda"
for b, h, n, ct, nh, dk, dv, gated in [(1, 2, 2, 21, 3, 64, 48, True), (1, 1, 3, 32, 2, 128, 128, False),
                                       (2, 1, 1, 64, 1, 32, 32, True), (1, 1, 2, 8, 2, 256, 16, False),
                                       (1, 2, 3, 16, 4, 64, 64, True)]:
    c = ct * nh
    k = torch.nn.functional.normalize(torch.randn(b, h, n, c, dk, device=dev), dim=-1)
    v = torch.randn(b, h, n, c, dv, device=dev)
    beta = torch.rand(b, h, n, c, device=dev) * 2
    g = (-torch.rand(b, h, n, c, device=dev) * 0.1).cumsum(-1) if gated else None
    q = torch.randn(b, h, n, ct, dk, device=dev) * dk ** -0.5
    s0 = torch.randn(b, h, dk, dv, device=dev) if gated else None
    w, u = ops.chunk_wy(k, v, beta, g)
    starts, vnew, last = ops.chunk_state(k, w, u, g, s0)
    o = ops.chunk_out(q, k, starts, vnew, g, nh)
    o_tc = ops.chunk_out(q, k, starts, vnew, g, nh, True)  # the tensor-core forms' paths too
    w_tc, u_tc = ops.chunk_wy(k, v, beta, g, True)
    _, _, last_tc = ops.chunk_state(k, w, u, g, s0, True)
    torch.cuda.synchronize()
    x = torch.randn(b, 7, 40, device=dev, dtype=torch.float16 if gated else torch.float32)
    y = ops.short_conv(x, torch.randn(b, 3, 40, device=dev, dtype=x.dtype) if gated else None,
                       torch.randn(40, 4, device=dev), None, gated)
    finite = all(bool(torch.isfinite(t).all()) for t in (o, o_tc, last, last_tc, w_tc, u_tc))
    print(f"b{b} h{h} n{n} c{c} dk{dk} dv{dv}: finite {finite}")

# chunk_inputs (padded rows, a ragged last chunk, gated or not) and the K5 kernels (strided o, column-slice gate)
for b, t, H, dk, dv, n, ct, dtype, gated in [(2, 45, 2, 64, 48, 3, 21, torch.float16, True),
                                             (1, 33, 3, 32, 32, 1, 64, torch.float32, False)]:
    cols = H * dk * (n + 1) + n * H * dv
    wide = torch.randn(b, t, cols + n * H + H, device=dev, dtype=dtype)
    mask = (torch.arange(t, device=dev)[None, :] < torch.tensor([[t], [t - 5]][:b], device=dev)).float()
    out = ops.chunk_inputs(wide[..., :cols], wide[..., cols:cols + n * H], wide[..., cols + n * H:] if gated else None,
                           torch.randn(H, device=dev) if gated else None, -torch.rand(H, device=dev) if gated else None,
                           mask, H, dk, dv, n, ct, dk ** -0.5, True, True)
    s_, y = ops.rms_norm(wide[..., :100], wide[..., 100:200], torch.randn(100, device=dev), 1e-6)
    yg = ops.swiglu(torch.randn(b, t, 2 * 37, device=dev, dtype=dtype))
    o = torch.randn(b, H, t + 3, dv, device=dev)[:, :, :t]
    yo = ops.head_norm(o, torch.randn(dv, device=dev), wide[..., :H * dv] if gated else None, 1e-5,
                       dtype == torch.float16)
    torch.cuda.synchronize()
    print(f"chunk_inputs b{b} t{t} n{n} ct{ct}; K5: finite {bool(all(torch.isfinite(z).all() for z in out[:4]))}")

lp, am = ops.target_log_probs(torch.randn(5, 1001, device=dev, dtype=torch.float16), torch.randint(0, 1001, (5,), device=dev))
torch.cuda.synchronize()
print(f"target_log_probs: finite {bool(torch.isfinite(lp).all())}")

for dk, dv, gated in [(64, 48, True), (32, 200, False)]:
    o, last = ops.recurrent(torch.randn(2, 3, 4, 1, dk, device=dev), torch.randn(2, 3, 4, 2, dk, device=dev),
                            torch.randn(2, 3, 4, 2, dv, device=dev), torch.rand(2, 3, 4, 2, device=dev),
                            -torch.rand(2, 3, 4, 1, device=dev) if gated else None,
                            torch.randn(2, 3, dk, dv, device=dev) if gated else None, 2)
    torch.cuda.synchronize()
    print(f"recurrent dk{dk} dv{dv}: finite {bool(torch.isfinite(o).all() and torch.isfinite(last).all())}")
