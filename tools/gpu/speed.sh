#!/usr/bin/env bash
# Issue 13's measurements on a GPU host, every figure beside its anchor in this one call: DeltaEval's forward
# throughput against fla's own Triton kernels (fla_bench.py), and DeltaEval's eval against lm-eval's HFLM with fla on
# exactly the logged requests (lmeval_rescore.py). Needs .gpu-kit/ (make-kit.sh) and .gpu-data/ (the anchors' tarballs
# and scripts from shared/gpu-host, tasks.tar.xz with the first 500 arc_easy and hellaswag documents).
#
# STEPS (in order, default "forward eval lmeval"): forward (bench forward per NHS x DTYPES x SHAPES, then fla_bench),
# breakdown (bench forward --breakdown, fp16, per BNHS x BCHUNKS), tasks (bench tasks --breakdown), demo (the 6M demo in
# fp16 and fp32, batched and one-prompt generation), fixtures (fla's logits in fp32 and fp16), eval (DeltaEval eval per EVALS dtype:batch), lmeval (HFLM on
# the first eval's logged requests, a Triton-compiling pass then a warm one). A Triton cache from an earlier call
# (.gpu-data/triton-cache.tar.xz) is reused and the new one written to $OUT, so compile time is paid once.
set -uo pipefail
OUT=${OUT:-/tmp/speed-out}; mkdir -p "$OUT"
bash .gpu-kit/setup.sh >/dev/null || exit 1
D=/tmp/deltaeval-gpu/deltaeval; W=/tmp/speed; rm -rf $W; mkdir -p $W/py
tar xJf .gpu-data/fla-0.5.2.tar.xz -C $W/py; tar xJf .gpu-data/lm-eval-4e7e0d4.tar.xz -C $W/py; tar xJf .gpu-data/tasks.tar.xz -C $W
export TRITON_CACHE_DIR=/tmp/triton-cache PYTHONUNBUFFERED=1
[ -f .gpu-data/triton-cache.tar.xz ] && mkdir -p $TRITON_CACHE_DIR && tar xJf .gpu-data/triton-cache.tar.xz -C $TRITON_CACHE_DIR
peak() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits > $W/mem; ( while :; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits >> $W/mem; sleep 0.2; done ) & PK=$!; }
endpeak() { kill $PK; wait $PK 2>/dev/null; echo "  peak GPU memory $(sort -n $W/mem | tail -1) MiB (nvidia-smi, process total)"; }
config() { case $1 in 1) echo delta_product_340m_-1_1_1_4k;; 2) echo delta_product_340m_-1_1_2_4k_8h;; 3) echo delta_product_340m_-1_1_3_4k_6h;; esac; }
SHAPES=${SHAPES:-8x4096 1x16384}

