"""The requests lm-evaluation-harness's own task code builds for DeltaEval's task data, and a byte-for-byte
comparison with the requests DeltaEval builds (`deltaeval data requests`).

lm-eval's ConfigurableTask (and the SWDE / FDA / SQuADCompletion classes) run unmodified on the task YAMLs and
utils.py of an lm-eval checkout; only `datasets.load_dataset` is replaced, by the documents of DeltaEval's data files
put into the Hub layout lm-eval reads (converters below, written here from the datasets' published layouts). No
network, no model, no torch: numpy, PyYAML and Jinja2 are enough (tqdm, sacrebleu, ... are stubbed when absent).

Usage:
  python3 tools/lmeval/lm_eval_requests.py --lm-eval LM_EVAL_ROOT --data-dir DIR [--tasks a,b] --out FILE.jsonl
  python3 tools/lmeval/lm_eval_requests.py ... --compare DELTAEVAL.jsonl   # exit 1 on any difference

LM_EVAL_ROOT is a folder holding the `lm_eval` package with its `tasks/` folders (a git checkout of
lm-evaluation-harness). Each output line: {"task", "doc_id", "arguments": [[arg_0, arg_1], ...], "target",
"doc_hash", "prompt_hash", "target_hash", "layout_converted"}; the hashes are lm-eval's samples-file hashes, and
doc_hash is compared only where the file already was in the Hub layout (no conversion here).
"""
import argparse
import json
import os
import re
import sys
import types

TASKS = ["arc_challenge", "arc_easy", "boolq", "copa", "fda", "hellaswag", "lambada_openai", "lambada_standard",
         "openbookqa", "piqa", "sciq", "social_iqa", "squad_completion", "swde", "wikitext", "wikitext_tokenized",
         "winogrande"]

# DeltaEval's default file per task (its task definitions) and, for wikitext_tokenized, the lm-eval task it reuses
FILES = {"arc_challenge": "arc_challenge_test.jsonl", "arc_easy": "arc_easy_test.jsonl", "boolq": "boolq_dev.jsonl",
         "copa": "copa_superglue_val.jsonl", "fda": "fda_validation.jsonl", "hellaswag": "hellaswag_val.jsonl",
         "lambada_openai": "lambada_openai_test.jsonl", "lambada_standard": "lambada_standard_test.jsonl",
         "openbookqa": "openbookqa_main_test.jsonl", "piqa": "piqa_valid.jsonl", "sciq": "sciq_test.jsonl",
         "social_iqa": "socialiqa_dev.jsonl", "squad_completion": "squad_completion_validation.jsonl",
         "swde": "swde_validation.jsonl", "wikitext": "wikitext_document_level-wikitext-2-raw-v1_test.jsonl",
         "wikitext_tokenized": "wikitext-2-v1_test.tokens.NOT-RAW.txt", "winogrande": "winogrande_1.1_dev.jsonl"}
LABELS = {"piqa": "piqa_valid-labels.lst", "social_iqa": "socialiqa_dev-labels.lst"}
LM_EVAL_TASK = {"wikitext_tokenized": "wikitext"}


def stub_modules():
    """Modules lm-eval imports but never uses for building requests; a stand-in `datasets` serving local docs."""
    for name in ["tqdm", "sacrebleu", "evaluate", "pytablewriter", "dill", "more_itertools"]:
        try:
            __import__(name)
        except ImportError:
            m = types.ModuleType(name)
            if name == "tqdm":
                m.tqdm = lambda x=None, *a, **k: x
            sys.modules[name] = m
    ds = types.ModuleType("datasets")

    class Dataset(list):
        def map(self, fn, **kw):
            out = Dataset()
            for d in self:
                n = dict(d)
                n.update(fn(d))
                out.append(n)
            return out

        @property
        def features(self):
            return {k: None for k in (self[0] if self else {})}

        @property
        def column_names(self):
            return list(self.features)

    class DatasetDict(dict):
        pass

    ds.Dataset, ds.DatasetDict, ds.SERVED = Dataset, DatasetDict, {}

    def load_dataset(path=None, name=None, **kw):
        docs = ds.SERVED["docs"]
        return DatasetDict({s: Dataset(docs) for s in ("train", "validation", "test")})

    ds.load_dataset = load_dataset
    ds.Features, ds.Value = dict, object
    sys.modules["datasets"] = ds
    return ds


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def wikitext_pages(text):
    """EleutherAI/wikitext_document_level's pages: a new page at each " = Title = " line (not " = = Sub = = ")."""
    pages, cur = [], []
    for line in text.splitlines(keepends=True):
        heading = line.startswith(" = ") and not line.startswith(" = = ") and line.rstrip().endswith(" =")
        if heading and "".join(cur).strip():
            pages.append("".join(cur))
            cur = []
        cur.append(line)
    if "".join(cur).strip():
        pages.append("".join(cur))
    return pages


