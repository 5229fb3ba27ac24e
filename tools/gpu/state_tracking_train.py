"""Train a tiny DeltaProduct on a group word problem and save it as a DeltaEval state-tracking fixture.

The DeltaProduct repo's state_tracking recipe (automl/DeltaProduct 38cd4e4: generate_data.py + main.py train),
re-expressed on current fla (>= 0.3 merged layout; written against fla 0.5.2, torch 2.11, transformers 5.17).
One GPU. See ../specs/state-tracking.md sections 1-3.

Data   = generate_data.py (random.seed(seed); distinct tuples of random.choices(range(|G|), k=k), kept in a set;
         targets = prefix products, acc starts at the identity 0, op(a, b) = a o b, (a o b)[i] = a[b[i]]).
Tokens = word-problem's tokenizer: element i -> id i, [PAD]=|G|, [BOS]=|G|+1, [UNK], [EOS], [SEP], [CLS], [MASK];
         vocab |G|+7; [BOS] prepended to inputs AND labels; no shift (logits at t are scored against labels[t]).
Model  = main.py: GatedDeltaProduct, hidden 128, no short conv, no output gate, no forget gate, expand_v 1,
         untied lm_head, bf16 weights; AdamW(0.9, 0.999, 1e-8, wd 1e-6), lr 1e-3, batch 2048, cosine, no clip;
         CE over all k+1 positions; early stop when the prefix-sequence accuracy at k_test reaches --stop-at.

Outputs in --out: config.json + model.safetensors (fla save_pretrained, bf16), state_tracking.json (metadata,
fla bf16 curve, fp32 reference curve, training history), expected.safetensors (first --n-expected rows of the
test CSV: input_ids, labels, logits_fp32, logits_bf16), <group>=<k_test>.csv (the test data exactly as
generate_data.py writes it: columns seed,input,target, rows in CPython set order); with --export-v022 also a
main.py-style copy in <out>-v022/<group>_GatedDeltaProduct_k<k>_householders<n>_<date>_<seed>/ (fla 0.2.2
names k_projs.j / v_projs.j / b_projs.j, config with use_gate, pytorch_model.bin via torch.save).

Usage (GPU host, fla on PYTHONPATH):
  python3 state_tracking_train.py --group S3 --nh 2 --layers 1 --neg --max-seconds 240 --out DIR [--export-v022]
  python3 state_tracking_train.py --summary DIR...          # table of finished fixtures (no GPU needed)
The data functions (cayley_table, sample_word_problems, prefix_products, csv_text) need only numpy.

Checked on CPU: the data functions reproduce every golden of specs/state-tracking.md section 1 (draw order and
the CSV's CPython-set order); fp32_delta_product matches fla's naive.py recurrence (1e-7); export_like_main_py ->
check_v022 round-trips exactly. Every GPU path is exercised by preflight() on the untrained model first (exit
code 3 on failure, within about a minute), so a broken run fails fast.

All fixtures in one run on a GPU host (fla-0.5.2.tar.xz and this script beside each other in K). The three runs share the GPU
(tiny, launch-bound models); raise the caps (235 / 100 s) when the budget allows:
  export PYTHONUNBUFFERED=1 TRITON_CACHE_DIR=/tmp/tc PYTHONPATH=/tmp/py
  T0=$(date +%s);mkdir -p /tmp/py /tmp/fx;tar xJf K/fla-0.5.2.tar.xz -C /tmp/py||exit 9
  S=K/state_tracking_train.py;F=/tmp/fx;L=$OUT/run.log
  r(){ n=$1;c=$2;shift 2;timeout -k 5 $((c+25)) python3 $S --max-seconds $c --cache-dir /tmp/sc --fit-schedule \
       --out $F/$n "$@" >$F/$n.log 2>&1;e=$?;echo "== $n rc=$e t=$(($(date +%s)-T0))s"|tee -a $L
       grep -E '^(RESULT|preflight |PREFLIGHT|WARN|training stopped)' $F/$n.log|tee -a $L
       [ $e = 0 ]||tail -n 30 $F/$n.log|tee -a $L;return $e;}
  r s3_dp2_neg_l1 235 --group S3 --nh 2 --layers 1 --neg --export-v022 & sleep 4
  r s3_dp1_neg_l1 100 --group S3 --nh 1 --layers 1 --neg &
  r s3_dp2_pos_l1 100 --group S3 --nh 2 --layers 1 &
  wait;tar czf $OUT/fx.tgz -C /tmp fx
  python3 $S --summary $F/s3_dp2_neg_l1 $F/s3_dp1_neg_l1 $F/s3_dp2_pos_l1|tee -a $L
Deviations from main.py, all deliberate: fla 0.5.2 instead of the vendored 0.2.2 (same math, merged layout,
normal(0.02) init); all 100k generated sequences train (main.py keeps 99 %); validation = the 1000-sequence test
set (main.py: a 1 % split of a 100k file); CE on fp32-cast logits; with --fit-schedule the cosine runs over
min(--epochs, epochs that fit in --max-seconds); the checkpoint kept is the best (acc@k_test, acc@k, token acc)
epoch with ties going to the later one, so a run that never leaves 0 % is still saved.
Options that leave main.py on purpose (DeltaEval's project copy; shared/gpu-host has the original): --master fp32
keeps fp32 master weights for AdamW (main.py's bf16 weights stop learning at loss ~3.6e-3, the updates rounding
away); --select-on both keeps and stops on the lower of fla's bf16 and the fp32 reference acc@k_test of the same
bf16 weights (seed 666 under main.py's rules: 0.706 bf16 but 0.132 fp32 at 512).
"""
import argparse, collections, copy, hashlib, itertools, json, math, os, random, shutil, sys, tempfile, time, traceback

