#!/usr/bin/env bash
# Issue 22's native-kernel checks and timings in one device call, every ratio beside its anchor in the same call.
# Needs .gpu-kit/ (tools/gpu/make-kit.sh) and .gpu-data/ (fla-0.5.2.tar.xz and fla_bench.py from shared/gpu-host).
#   1. tools/gpu/setup.sh: DJL's JNI and, beside it, `deltaeval gpu setup` (the native library, as a user builds it)
#   2. check_kernels.py: chunk_wy, chunk_state, chunk_out and their chain against float64, chunk_state against
#      fla 0.5.2's fwd_h, then per-layer times of each against fla's matching kernel
#   3. the fla fixtures through the CLI on the native kernels (fp32, chunks of 16 so every fixture spans chunks; and
#      the stepwise form, --mode recurrent)
#   4. bench forward on the 392M n_h = 2 model: native vs djl kernels, then fla_bench.py (fla bf16)
# QUICK=1: only the library (build.sh, no Java), step 2 and memcheck, for a short device budget (FLA=0: without fla,
# the float64 checks and our kernels' own timings, no Triton compiling: ~3 minutes).
# CHECKS=0: skip steps 2 and 3 (only the build and the timings).
# NOTIME=1: no timings (steps 2 without --time, no step 4), for a call that shares the GPU with other work.
# FIXTURES=0: skip compute-sanitizer and the fla fixtures through the CLI (step 3).
# FLA=0 (without QUICK): step 2 without fla (float64 checks and our own kernel times); fla_bench.py still runs.
# PROFILE=1: Nsight Compute times every kernel of one native forward (needs ncu; ~2-4 minutes).
# BREAKDOWN="native djl": the kernels whose 8 x 4096 forward is timed stage by stage after the bench (default native).
set -uo pipefail
OUT=${OUT:-/tmp/native-out}; mkdir -p "$OUT"
W=/tmp/native; rm -rf $W; mkdir -p $W/py
export PYTHONUNBUFFERED=1 TRITON_CACHE_DIR=/tmp/triton-cache TRITON_CACHE_AUTOTUNING=1
# fla's compiled and autotuned kernels from an earlier call (.gpu-data/triton-cache.tar.xz; H100 and H200 are both
# sm_90): the anchors then start in seconds instead of minutes. The cache goes back out after fla's bench.
mkdir -p $TRITON_CACHE_DIR
[ -f .gpu-data/triton-cache.tar.xz ] && tar xJf .gpu-data/triton-cache.tar.xz -C $TRITON_CACHE_DIR 2>/dev/null
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s]"; }
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv,noheader
tar xJf .gpu-data/fla-0.5.2.tar.xz -C $W/py
if [ "${QUICK:-0}" = 1 ]; then
  LIB=$(bash gpu-kernels/src/main/native/build.sh $W/nb) || { grep -hE "error" $W/nb/*.log | head -n 40; exit 1; }; el
  FLAGS="--fla --time"; [ "${FLA:-1}" = 0 ] && FLAGS=--time-ours   # FLA=0: no fla, so no Triton compiling
  PYTHONPATH=$W/py timeout 200 python3 gpu-kernels/src/test/native/check_kernels.py $LIB $FLAGS 2>&1 | tee $OUT/check.txt; el
  timeout 120 compute-sanitizer --tool memcheck --error-exitcode 9 python3 gpu-kernels/src/test/native/sanitize_kernels.py $LIB > $W/san.txt 2>&1
  echo "memcheck: rc $? $(grep -E 'ERROR SUMMARY' $W/san.txt)" | tee $OUT/sanitizer.txt; grep -E "Invalid|Error" $W/san.txt | head -n 20; el
  exit 0
fi
cp -r .gpu-kit $W/kit && cp tools/gpu/setup.sh $W/kit/setup.sh
bash $W/kit/setup.sh 2>&1 | tail -n 4; el
cp /tmp/deltaeval-gpu/native-setup.log /tmp/deltaeval-gpu/native-build/build/*.log $OUT/ 2>/dev/null
D=/tmp/deltaeval-gpu/deltaeval
echo "== deltaeval gpu check"; $D gpu check 2>&1 | tail -n 8 | tee $OUT/gpu-check.txt; el
LIB=$(ls ~/.djl.ai/deltaeval/libdeltaeval_native-*.so 2>/dev/null | head -1)
if [ -z "$LIB" ]; then
  echo "no native library; build logs:"; grep -E "error|Error" /tmp/deltaeval-gpu/native-build/build/*.log | head -n 40
  # the call is not wasted: issue 23's state-tracking fixtures (.device-inputs, when carried) train instead
  [ -x .device-inputs/train_fixtures.sh ] && bash .device-inputs/train_fixtures.sh
  exit 1
fi

TIME=--time; [ "${NOTIME:-0}" = 1 ] && TIME=
if [ "${CHECKS:-1}" = 1 ]; then
echo "== kernel checks ($LIB)"
CHECK_FLAGS="--fla $TIME"; [ "${FLA:-1}" = 0 ] && CHECK_FLAGS="${TIME:+--time-ours}"   # FLA=0: no fla in the checks
PYTHONPATH=$W/py timeout 240 python3 gpu-kernels/src/test/native/check_kernels.py $LIB $CHECK_FLAGS 2>&1 | tee $OUT/check.txt | grep -vE "^  .* ok$"; el

if [ "${FIXTURES:-1}" = 1 ]; then
echo "== compute-sanitizer: memcheck and racecheck over every kernel's code paths"
for tool in memcheck racecheck; do
  timeout 120 compute-sanitizer --tool $tool --error-exitcode 9 python3 gpu-kernels/src/test/native/sanitize_kernels.py $LIB > $W/san-$tool.txt 2>&1
  echo "  $tool: rc $? $(grep -cE '^=========.*(Invalid|Hazard|error)' $W/san-$tool.txt) reports; $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' $W/san-$tool.txt | head -1)"
done | tee $OUT/sanitizer.txt; el

echo "== fla fixtures on the native kernels, fp32, chunks of 16 sub-steps (bar 1e-3)"
for fx in deltanet/src/test/resources/fla-golden/*/; do n=$(basename $fx)
  $D forward $fx --input-ids $fx/expected.safetensors --out $W/$n.st --device gpu --dtype fp32 --kernels native --chunk 16 >/dev/null 2>$W/err || tail -n 2 $W/err
  printf '%-24s ' $n; python3 tools/gpu/compare.py logits $W/$n.st $fx/expected.safetensors 1e-3
  # the stepwise form (native-recurrent, chunk_inputs with one token a chunk)
  $D forward $fx --input-ids $fx/expected.safetensors --out $W/$n.rec.st --device gpu --dtype fp32 --kernels native --mode recurrent >/dev/null 2>$W/err || tail -n 2 $W/err
  printf '%-24s ' "$n recurrent"; python3 tools/gpu/compare.py logits $W/$n.rec.st $fx/expected.safetensors 1e-3
done 2>&1 | tee $OUT/fixtures.txt; grep -h "kernels" $W/err | head -1; el
fi
fi

[ "${NOTIME:-0}" = 1 ] && exit 0
echo "== bench forward, 392M n_h = 2 (delta_product_340m_-1_1_2_4k_8h), fp16"
for run in ${RUNS:-native:8x4096 native-chunked-djl-inputs:8x4096 djl:8x4096 native:1x16384 djl:1x16384}; do k=${run%:*}; shape=${run#*:}
  $D bench forward --config delta_product_340m_-1_1_2_4k_8h --device gpu --dtype fp16 --batch ${shape%x*} --length ${shape#*x} --iterations 2 --kernels $k 2>&1 | grep -E "^deltaeval: kernels|tokens/s|error" | sed "s/^/  $k $shape: /"
done 2>&1 | tee $OUT/bench.txt; el
# fla's anchor right after ours (its Triton kernels compile and autotune first: give it its minutes)
PYTHONPATH=$W/py timeout 300 python3 .gpu-data/fla_bench.py 2 $(echo ${SHAPES:-8x4096 1x16384} | tr " " ,) 2>&1 | grep "^nh" | tee -a $OUT/bench.txt; el
(cd $TRITON_CACHE_DIR && tar cf - . | xz -T0 -6 > $OUT/triton-cache.tar.xz)
# where a native forward's time goes, stage by stage (synchronised after each stage, so slower in total)
for k in ${BREAKDOWN:-native}; do
  $D bench forward --config delta_product_340m_-1_1_2_4k_8h --device gpu --dtype fp16 --batch 8 --length 4096 --iterations 1 --kernels $k --breakdown 2>&1 | grep -vE "^(deltaeval: device|WARNING)" | sed "s/^/  breakdown $k 8x4096: /"
done 2>&1 | tee $OUT/breakdown.txt; el
# PROFILE=1: every kernel of one native 8 x 4096 forward timed by Nsight Compute (one replay each), summed by name
if [ "${PROFILE:-0}" = 1 ]; then
  timeout 300 ncu --target-processes all --metrics gpu__time_duration.sum --print-units base --csv --log-file $W/ncu.csv $D bench forward --config delta_product_340m_-1_1_2_4k_8h \
    --device gpu --dtype fp16 --batch 8 --length 4096 --warmup 0 --iterations 1 --kernels native >/dev/null 2>&1
  python3 - $W/ncu.csv <<'PY' | tee $OUT/profile.txt
import csv, collections, sys
rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > 10]
head = rows[0]; name, val = head.index("Kernel Name"), head.index("Metric Value")
tot = collections.Counter(); cnt = collections.Counter()
for r in rows[1:]:
    try: tot[r[name][:90]] += float(r[val].replace(",", "")) / 1e6; cnt[r[name][:90]] += 1
    except ValueError: pass
print(f"{sum(tot.values()):.1f} ms in {sum(cnt.values())} kernels (ncu replays each alone: no overlap)")
for k, v in tot.most_common(25): print(f"{v:8.2f} ms {cnt[k]:5d}x  {k}")
PY
  el
fi
# the device returns 8 files: the build logs travel packed
(cd $OUT && ls *.log >/dev/null 2>&1 && tar czf logs.tgz --remove-files *.log)