def hub_layout(task, data_dir):
    """The documents of DeltaEval's file in the layout of the Hub dataset lm-eval's YAML names."""
    path = os.path.join(data_dir, FILES[task])
    if task == "wikitext_tokenized":
        with open(path, encoding="utf-8") as f:
            return [{"page": p} for p in wikitext_pages(f.read())]
    docs = read_jsonl(path)
    if task in LABELS:
        with open(os.path.join(data_dir, LABELS[task]), encoding="utf-8") as f:
            labels = [l.strip() for l in f if l.strip()]
        for d, l in zip(docs, labels):
            d["label"] = int(l) if task == "piqa" else l   # baber/piqa: int; lighteval/siqa: "1".."3"
    if task in ("arc_easy", "arc_challenge", "openbookqa"):
        out = []
        for d in docs:
            q = d["question"]
            if isinstance(q, dict):   # AI2's own layout
                choices = {"text": [c["text"] for c in q["choices"]], "label": [c["label"] for c in q["choices"]]}
                key = "question_stem" if task == "openbookqa" else "question"
                d = {"id": d["id"], key: q["stem"], "choices": choices, "answerKey": d["answerKey"]}
            out.append(d)
        return out
    if task == "boolq" and docs and "title" in docs[0]:   # Google's layout -> super_glue's
        return [{"question": d["question"], "passage": d["title"] + " -- " + d["passage"], "idx": i,
                 "label": int(bool(d["answer"]))} for i, d in enumerate(docs)]
    return docs


def lm_eval_requests(task, docs, ds, converted):
    from lm_eval.tasks import TaskManager
    from lm_eval.utils import handle_non_serializable, hash_string
    ds.SERVED["docs"] = docs
    tm = TaskManager()
    obj = tm.load_task_or_group([LM_EVAL_TASK.get(task, task)])
    t = list(obj.values())[0]
    t.set_config(key="num_fewshot", value=0)
    t.build_all_requests(limit=None, rank=0, world_size=1)
    by_doc = {}
    for inst in t.instances:
        by_doc.setdefault(inst.doc_id, []).append(inst)
    rows = []
    for doc_id, doc in t.doc_iterator(rank=0, limit=None, world_size=1):
        reqs = sorted(by_doc[doc_id], key=lambda i: i.idx)
        target = t.doc_to_target(doc)
        # the three hashes exactly as lm-eval's evaluate() computes them for its samples file
        rows.append({"task": task, "doc_id": doc_id, "arguments": [list(r.args) for r in reqs],
                     "target": str(target),
                     "doc_hash": hash_string(json.dumps(reqs[0].doc, indent=2, default=handle_non_serializable,
                                                        ensure_ascii=False)),
                     "prompt_hash": hash_string(reqs[0].arguments[0]), "target_hash": hash_string(str(target)),
                     "layout_converted": converted})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lm-eval", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--out")
    ap.add_argument("--compare")
    a = ap.parse_args()
    sys.path.insert(0, a.lm_eval)
    ds = stub_modules()
    import logging
    logging.disable(logging.WARNING)
    rows = []
    for task in a.tasks.split(","):
        if not os.path.exists(os.path.join(a.data_dir, FILES[task])):
            print(f"{task}: no {FILES[task]} in {a.data_dir}, skipped", file=sys.stderr)
            continue
        docs = hub_layout(task, a.data_dir)
        raw = None if task == "wikitext_tokenized" else read_jsonl(os.path.join(a.data_dir, FILES[task]))
        got = lm_eval_requests(task, docs, ds, converted=raw != docs)
        print(f"{task}: {len(got)} documents, {sum(len(r['arguments']) for r in got)} requests", file=sys.stderr)
        rows += got
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if a.compare:
        mine = {(r["task"], r["doc_id"]): r for r in read_jsonl(a.compare)}
        bad = 0
        for r in rows:
            m = mine.get((r["task"], r["doc_id"]))
            fields = ["arguments", "target", "prompt_hash", "target_hash"]
            if not r["layout_converted"]:   # the same document on both sides: lm-eval's doc_hash must match too
                fields.append("doc_hash")
            for field in fields:
                if m is None or m[field] != r[field]:
                    bad += 1
                    if bad <= 10:
                        print(f"DIFF {r['task']} doc {r['doc_id']} {field}:\n  lm-eval:   {json.dumps(r[field])[:300]}"
                              f"\n  deltaeval: {json.dumps(m[field] if m else None)[:300]}", file=sys.stderr)
        tasks = sorted({r["task"] for r in rows})
        print(f"compared {len(rows)} documents of {len(tasks)} tasks ({', '.join(tasks)}): {bad} differences")
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
