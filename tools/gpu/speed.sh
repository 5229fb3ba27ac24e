#!/usr/bin/env bash
# Issue 13's measurements on a GPU host, every figure beside its anchor in this one call: DeltaEval's forward
# throughput against fla's own Triton kernels (fla_bench.py), and DeltaEval's eval against lm-eval's HFLM with fla on
# exactly the logged requests (lmeval_rescore.py). Needs .gpu-kit/ (make-kit.sh) and .gpu-data/ (the anchors' tarballs
# and scripts from shared/gpu-host, tasks.tar.xz with the first 500 arc_easy and hellaswag documents).
set -uo pipefail
OUT=${OUT:-/tmp/speed-out}; mkdir -p "$OUT"
bash .gpu-kit/setup.sh >/dev/null || exit 1
D=/tmp/deltaeval-gpu/deltaeval; W=/tmp/speed; rm -rf $W; mkdir -p $W/py
tar xJf .gpu-data/fla-0.5.2.tar.xz -C $W/py; tar xJf .gpu-data/lm-eval-4e7e0d4.tar.xz -C $W/py; tar xJf .gpu-data/tasks.tar.xz -C $W
export TRITON_CACHE_DIR=/tmp/triton-cache PYTHONUNBUFFERED=1
peak() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits > $W/mem; ( while :; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits >> $W/mem; sleep 0.2; done ) & PK=$!; }
endpeak() { kill $PK; wait $PK 2>/dev/null; echo "  peak GPU memory $(sort -n $W/mem | tail -1) MiB (nvidia-smi, process total)"; }
echo "== forward, tokens/s: DeltaEval ${DTYPES:-fp16 fp32} then fla bf16"
for nh in ${NHS:-2 1 3}; do cfg=$(case $nh in 1) echo delta_product_340m_-1_1_1_4k;; 2) echo delta_product_340m_-1_1_2_4k_8h;; 3) echo delta_product_340m_-1_1_3_4k_6h;; esac)
  for dt in ${DTYPES:-fp16 fp32}; do for shape in 8x4096 1x16384; do
    peak; $D bench forward --config $cfg --device gpu --dtype $dt --batch ${shape%x*} --length ${shape#*x} --iterations 3 2>&1 | grep -E "tokens/s|error"; endpeak
  done; done
  peak; PYTHONPATH=$W/py python3 .gpu-data/fla_bench.py $nh 8x4096,1x16384 2>&1 | grep "^nh"; endpeak
done
[ "${EVAL:-1}" = 1 ] || exit 0
echo "== eval arc_easy + hellaswag (500 + 500 documents), 417M random model in fla's current layout"
$D init --layout fla-current --config delta_product_340m_-1_1_2_4k_8h --out $W/m417 --tokenizer checkpoints/demo-dp2-6m/tokenizer.json >/dev/null
cp checkpoints/demo-dp2-6m/tokenizer_config.json checkpoints/demo-dp2-6m/special_tokens_map.json $W/m417/
for run in ${EVALS:-fp16:auto fp32:auto}; do dt=${run%:*}; bs=${run#*:}
  /usr/bin/time -f "DeltaEval eval $dt batch $bs: %e s wall (JVM start and model load included)" $D eval $W/m417 --tasks arc_easy,hellaswag --limit 500 --data-dir $W/tasks --device gpu --dtype $dt --batch-size $bs --log-samples --no-cache --output $W/ev-$dt-$bs 2>&1 | grep -E "wall|documents|wrote|error"
done
first=$(ls -d $W/ev-fp16-* | head -1)
PYTHONPATH=$W/py:.gpu-data REPEAT=2 python3 .gpu-data/lmeval_rescore.py $W/m417 $first bfloat16 64 2>&1 | grep -E "pass|max_abs" | tail -8
