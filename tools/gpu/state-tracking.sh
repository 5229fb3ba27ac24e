#!/usr/bin/env bash
# Issue 23 on the GPU, in one device call: `state-tracking eval` of the bundled S3 checkpoints (checkpoints/word-problems)
#   1. at 512 on their test CSV, against fla's fp32 curves in each state_tracking.json
#   2. at LONG (default 16384) on N (default 100) generated sequences of seed 2, against a CPU run made beforehand:
#      ./deltaeval state-tracking eval checkpoints/word-problems/s3_* --k-test 16384 --samples 100 --seed 2 \
#        --no-charts --out CPU_DIR     (tar cJf .gpu-data/cpu-LONG.tar.xz of a folder cpu-LONG with CPU_DIR's JSON
#        files, and carry .gpu-data)
# each on DJL's kernels and on the native ones, fp32. Needs .gpu-kit/ (tools/gpu/make-kit.sh).
set -uo pipefail
OUT=${OUT:-/tmp/st-out}; mkdir -p "$OUT"
W=/tmp/st; rm -rf $W; mkdir -p $W
LONG=${LONG:-16384}; N=${N:-100}
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s]"; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
if [ ! -x /tmp/deltaeval-gpu/deltaeval ]; then
  cp -r .gpu-kit $W/kit && cp tools/gpu/setup.sh $W/kit/setup.sh && bash $W/kit/setup.sh 2>&1 | tail -n 3; el
fi
D=/tmp/deltaeval-gpu/deltaeval
[ -f .gpu-data/cpu-$LONG.tar.xz ] && tar xJf .gpu-data/cpu-$LONG.tar.xz -C $W
FX=checkpoints/word-problems
MODELS="s3_dp2_neg_l1 s3_dp1_neg_l1 s3_dp2_pos_l1"
for k in ${KERNELS:-djl native}; do
  echo "== $k kernels, 512, the test CSV, vs fla fp32"
  /usr/bin/time -f "  %e s" $D state-tracking eval $(for m in $MODELS; do echo $FX/$m; done) --data $FX/S3=512.csv.gz \
    --device gpu --dtype fp32 --kernels $k --batch 1000 --no-charts --out $W/$k-512 2>&1 | grep -E "kernels|acc@|error| s$"
  for m in $MODELS; do echo "  $m"; python3 tools/gpu/compare.py curves $W/$k-512/state_tracking_S3_512_$m.json \
    $FX/$m/state_tracking.json 0.0010000001 | sed 's/^/    /'; done; el
  echo "== $k kernels, $LONG, $N sequences of seed 2, vs the CPU"
  /usr/bin/time -f "  %e s" $D state-tracking eval $(for m in $MODELS; do echo $FX/$m; done) --k-test $LONG --samples $N \
    --seed 2 --device gpu --dtype fp32 --kernels $k --batch $N --no-charts --out $W/$k-long 2>&1 | grep -E "acc@|error| s$"
  for m in $MODELS; do cpu=$W/cpu-$LONG/state_tracking_S3_${LONG}_$m.json; [ -f $cpu ] || continue
    echo "  $m"; python3 tools/gpu/compare.py curves $W/$k-long/state_tracking_S3_${LONG}_$m.json $cpu 0.0100000001 | sed 's/^/    /'
  done; el
done 2>&1 | tee $OUT/state-tracking.txt
