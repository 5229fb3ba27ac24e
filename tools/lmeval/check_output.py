"""Feeds a DeltaEval eval output folder to lm-evaluation-harness's own readers, as a user's tooling would:

- lm_eval.utils.make_table on every results file (the table lm-eval prints), and
- scripts/zeno_visualize.py's main() on the folder (one subfolder per model, latest results and samples files found
  by lm_eval.utils' file-name helpers, metrics from configs.<task>.metric_list, datasets and systems built from the
  samples), with pandas and zeno_client replaced by recorders when they are not installed.

Usage: python3 tools/lmeval/check_output.py --lm-eval LM_EVAL_CHECKOUT OUTPUT_DIR
Exit 0 when every reader accepted every file; prints what each produced.
"""
import argparse
import glob
import importlib.util
import json
import os
import sys
import types


def stub(name, **attrs):
    m = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules[name] = m
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lm-eval", required=True)
    ap.add_argument("output")
    a = ap.parse_args()
    sys.path.insert(0, a.lm_eval)
    for name in ["tqdm", "sacrebleu", "evaluate", "dill", "more_itertools"]:
        try:
            __import__(name)
        except ImportError:
            stub(name, tqdm=lambda x=None, *k, **kw: x)
    try:
        import pytablewriter  # noqa: F401
    except ImportError:
        class Writer:
            def __init__(self):
                self.headers, self.value_matrix = [], []

            def dumps(self):
                rows = [self.headers] + self.value_matrix
                return "\n".join("|" + "|".join(str(c) for c in r) + "|" for r in rows)
        stub("pytablewriter", MarkdownTableWriter=Writer, LatexTableWriter=Writer)
    from lm_eval.utils import make_table

    models = [d for d in sorted(os.listdir(a.output)) if os.path.isdir(os.path.join(a.output, d))
              and glob.glob(os.path.join(a.output, d, "results_*.json"))]
    assert models, f"no model folder with results_*.json under {a.output} (lm-eval's layout)"
    for m in models:
        for f in sorted(glob.glob(os.path.join(a.output, m, "results_*.json"))):
            with open(f, encoding="utf-8") as fh:
                r = json.load(fh)
            print(f"make_table({os.path.relpath(f, a.output)}):")
            print(make_table(r))

    # zeno_visualize.py, unmodified, against recording stand-ins for its two third-party dependencies
    uploads = []

    class Frame(dict):
        def __init__(self, d):
            super().__init__(d)
            lengths = {len(v) for v in d.values() if isinstance(v, list)}
            assert len(lengths) == 1, f"columns of unequal length: {lengths}"

    class Project:
        def upload_dataset(self, df, **kw):
            uploads.append(("dataset", df, kw))

        def upload_system(self, df, **kw):
            uploads.append(("system", df, kw))

    class Client:
        def __init__(self, key):
            pass

        def create_project(self, **kw):
            uploads.append(("project", kw["name"], [m.name for m in kw["metrics"]]))
            return Project()

    class Metric:
        def __init__(self, name, type, columns):
            self.name = name

    try:
        import pandas  # noqa: F401
    except ImportError:
        stub("pandas", DataFrame=Frame)
    try:
        import zeno_client  # noqa: F401
    except ImportError:
        stub("zeno_client", ZenoClient=Client, ZenoMetric=Metric)
    os.environ.setdefault("ZENO_API_KEY", "offline-check")
    spec = importlib.util.spec_from_file_location("zeno_visualize",
                                                  os.path.join(a.lm_eval, "scripts", "zeno_visualize.py"))
    zv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(zv)
    sys.argv = ["zeno_visualize.py", "--data_path", a.output, "--project_name", "deltaeval-check"]
    zv.main()
    projects = [u for u in uploads if u[0] == "project"]
    print(f"zeno_visualize: {len(projects)} projects, "
          f"{sum(1 for u in uploads if u[0] == 'system')} systems uploaded")
    for _, name, metrics in projects:
        print(f"  {name}: metrics {metrics}")
        assert metrics or name.endswith("_wikitext") or name.endswith("_wikitext_tokenized"), \
            f"{name}: Zeno found no mean metric in configs.<task>.metric_list"
    print("lm-eval's readers accepted the folder")


if __name__ == "__main__":
    main()