T_START = time.time()
import faulthandler, signal
faulthandler.register(signal.SIGUSR1, all_threads=True)  # where a stuck run is
SPECIALS = ["[PAD]", "[BOS]", "[UNK]", "[EOS]", "[SEP]", "[CLS]", "[MASK]"]
EXIT_PREFLIGHT = 3


# ----------------------------------------------------------------------------------------------- data (no torch)
def cayley_table(name):
    """Cayley table of S_n / A_n / Z_n and '_x_' products with word-problem's abstract_algebra element indices:
    S_n = itertools.permutations order, A_n = its even members in that order, Z_n = i, product index i1*|G2| + i2
    (folded left to right), op(a, b) = a o b with (a o b)[i] = a[b[i]] (apply b first); index 0 = identity."""
    def one(kind, n):
        if kind == "Z":
            return [[(a + b) % n for b in range(n)] for a in range(n)]
        perms = list(itertools.permutations(range(n)))
        if kind == "A":
            perms = [p for p in perms if sum(p[i] > p[j] for i in range(n) for j in range(i + 1, n)) % 2 == 0]
        elif kind != "S":
            raise ValueError(f"unsupported group {name!r}")
        idx = {p: i for i, p in enumerate(perms)}
        return [[idx[tuple(a[b[i]] for i in range(n))] for b in perms] for a in perms]
    table = None
    for g in name.split("_x_"):
        t = one(g[0], int(g[1:]))
        if table is None:
            table = t
            continue
        m, big = len(t), len(table) * len(t)
        table = [[table[a // m][b // m] * m + t[a % m][b % m] for b in range(big)] for a in range(big)]
    return table


def sample_word_problems(n, k, samples, seed):
    """generate_data.py's sampler for plain groups. Returns (draw_order, csv_order): the distinct sequences in
    the order drawn and in the order generate_data.py writes them (list(set), CPython set iteration order)."""
    rng = random.Random(seed)                     # == random.seed(seed) on the module-level generator
    samples = min(samples, n ** k)
    seen, draws = set(), []
    while len(seen) < samples:
        s = tuple(rng.choices(range(n), k=k))
        if s not in seen:
            seen.add(s)
            draws.append(s)
    return draws, list(seen)


def prefix_products(table, seqs):
    """targets[:, t] = x_1 o ... o x_(t+1) (numpy, vectorised over sequences)."""
    import numpy as np
    tab = np.asarray(table, dtype=np.int64)
    x = np.asarray(seqs, dtype=np.int64)
    y = np.empty_like(x)
    acc = np.zeros(len(x), dtype=np.int64)
    for t in range(x.shape[1]):
        acc = tab[acc, x[:, t]]
        y[:, t] = acc
    return x, y


def csv_text(x, y, seed):
    """polars write_csv output of generate_data.py: header seed,input,target; space-separated indices."""
    lines = ["seed,input,target"]
    for xs, ys in zip(x.tolist(), y.tolist()):
        lines.append(f"{seed},{' '.join(map(str, xs))},{' '.join(map(str, ys))}")
    return "\n".join(lines) + "\n"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def now():
    return round(time.time() - T_START, 1)


# ----------------------------------------------------------------------------------------------- torch helpers
def fla_setup():
    """Imports fla with the two fixes it needs on transformers 5 / fp32 evaluation."""
    import warnings
    warnings.filterwarnings("ignore", message=".*ShortConvolution is crucial.*")
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    import fla
    import fla.models as fm
    for name in dir(fm):   # transformers 5 wants a dict here; fla 0.5.2 still declares a list
        c = getattr(fm, name)
        if isinstance(c, type) and isinstance(getattr(c, "_tied_weights_keys", None), list):
            c._tied_weights_keys = {"lm_head.weight": "model.embeddings.weight"}   # only used when tied
    import fla.layers.gated_deltaproduct as gdp
    orig = gdp.chunk_gated_delta_product
    if not getattr(orig, "_fp32_patch", False):
        def dispatch(*a, **kw):   # fla's chunk kernels refuse fp32: fp32 inputs go to a plain recurrence
            q = kw.get("q", a[0] if a else None)
            if q.dtype == torch.float32:
                return fp32_delta_product(*a, **kw)
            return orig(*a, **kw)
        dispatch._fp32_patch = True
        gdp.chunk_gated_delta_product = dispatch
    return fla


def l2n(x):
    import torch
    return x * torch.rsqrt((x * x).sum(-1, keepdim=True) + 1e-6)      # fla l2norm_fwd: eps 1e-6 inside the sqrt


def fp32_delta_product(q, k, v, g=None, beta=None, scale=None, initial_state=None, output_final_state=False,
                       cu_seqlens=None, num_householder=1, use_qk_l2norm_in_kernel=False, **kw):
    """The math of fla's chunk_gated_delta_product (no gate, no varlen) as an fp32 token-by-token recurrence.
    q [B,T,H,K]; k [B,T*n,H,K]; v [B,T*n,H,V]; beta [B,T*n,H]; state S [B,H,K,V]; per sub-step
    S <- S + k (beta (v - S^T k))^T; read-out o_t = S^T (scale q_t) after the n-th sub-step."""
    import torch
    assert g is None and cu_seqlens is None, "fp32 path covers the gate-free, non-varlen case only"
    q, k, v, beta = q.float(), k.float(), v.float(), beta.float()
    if use_qk_l2norm_in_kernel:
        q, k = l2n(q), l2n(k)
    B, T, H, K = q.shape
    V, n = v.shape[-1], num_householder
    scale = K ** -0.5 if scale is None else scale
    k, v, beta = k.reshape(B, T, n, H, K), v.reshape(B, T, n, H, V), beta.reshape(B, T, n, H)
    S = q.new_zeros(B, H, K, V) if initial_state is None else initial_state.float().clone()
    o = q.new_empty(B, T, H, V)
    qs = q * scale
    for t in range(T):
        for j in range(n):
            kj = k[:, t, j]
            u = (v[:, t, j] - torch.einsum("bhk,bhkv->bhv", kj, S)) * beta[:, t, j, :, None]
            S = S + kj[..., :, None] * u[..., None, :]
        o[:, t] = torch.einsum("bhk,bhkv->bhv", qs[:, t], S)
    return o, (S if output_final_state else None)


def manual_logits_fp32(sd, c, ids):
    """Independent fp32 forward from the state dict alone (merged fla >= 0.3 names; no conv, no gates,
    expand_v 1): a cross-check of the fla-module fp32 path."""
    import torch, torch.nn.functional as F
    H, D, n, eps = c.num_heads, c.head_dim, c.num_householder, c.norm_eps
    rms = lambda x, w: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w
    x = sd["model.embeddings.weight"][ids]
    B, T, _ = x.shape
    for l in range(c.num_hidden_layers):
        p = f"model.layers.{l}."
        h = rms(x, sd[p + "attn_norm.weight"])
        q = F.silu(h @ sd[p + "attn.q_proj.weight"].T).view(B, T, H, D)
        k = F.silu(h @ sd[p + "attn.k_proj.weight"].T).view(B, T * n, H, D)     # rows ordered (step, head, dim)
        v = F.silu(h @ sd[p + "attn.v_proj.weight"].T).view(B, T * n, H, D)
        beta = torch.sigmoid(h @ sd[p + "attn.b_proj.weight"].T) * (2.0 if c.allow_neg_eigval else 1.0)
        o, _ = fp32_delta_product(q, k, v, beta=beta.reshape(B, T * n, H), num_householder=n,
                                  use_qk_l2norm_in_kernel=True)
        x = x + rms(o, sd[p + "attn.o_norm.weight"]).reshape(B, T, H * D) @ sd[p + "attn.o_proj.weight"].T
        h = rms(x, sd[p + "mlp_norm.weight"])
        x = x + (F.silu(h @ sd[p + "mlp.gate_proj.weight"].T) * (h @ sd[p + "mlp.up_proj.weight"].T)) \
            @ sd[p + "mlp.down_proj.weight"].T
    return rms(x, sd["model.norm.weight"]) @ sd["lm_head.weight"].T


def build_model(n, a):
    from fla.models import GatedDeltaProductConfig, GatedDeltaProductForCausalLM
    V = n + len(SPECIALS)
    cfg = GatedDeltaProductConfig(
        vocab_size=V, hidden_size=a.hidden, num_hidden_layers=a.layers, num_heads=a.heads, head_dim=a.head_dim,
        expand_v=1, use_short_conv=False, use_output_gate=False, use_forget_gate=False,
        allow_neg_eigval=a.neg, num_householder=a.nh, fuse_cross_entropy=False, tie_word_embeddings=False,
        bos_token_id=0, eos_token_id=V - 1)          # main.py's (wrong) bos/eos metadata, kept on purpose
    return GatedDeltaProductForCausalLM(cfg)


def assert_untied(m):
    assert m.lm_head.weight.data_ptr() != m.model.embeddings.weight.data_ptr(), "lm_head is tied to embeddings"


def run_logits(model, ids, bs=500):
    import torch
    outs = []
    with torch.no_grad():
        for i in range(0, len(ids), bs):
            outs.append(model(input_ids=ids[i:i + bs], use_cache=False).logits.float())
    return torch.cat(outs)


def curves_from_logits_fn(logits_fn, x, y, bs=500):
    """main.py/sfirah metrics over all positions t = 0..k (0 = the [BOS] position): prefix-sequence accuracy
    (fraction of sequences whose predictions at 0..t are all right), token accuracy per position, their means."""
    import torch, torch.nn.functional as F
    alive = torch.zeros(x.shape[1], dtype=torch.float64, device=x.device)
    tok = torch.zeros(x.shape[1], dtype=torch.float64, device=x.device)
    loss = 0.0
    with torch.no_grad():
        for i in range(0, len(x), bs):
            lg = logits_fn(x[i:i + bs])
            ok = lg.argmax(-1) == y[i:i + bs]
            alive += ok.long().cumprod(1).sum(0).double()
            tok += ok.sum(0).double()
            loss += F.cross_entropy(lg.float().flatten(0, 1), y[i:i + bs].flatten(), reduction="sum").item()
    N = len(x)
    acc, tk = (alive / N).tolist(), (tok / N).tolist()
    return {"prefix_sequence_accuracy": acc, "token_accuracy": tk,
            "sequence_accuracy": acc[-1], "token_accuracy_mean": sum(tk) / len(tk), "loss": loss / x.numel()}


def load_saved(out):
    """Reload the fixture with transformers' from_pretrained (bf16, cuda)."""
    import torch
    from fla.models import GatedDeltaProductForCausalLM
    try:
        m = GatedDeltaProductForCausalLM.from_pretrained(out, dtype=torch.bfloat16)
    except TypeError:
        m = GatedDeltaProductForCausalLM.from_pretrained(out, torch_dtype=torch.bfloat16)
    return m.cuda().to(torch.bfloat16).eval()


def same_state(a, b):
    if set(a) != set(b):
        return f"keys differ: {sorted(set(a) ^ set(b))[:6]}"
    for k in a:
        if a[k].dtype != b[k].dtype or a[k].shape != b[k].shape or not bool((a[k].cpu() == b[k].cpu()).all()):
            return f"tensor {k} differs"
    return None


def export_like_main_py(model, out_root, group, k, seed):
    """DeltaProduct main.py's on-disk form: fla 0.2.2 names (attn.k_projs.j / v_projs.j / b_projs.j), 0.2.2
    config keys (use_gate, no use_output_gate), torch.save(state_dict) as pytorch_model.bin (bf16, zip), in
    {group}_GatedDeltaProduct_k{k}_householders{n}_{date}_{seed}/. Returns the directory."""
    import torch
    n = model.config.num_householder
    sd = collections.OrderedDict()       # tensors stay on the model's device, as main.py saved them (cuda:0)
    for name, t in model.state_dict().items():
        base = next((b for b in ("k_proj", "v_proj", "b_proj") if name.endswith(f"attn.{b}.weight")), None)
        if base is None:
            sd[name] = t.detach().to(torch.bfloat16).clone()
        else:
            for j, part in enumerate(t.chunk(n, dim=0)):              # merged rows are ordered (step, head, dim)
                sd[name.replace(f"{base}.weight", f"{base}s.{j}.weight")] = part.detach().to(torch.bfloat16).clone()
    cfg = model.config.to_dict()
    cfg["use_gate"] = cfg.pop("use_output_gate", False)
    for key in ("fuse_linear_cross_entropy", "use_l2warp", "attnres_block_size"):   # not in fla 0.2.2
        cfg.pop(key, None)
    if "dtype" in cfg:
        cfg["torch_dtype"] = cfg.pop("dtype")
    d = os.path.join(out_root, f"{group}_GatedDeltaProduct_k{k}_householders{n}_{time.strftime('%Y-%m-%d')}_{seed}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    torch.save(sd, os.path.join(d, "pytorch_model.bin"))
    return d


def check_v022(d, model):
    """Re-merge the exported per-step tensors and compare with the model (exactly)."""
    import torch
    sd = torch.load(os.path.join(d, "pytorch_model.bin"), weights_only=True, map_location="cpu")
    cfg = json.load(open(os.path.join(d, "config.json")))
    assert "use_gate" in cfg and "use_output_gate" not in cfg
    n = cfg["num_householder"]
    merged = {}
    for name, t in sd.items():
        for b in ("k_projs", "v_projs", "b_projs"):
            if f"attn.{b}.0.weight" in name:
                merged[name.replace(f"{b}.0.weight", f"{b[:-1]}.weight")] = torch.cat(
                    [sd[name.replace(f"{b}.0.", f"{b}.{j}.")] for j in range(n)], 0)
        if not any(f"attn.{b}." in name for b in ("k_projs", "v_projs", "b_projs")):
            merged[name] = t
    return same_state(merged, {k: v.detach().cpu() for k, v in model.state_dict().items()})


# ----------------------------------------------------------------------------------------------- main
def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--group", default="S3")
    p.add_argument("--nh", type=int, default=2, help="num_householder")
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--neg", action="store_true", help="allow_neg_eigval (eigenvalues in [-1,1])")
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--head-dim", type=int, default=32)
    p.add_argument("--k", type=int, default=128)
    p.add_argument("--k-test", type=int, default=512)
    p.add_argument("--train-samples", type=int, default=100_000)
    p.add_argument("--test-samples", type=int, default=1000)
    p.add_argument("--data-seed", type=int, default=1)
    p.add_argument("--test-seed", type=int, default=2)
    p.add_argument("--seed", type=int, default=666)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--bs", type=int, default=2048)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--wd", type=float, default=1e-6)
    p.add_argument("--stop-at", type=float, default=0.99)
    p.add_argument("--max-seconds", type=float, default=600, help="wall cap of this process, finalisation included")
    p.add_argument("--reserve", type=float, default=25, help="seconds kept for finalisation")
    p.add_argument("--fit-schedule", action="store_true",
                   help="cosine over min(--epochs, epochs that fit in --max-seconds), re-estimated each epoch")
    p.add_argument("--master", choices=["bf16", "fp32"], default="bf16",
                   help="optimizer's copy of the weights: bf16 (main.py) or fp32 master weights, the bf16 model the "
                        "forward runs being their rounding (main.py's bf16 AdamW stalls at loss ~3.6e-3: its updates "
                        "fall below bf16's resolution)")
    p.add_argument("--select-on", choices=["bf16", "both"], default="bf16",
                   help="acc@k_test that picks the kept epoch and stops early: fla's bf16 forward (main.py), or the "
                        "lower of it and the fp32 reference forward of the same bf16 weights (a fixture whose "
                        "extrapolation survives a change of arithmetic)")
    p.add_argument("--n-expected", type=int, default=4)
    p.add_argument("--export-v022", action="store_true")
    p.add_argument("--cache-dir", default=None, help="reuse generated training data between runs")
    p.add_argument("--out")
    p.add_argument("--summary", nargs="*")
    return p.parse_args()


def make_data(a, table):
    import numpy as np
    n = len(table)
    cache = None
    if a.cache_dir:
        os.makedirs(a.cache_dir, exist_ok=True)
        cache = os.path.join(a.cache_dir, f"{a.group}_k{a.k}_n{a.train_samples}_s{a.data_seed}.npz")
    if cache and os.path.exists(cache):
        z = np.load(cache)
        xtr, ytr = z["x"], z["y"]
    else:
        draws, _ = sample_word_problems(n, a.k, a.train_samples, a.data_seed)
        xtr, ytr = prefix_products(table, draws)
        if cache:
            tmp = cache + f".{os.getpid()}.npz"
            np.savez(tmp, x=xtr, y=ytr)
            os.replace(tmp, cache)
    _, rows = sample_word_problems(n, a.k_test, a.test_samples, a.test_seed)
    xte, yte = prefix_products(table, rows)               # test tensors in CSV row order
    return xtr, ytr, xte, yte


def with_bos(x, y, n):
    import numpy as np, torch
    bos = np.full((len(x), 1), n + 1, dtype=np.int64)
    return torch.from_numpy(np.concatenate([bos, x], 1)), torch.from_numpy(np.concatenate([bos, y], 1))


def preflight(a, model, n, xtr, ytr, xte, yte):
    """Cheap end-to-end check of every code path on the untrained model. It also compiles and autotunes fla's kernels
    at the shapes the training and the per-epoch evaluations use (one full batch, the whole test set in bf16 and, with
    --select-on both, in fp32), so that runs started after this one's preflight find every kernel in the shared
    Triton cache (2026-12-07, seventh session: preflight at 64 rows, then four runs compiling the training's own
    shapes side by side finished no epoch in 170 s)."""
    import torch, torch.nn.functional as F
    info = {}
    model.train()
    lg = model(input_ids=xtr[:a.bs], use_cache=False).logits
    F.cross_entropy(lg.float().flatten(0, 1), ytr[:a.bs].flatten()).backward()
    model.zero_grad(set_to_none=True)
    del lg
    model.eval()
    ids = xte[:2]
    with torch.no_grad():
        bf = model(input_ids=ids, use_cache=False).logits.float()
        m32 = copy.deepcopy(model).float().eval()
        f32 = m32(input_ids=ids, use_cache=False).logits.float()
        curves_from_logits_fn(lambda x: model(input_ids=x, use_cache=False).logits, xte, yte)
        if a.select_on == "both":
            curves_from_logits_fn(lambda x: m32(input_ids=x, use_cache=False).logits.float(), xte, yte)
        info["bf16_vs_fp32_max_abs"] = float((bf - f32).abs().max())
        try:                                   # a cross-check only: never fatal
            man = manual_logits_fp32({k: v.float() for k, v in model.state_dict().items()}, model.config, ids)
            info["fp32_fla_vs_manual_max_abs"] = float((f32 - man).abs().max())
        except Exception as e:
            traceback.print_exc()
            info["manual_error"] = repr(e)[:300]
    del m32
    tmp = tempfile.mkdtemp(prefix="stpre", dir="/tmp")
    try:
        model.save_pretrained(tmp)
        m2 = load_saved(tmp)
        assert_untied(m2)
        err = same_state(model.state_dict(), m2.state_dict())
        assert err is None, f"save/load round trip: {err}"
        if a.export_v022:
            d = export_like_main_py(model, tmp, a.group, a.k, a.seed)
            err = check_v022(d, model)
            assert err is None, f"v022 export: {err}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("preflight", json.dumps(info), flush=True)
    if info.get("fp32_fla_vs_manual_max_abs", 1.0) > 1e-3:
        print("WARNING: the manual fp32 forward disagrees with fla's modules in fp32", flush=True)
    return info


def main():
    a = parse()
    if a.summary is not None:
        return summary(a.summary)
    assert a.out, "--out is required"
    table = cayley_table(a.group)
    n = len(table)
    os.makedirs(a.out, exist_ok=True)
    xtr_np, ytr_np, xte_np, yte_np = make_data(a, table)
    csv_name = f"{a.group}={a.k_test}.csv"
    with open(os.path.join(a.out, csv_name), "w") as f:
        f.write(csv_text(xte_np, yte_np, a.test_seed))
    print(f"{a.group} |G|={n} train {xtr_np.shape} test {xte_np.shape} data ready at {now()}s", flush=True)

    import torch, torch.nn.functional as F
    fla = fla_setup()
    import transformers, triton
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    xtr, ytr = (t.cuda() for t in with_bos(xtr_np, ytr_np, n))
    xte, yte = (t.cuda() for t in with_bos(xte_np, yte_np, n))
    model = build_model(n, a).cuda().to(torch.bfloat16)        # main.py trains bf16 weights
    assert_untied(model)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"params {n_params}  fla {fla.__version__} torch {torch.__version__} transformers "
          f"{transformers.__version__} triton {triton.__version__} on {torch.cuda.get_device_name()}", flush=True)
    try:
        pre = preflight(a, model, n, xtr, ytr, xte, yte)
    except Exception:
        traceback.print_exc()
        print("PREFLIGHT FAILED", flush=True)
        sys.exit(EXIT_PREFLIGHT)
    print(f"preflight done at {now()}s", flush=True)

    params = list(model.parameters())
    # fp32 masters: AdamW updates fp32 copies; the bf16 model (same kernels as main.py) is their rounding
    master = [p.detach().float().clone() for p in params] if a.master == "fp32" else None
    opt = torch.optim.AdamW(master or params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=a.wd)
    spe = math.ceil(len(xtr) / a.bs)
    sched_epochs = a.epochs
    step, history, best, best_sd, ep_times = 0, [], None, None, []
    stop_reason = "epochs"
    try:
        for epoch in range(a.epochs):
            te = time.time()
            model.train()
            perm = torch.randperm(len(xtr), device="cuda")
            tot = torch.zeros((), device="cuda")
            for i in range(0, len(xtr), a.bs):
                for g in opt.param_groups:          # CosineAnnealingLR(T_max = sched_epochs * spe), eta_min 0
                    g["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * min(step, sched_epochs * spe) / (sched_epochs * spe)))
                idx = perm[i:i + a.bs]
                logits = model(input_ids=xtr[idx], use_cache=False).logits      # never pass labels: fla would shift
                loss = F.cross_entropy(logits.float().flatten(0, 1), ytr[idx].flatten())   # all k+1 positions
                opt.zero_grad(set_to_none=True)
                model.zero_grad(set_to_none=True)
                loss.backward()
                if master:
                    for m32, p in zip(master, params):
                        m32.grad = p.grad.float()
                opt.step()
                if master:
                    with torch.no_grad():
                        for m32, p in zip(master, params):
                            p.copy_(m32)
                tot += loss.detach()
                step += 1
            model.eval()
            ev = curves_from_logits_fn(lambda ids: model(input_ids=ids, use_cache=False).logits, xte, yte)
            acc = ev["prefix_sequence_accuracy"]
            ep_times.append(time.time() - te)
            h = {"epoch": epoch, "train_loss": round(tot.item() / spe, 5), "lr_end": a.lr * 0.5 * (1 + math.cos(
                math.pi * min(step, sched_epochs * spe) / (sched_epochs * spe))), "acc_at_k": acc[a.k],
                 "acc_at_k_test": acc[-1], "token_acc_mean": round(ev["token_accuracy_mean"], 5),
                 "val_loss": round(ev["loss"], 5), "epoch_s": round(ep_times[-1], 2), "t": now()}
            kt = acc[-1]
            if a.select_on == "both":       # the same bf16 weights through the fp32 reference forward
                m32 = copy.deepcopy(model).float().eval()
                ev32 = curves_from_logits_fn(lambda ids: m32(input_ids=ids, use_cache=False).logits.float(), xte, yte)
                del m32
                h["acc_at_k_test_fp32"] = ev32["prefix_sequence_accuracy"][-1]
                kt = min(kt, h["acc_at_k_test_fp32"])
            history.append(h)
            print(json.dumps(h), flush=True)
            key = (kt, acc[a.k], ev["token_accuracy_mean"])   # main.py: best acc at k_test; ties -> later
            if best is None or key >= best:
                best = key
                best_sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
                model.save_pretrained(a.out)
                h["saved"] = True
            if kt >= a.stop_at:
                stop_reason = f"acc@{a.k_test} >= {a.stop_at}"
                break
            recent = ep_times[1:][-3:] or ep_times[-1:]
            t_ep = sum(recent) / len(recent)
            left = a.max_seconds - a.reserve - (time.time() - T_START)
            if left < t_ep:
                stop_reason = "time cap"
                break
            if a.fit_schedule and epoch >= 1:
                sched_epochs = max(epoch + 2, min(a.epochs, epoch + 1 + int(left // t_ep)))
    except Exception:
        traceback.print_exc()
        stop_reason = "error: " + traceback.format_exc(limit=1).strip().splitlines()[-1]
        if best_sd is None:
            raise
    print(f"training stopped ({stop_reason}) after {len(history)} epochs at {now()}s", flush=True)
    finalize(a, n, table, model, best_sd, xte, yte, history, stop_reason, sched_epochs, pre, n_params, csv_name)


def finalize(a, n, table, model, best_sd, xte, yte, history, stop_reason, sched_epochs, pre, n_params, csv_name):
    import torch, fla, transformers, triton
    from safetensors.torch import save_file
    out = a.out
    sel = max((h for h in history if h.get("saved")), key=lambda h: h["epoch"])
    meta = {
        "task": "group_word_problem", "group": a.group, "group_order": n, "vocab_size": n + len(SPECIALS),
        "vocab": {"elements": [0, n - 1], **{s: n + i for i, s in enumerate(SPECIALS)}},
        "element_order": "S_n: itertools.permutations(range(n)) order; A_n: its even members in that order; Z_n: i; "
                         "G1_x_G2: i1*|G2|+i2; index 0 = identity; target_t = x_1 o ... o x_t, (a o b)[i] = a[b[i]]",
        "sequence_format": "input_ids = [BOS, x_1..x_k], labels = [BOS, t_1..t_k]; logits at t scored against labels[t] "
                           "(no shift); argmax over the full vocabulary; curve index t = 0..k (0 = BOS position)",
        "k_train": a.k, "k_test": a.k_test, "n_test": a.test_samples, "test_seed": a.test_seed,
        "test_csv": {"file": csv_name, "sha256": sha256(os.path.join(out, csv_name)),
                     "generator": f"generate_data.py --group={a.group} --k={a.k_test} --samples={a.test_samples} "
                                  f"--seed={a.test_seed}", "row_order": "CPython set iteration order (list(set)), "
                                  "as generate_data.py writes; curves and expected.safetensors use this row order"},
        "train_data": {"k": a.k, "samples": a.train_samples, "seed": a.data_seed,
                       "generator": f"generate_data.py --group={a.group} --k={a.k} --samples={a.train_samples} "
                                    f"--seed={a.data_seed}"},
        "model": {"label": f"DeltaProduct_{a.nh}[{'-1' if a.neg else '0'},1], {a.layers} layer{'s' * (a.layers > 1)}",
                  "num_householder": a.nh, "allow_neg_eigval": a.neg, "eigenvalue_range": "[-1,1]" if a.neg else "[0,1]",
                  "num_hidden_layers": a.layers, "hidden_size": a.hidden, "num_heads": a.heads, "head_dim": a.head_dim,
                  "params": n_params, "weights_dtype": "bfloat16", "layout": "fla >= 0.3 merged (k_proj/v_proj/b_proj)"},
        "training": {"optimizer": f"AdamW(lr={a.lr}, betas=(0.9,0.999), eps=1e-8, weight_decay={a.wd})",
                     "batch_size": a.bs, "epochs_max": a.epochs, "cosine_epochs_final": sched_epochs,
                     "fit_schedule": a.fit_schedule, "seed": a.seed, "stop_at": a.stop_at, "stop_reason": stop_reason,
                     "epochs_run": len(history), "selected_epoch": sel["epoch"],
                     "selection": "best (acc@k_test, acc@k_train, token_acc_mean), ties -> later epoch; acc@k_test "
                                  + ("= min(fla bf16, fp32 reference)" if a.select_on == "both" else "= fla bf16"),
                     "master_weights": a.master,
                     "max_seconds": a.max_seconds, "wall_seconds_at_finalize": now(), "history": history},
        "versions": {"fla": fla.__version__, "torch": torch.__version__, "transformers": transformers.__version__,
                     "triton": triton.__version__, "device": torch.cuda.get_device_name()},
        "preflight": pre, "errors": [],
    }
    jpath = os.path.join(out, "state_tracking.json")

    def dump():
        with open(jpath, "w") as f:
            json.dump(meta, f, indent=1)

    dump()
    try:
        m = load_saved(out)
        assert_untied(m)
        err = same_state(best_sd, m.state_dict())
        meta["reload_check"] = err or "from_pretrained weights == selected epoch's weights"
        if err:
            meta["errors"].append(f"reload mismatch: {err}")
            m.load_state_dict(best_sd)
    except Exception as e:
        traceback.print_exc()
        meta["errors"].append(f"reload: {e!r}"[:400])
        m = model
        m.load_state_dict(best_sd)
    m.eval()
    bf = curves_from_logits_fn(lambda ids: m(input_ids=ids, use_cache=False).logits, xte, yte)
    meta["fla_bf16_curve"] = dict(bf, how="fla 0.5.2 Triton chunk kernels, bf16 weights and activations, "
                                          "model reloaded from model.safetensors")
    dump()
    m32 = copy.deepcopy(m).float().eval()
    f32 = curves_from_logits_fn(lambda ids: m32(input_ids=ids, use_cache=False).logits.float(), xte, yte)
    meta["fp32_reference_curve"] = dict(f32, how="fla 0.5.2 modules in fp32 (weights upcast from bf16, no TF32), "
                                                 "chunk_gated_delta_product replaced by an fp32 token-by-token recurrence")
    sd32 = {k: v.float() for k, v in m.state_dict().items()}
    try:
        man = curves_from_logits_fn(lambda ids: manual_logits_fp32(sd32, m.config, ids), xte, yte)
        meta["fp32_manual_check"] = {
            "curve_max_abs_diff": max(abs(p - q) for p, q in zip(man["prefix_sequence_accuracy"], f32["prefix_sequence_accuracy"])),
            "token_acc_max_abs_diff": max(abs(p - q) for p, q in zip(man["token_accuracy"], f32["token_accuracy"])),
            "how": "state dict only, hand-written forward (no fla code)"}
    except Exception as e:
        traceback.print_exc()
        meta["errors"].append(f"manual fp32: {e!r}"[:400])
    ids, lab = xte[:a.n_expected], yte[:a.n_expected]
    with torch.no_grad():
        lg32 = m32(input_ids=ids, use_cache=False).logits.float()
        lgbf = m(input_ids=ids, use_cache=False).logits.float()
    meta["expected"] = {"file": "expected.safetensors", "rows": list(range(a.n_expected)),
                        "tensors": "input_ids, labels [N,k_test+1] int64; logits_fp32 (as fp32_reference_curve), "
                                   "logits_bf16 (fla bf16 kernels) [N,k_test+1,V] float32",
                        "max_abs_bf16_vs_fp32": float((lgbf - lg32).abs().max()),
                        "argmax_mismatch_bf16_vs_fp32": int((lgbf.argmax(-1) != lg32.argmax(-1)).sum())}
    try:
        with torch.no_grad():
            meta["expected"]["max_abs_fp32_vs_manual"] = float((lg32 - manual_logits_fp32(sd32, m.config, ids)).abs().max())
    except Exception as e:
        meta["errors"].append(f"manual fp32 (expected rows): {e!r}"[:400])
    save_file({"input_ids": ids.cpu().contiguous(), "labels": lab.cpu().contiguous(),
               "logits_fp32": lg32.cpu().contiguous(), "logits_bf16": lgbf.cpu().contiguous()},
              os.path.join(out, "expected.safetensors"),
              metadata={"group": a.group, "k_test": str(a.k_test), "rows": f"first {a.n_expected} rows of {csv_name}"})
    dump()
    if a.export_v022:
        try:
            d = export_like_main_py(m, out.rstrip("/") + "-v022", a.group, a.k, a.seed)
            err = check_v022(d, m)
            meta["v022_copy"] = {"dir": os.path.relpath(d, os.path.dirname(out.rstrip("/"))),
                                 "check": err or "per-step tensors re-merged == model.safetensors tensors"}
        except Exception as e:
            traceback.print_exc()
            meta["errors"].append(f"v022 export: {e!r}"[:400])
    meta["training"]["wall_seconds_total"] = now()
    dump()
    print("RESULT " + json.dumps({"out": out, "group": a.group, "nh": a.nh, "neg": a.neg, "layers": a.layers,
                                  "epochs": len(history), "selected": sel["epoch"], "stop": stop_reason, "master": a.master,
                                  "bf16@k": bf["prefix_sequence_accuracy"][a.k], "bf16@kt": bf["sequence_accuracy"],
                                  "fp32@k": f32["prefix_sequence_accuracy"][a.k], "fp32@kt": f32["sequence_accuracy"],
                                  "errors": meta["errors"], "s": now()}), flush=True)


def summary(dirs):
    rows = []
    for d in dirs:
        p = os.path.join(d, "state_tracking.json")
        if not os.path.exists(p):
            rows.append((os.path.basename(d.rstrip("/")), "no state_tracking.json"))
            continue
        j = json.load(open(p))
        k, kt = j["k_train"], j["k_test"]
        bf, f32 = j.get("fla_bf16_curve", {}), j.get("fp32_reference_curve", {})
        g = lambda c, t: f"{c['prefix_sequence_accuracy'][t]:.3f}" if c else "-"
        tr = j["training"]
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        rows.append((os.path.basename(d.rstrip("/")), f"{j['group']} {j['model']['label']}", tr["epochs_run"],
                     tr["selected_epoch"], tr.get("wall_seconds_total", "-"), g(bf, k), g(bf, kt), g(f32, k), g(f32, kt),
                     j.get("fp32_manual_check", {}).get("curve_max_abs_diff", "-"), f"{size / 1e6:.2f}MB",
                     tr["stop_reason"], ";".join(j.get("errors", [])) or "-"))
    print("name | model | epochs | sel | wall_s | bf16@k | bf16@kt | fp32@k | fp32@kt | manual_diff | size | stop | errors")
    for r in rows:
        print(" | ".join(map(str, r)))


if __name__ == "__main__":
    main()
