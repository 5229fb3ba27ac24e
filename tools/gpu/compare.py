"""Side-by-side checks for GPU runs (used by tools/gpu/*.sh on the device machine; needs torch and safetensors).
  compare.py logits OUT.safetensors EXPECTED.safetensors   max |logit - fla fp32 logit|
  compare.py samples DIR_A DIR_B                            per-request log-likelihoods of two eval runs
  compare.py json A.json B.json                             every numeric leaf of two result files
  compare.py curves A.json B.json                           state-tracking curves of two results (B may be a
                                                            fixture's state_tracking.json: its fp32 reference)"""
import sys, json, glob, os, math

def logits(out, expected):
    from safetensors.torch import load_file
    a, e = load_file(out)['logits'], load_file(expected)['logits_fp32']
    d = (a.double() - e.double()).abs().max().item()
    print(f'max_abs_logit_diff {d:.3e}  (logit std {e.double().std().item():.2f})')
    return d

def number(v):
    try:
        float(v); return True
    except (TypeError, ValueError):
        return False

def samples_of(d):
    out = {}
    for f in sorted(glob.glob(os.path.join(d, '**', 'samples_*.jsonl'), recursive=True)):
        task = os.path.basename(f)[len('samples_'):].rsplit('_', 1)[0]
        for line in open(f):
            s = json.loads(line)
            out[(task, s['doc_id'])] = s
    return out

def samples(a, b):
    A, B = samples_of(a), samples_of(b)
    if not A or set(A) != set(B):
        print(f'DIFFERENT DOCUMENTS: {len(A)} vs {len(B)}'); return math.inf
    worst, argmax_changes, reqs, per_task = 0.0, 0, 0, {}
    for k in A:
        ra, rb = A[k]['resps'], B[k]['resps']
        lla, llb = [], []
        for x, y in zip(ra, rb):
            x, y = x[0], y[0]
            if not isinstance(x, list):
                x, y = [x], [y]                     # rolling log-likelihood: a bare number
            if number(x[0]):
                lla.append(float(x[0])); llb.append(float(y[0])); reqs += 1
                dd = abs(float(x[0]) - float(y[0]))
                worst = max(worst, dd); per_task[k[0]] = max(per_task.get(k[0], 0.0), dd)
            elif x != y:
                print('generation differs', k); argmax_changes += 1
        if len(lla) > 1 and max(range(len(lla)), key=lla.__getitem__) != max(range(len(llb)), key=llb.__getitem__):
            argmax_changes += 1
    print(f'documents {len(A)} requests {reqs} max_abs_dll {worst:.3e} argmax_or_generation_changes {argmax_changes}')
    print('  per task: ' + ', '.join(f'{t} {v:.1e}' for t, v in sorted(per_task.items())))
    return worst

SKIP = {'provenance', 'device', 'dtype', 'date', 'timestamp', 'seconds', 'elapsed', 'tokens_per_second', 'settings'}
# a count of singular values above a threshold: any rounding flips it by one where a value sits at the threshold;
# counted separately, not held to the bar
STEP = 'numerical_rank'


def leaves(x, path=''):
    if isinstance(x, dict):
        for k, v in x.items():
            if k not in SKIP:
                yield from leaves(v, path + '/' + k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from leaves(v, f'{path}[{i}]')
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield path, float(x)

def jsons(a, b):
    A, B = dict(leaves(json.load(open(a)))), dict(leaves(json.load(open(b))))
    common = set(A) & set(B)
    steps = [k for k in common if STEP in k]
    flips = sum(1 for k in steps if A[k] != B[k])
    if steps:
        print(f'{STEP}: {flips} of {len(steps)} values differ (by at most {max([abs(A[k] - B[k]) for k in steps]):.0f})')
    common -= set(steps)
    worst, where = 0.0, ''
    for k in common:
        if math.isinf(A[k]) and A[k] == B[k]:
            continue
        d = abs(A[k] - B[k]) / max(1.0, abs(B[k]))
        if not d <= worst:
            worst, where = d, k
    print(f'{len(common)} numbers ({len(A)} vs {len(B)}), max diff (abs, or rel above 1) {worst:.3e} at {where}')
    return worst

def curves(a, b):
    A, B = json.load(open(a)), json.load(open(b))
    B = B.get('fp32_reference_curve', B)
    worst = 0.0
    for name in ('prefix_sequence_accuracy', 'token_accuracy'):
        x, y = A[name], B[name]
        if len(x) != len(y):
            print(f'{name}: {len(x)} vs {len(y)} positions'); return math.inf
        d = [abs(p - q) for p, q in zip(x, y)]
        apart = sum(1 for v in d if v > 1e-12)
        print(f'{name}: max diff {max(d):.3e}, {apart} of {len(d)} positions apart, at the end {x[-1]:.4f} vs {y[-1]:.4f}')
        worst = max(worst, max(d))
    return worst

if __name__ == '__main__':
    f = {'logits': logits, 'samples': samples, 'json': jsons, 'curves': curves}[sys.argv[1]]
    d = f(*sys.argv[2:4])
    if len(sys.argv) > 4 and not d <= float(sys.argv[4]):
        print(f'FAIL: {d:.3e} > {sys.argv[4]}'); sys.exit(1)