forward() {
  echo "== forward, tokens/s: DeltaEval ${DTYPES:-fp16 fp32} then fla bf16 ($SHAPES)"
  for nh in ${NHS:-2 1 3}; do cfg=$(config $nh)
    for dt in ${DTYPES:-fp16 fp32}; do for shape in $SHAPES; do
      peak; $D bench forward --config $cfg --device gpu --dtype $dt --batch ${shape%x*} --length ${shape#*x} --iterations 3 2>&1 | grep -E "tokens/s|error"; endpeak
    done; done
    peak; PYTHONPATH=$W/py python3 .gpu-data/fla_bench.py $nh ${SHAPES// /,} 2>&1 | grep "^nh"; endpeak
  done
}

breakdown() {
  for ch in ${BCHUNKS:-64}; do echo "== breakdown, fp16, $BSHAPE, chunk $ch sub-steps"
  for nh in ${BNHS:-2}; do
    $D bench forward --config $(config $nh) --device gpu --dtype fp16 --batch ${BSHAPE%x*} --length ${BSHAPE#*x} --iterations 2 --chunk $ch --breakdown 2>&1 | grep -vE "iteration|benchmarking|^deltaeval:|^writing"
  done; done
}
BSHAPE=${BSHAPE:-8x4096}

eval_() {
  echo "== eval arc_easy + hellaswag (500 + 500 documents), 417M random model in fla's current layout"
  [ -d $W/m417 ] || { $D init --layout fla-current --config delta_product_340m_-1_1_2_4k_8h --out $W/m417 --tokenizer checkpoints/demo-dp2-6m/tokenizer.json >/dev/null
    cp checkpoints/demo-dp2-6m/tokenizer_config.json checkpoints/demo-dp2-6m/special_tokens_map.json $W/m417/; }
  for run in ${EVALS:-fp16:auto fp32:auto}; do dt=${run%:*}; bs=${run#*:}
    peak; /usr/bin/time -f "DeltaEval eval $dt batch $bs: %e s wall (JVM start and model load included)" $D eval $W/m417 --tasks arc_easy,hellaswag --limit 500 --data-dir $W/tasks --device gpu --dtype $dt --batch-size $bs --log-samples --no-cache --output $W/ev-$dt-${bs//\//_} 2>&1 | grep -E "wall|wrote|error|Error"; endpeak
  done
}

tasks() {
  echo "== bench tasks --breakdown, 417M, fp16, batch auto (second run of each task reported)"
  $D bench tasks $W/m417 --tasks arc_easy,hellaswag --limit 500 --data-dir $W/tasks --modes forked --device gpu --dtype fp16 --breakdown 2>&1 | grep -v "^deltaeval:"
}

demo() {
  echo "== demo-dp2-6m: fp16 vs fp32 (target 3) and generation batched vs one prompt at a time (target 4)"
  for dt in fp16 fp32; do for shape in 16x512 1x2048; do
    $D bench forward --checkpoint checkpoints/demo-dp2-6m --device gpu --dtype $dt --batch ${shape%x*} --length ${shape#*x} --iterations 5 2>&1 | grep -E "tokens/s|error"
  done; done
  T=piqa,arc_easy,arc_challenge,hellaswag,winogrande,lambada_openai,boolq,openbookqa,copa,social_iqa,wikitext_tokenized
  for dt in fp16 fp32; do /usr/bin/time -f "demo eval, 11 sample tasks, $dt: %e s wall" $D eval --tasks $T --device gpu --dtype $dt --log-samples --no-cache --output $W/demo-$dt 2>&1 | grep -E "wall|error"; done
  python3 tools/gpu/compare.py samples $W/demo-fp16 $W/demo-fp32 | tail -3
  for bs in auto 1; do /usr/bin/time -f "demo generation swde,fda,squad_completion fp16 batch $bs: %e s wall" $D eval --tasks swde,fda,squad_completion --device gpu --dtype fp16 --batch-size $bs --log-samples --no-cache --output $W/gen-$bs 2>&1 | grep -E "wall|error"; done
  python3 tools/gpu/compare.py samples $W/gen-auto $W/gen-1 | tail -3
}

fixtures() {
  echo "== fla fixtures on the GPU: fp32 (bar 1e-3), fp16 drift"
  for fx in deltanet/src/test/resources/fla-golden/*/; do n=$(basename $fx)
    for dt in fp32 fp16; do
      $D forward $fx --input-ids $fx/expected.safetensors --out $W/$n-$dt.st --device gpu --dtype $dt >/dev/null 2>$W/err || cat $W/err
      printf '%-24s %s ' $n $dt; python3 tools/gpu/compare.py logits $W/$n-$dt.st $fx/expected.safetensors $([ $dt = fp32 ] && echo 1e-3 || echo 1e9)
    done; done
}

lmeval() {
  first=$(ls -d $W/ev-fp16-* | head -1)
  echo "== lm-eval HFLM + fla, bf16, batch 64, on the requests of $(basename $first)"
  PYTHONPATH=$W/py:.gpu-data REPEAT=2 timeout ${LMEVAL_LIMIT:-400} python3 .gpu-data/lmeval_rescore.py $W/m417 $first bfloat16 64 2>&1 | grep -E "pass|max_abs" | tail -8
}

for step in ${STEPS:-forward eval lmeval}; do
  case $step in eval) eval_;; *) $step;; esac
done
[ -d $TRITON_CACHE_DIR ] && tar cJf $OUT/triton-cache.tar.xz -C $TRITON_CACHE_DIR . && echo "triton cache: $(du -h $OUT/triton-cache.tar.xz | cut -f1)"
