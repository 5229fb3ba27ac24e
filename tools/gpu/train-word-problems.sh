#!/usr/bin/env bash
# The three S3 word-problem checkpoints of checkpoints/word-problems, trained with fla on one GPU in one device call.
# K (default .device-inputs) holds fla-0.5.2.tar.xz; carry it. The trainer is tools/gpu/state_tracking_train.py (the
# project's copy of shared/gpu-host's, with --master and --select-on); TRAIN_ARGS go to every run of the main one.
# The main run goes first, alone until its preflight (fla's kernels compiled and autotuned) is
# done, then the two controls beside it, all ending by END seconds.
# SEEDS="1 2 3": only the main configuration, once per seed (s3_dp2_neg_l1_seedN, the first alone until its
# preflight), to find one that generalises to 512 (the checkpoint of 2026-12-07, seed 666, scores 1.0 at 128 and
# 0.13 at 512 in fp32). GPUS_CHECK=script: run it beside the training once the first preflight is done (its output: beside.txt).
# Compiling and autotuning fla's kernels takes most of a fresh machine's first five minutes (2026-12-07, H200: the
# first epoch ended at 537 s): the Triton cache, autotuning results included, comes back as triton-cache.tar.xz, and
# K/triton-cache.tar.xz, when carried, starts the next call warm (H100 and H200 are both sm_90).
export PYTHONUNBUFFERED=1 TRITON_CACHE_DIR=/tmp/tc TRITON_CACHE_AUTOTUNING=1 PYTHONPATH=/tmp/py
K=$(cd "${K:-.device-inputs}" && pwd); END=${END:-540}
T0=$(date +%s);mkdir -p /tmp/py /tmp/fx /tmp/tc;tar xJf $K/fla-0.5.2.tar.xz -C /tmp/py||exit 9
[ -f $K/triton-cache.tar.xz ] && tar xJf $K/triton-cache.tar.xz -C /tmp/tc && echo "warm Triton cache: $(ls /tmp/tc | wc -l) entries"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee $OUT/card.txt
S=$(cd "$(dirname "$0")" && pwd)/state_tracking_train.py;F=/tmp/fx;L=$OUT/run.log
el(){ echo $(( $(date +%s) - T0 )); }
r(){ n=$1;c=$2;shift 2;timeout -k 5 $((c+25)) python3 $S --max-seconds $c --cache-dir /tmp/sc --fit-schedule \
     --out $F/$n "$@" >$F/$n.log 2>&1;e=$?;echo "== $n rc=$e t=$(el)s"|tee -a $L
     grep -E '^(RESULT|preflight |PREFLIGHT|WARN|training stopped)' $F/$n.log|tee -a $L
     [ $e = 0 ]||tail -n 30 $F/$n.log|tee -a $L;return $e;}
set -- ${SEEDS:-}; FIRST=s3_dp2_neg_l1; FIRST_ARGS=""
[ -n "${SEEDS:-}" ] && { FIRST=s3_dp2_neg_l1_seed$1; FIRST_ARGS="--seed $1"; shift; }
r $FIRST $((END-30)) --group S3 --nh 2 --layers 1 --neg --export-v022 $FIRST_ARGS ${TRAIN_ARGS:-} &
for i in $(seq 300); do grep -q "preflight done" $F/$FIRST.log 2>/dev/null && break; sleep 1
  # a stuck preflight dumps its Python stacks (faulthandler on SIGUSR1); only python3 itself gets the signal,
  # never the `timeout` wrapping it (whose command line names the script too: SIGUSR1 ends it, and the run)
  [ $i = 150 ] && { pkill -USR1 -f "^python3 .*state_tracking_train.py"; nvidia-smi | tail -n 5 | tee -a $L; }; done
echo "main preflight done at $(el) s" | tee -a $L
left=$((END - 35 - $(el)))
RUNS="$FIRST"
[ -n "${GPUS_CHECK:-}" ] && { bash $GPUS_CHECK > $OUT/beside.txt 2>&1 & }
if [ -n "${SEEDS:-}" ]; then
  for seed in "$@"; do r s3_dp2_neg_l1_seed$seed $left --group S3 --nh 2 --layers 1 --neg --export-v022 --seed $seed ${TRAIN_ARGS:-} &
    RUNS="$RUNS s3_dp2_neg_l1_seed$seed"; done
else
  r s3_dp1_neg_l1 $left --group S3 --nh 1 --layers 1 --neg &
  r s3_dp2_pos_l1 $left --group S3 --nh 2 --layers 1 &
  RUNS="$RUNS s3_dp1_neg_l1 s3_dp2_pos_l1"
fi
while sleep 20; do echo "[$(el) s] $(for f in $F/*.log; do echo -n "$(basename $f .log): $(grep -c '^{' $f) epochs; "; done)"; jobs -r | grep -q . || break; done
wait;tar czf $OUT/fx.tgz -C /tmp fx   # the runs' logs are inside
(cd /tmp/tc && tar cf - . | xz -T0 -9 > $OUT/triton-cache.tar.xz) && ls -la $OUT/triton-cache.tar.xz | tee -a $L
python3 $S --summary $(for n in $RUNS; do echo $F/$n; done)|tee -a $L
