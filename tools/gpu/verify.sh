#!/usr/bin/env bash
# Issue 12's checks on a GPU host (run by the device tool from the project root, kit in .gpu-kit/):
# libtorch routes, fla fixtures in fp32 and fp16, eval/extrapolate/rank on GPU against the CPU of the same host.
set -uo pipefail
OUT=${OUT:-/tmp/verify-out}; mkdir -p "$OUT"
bash .gpu-kit/setup.sh >/dev/null || exit 1
D=/tmp/deltaeval-gpu; W=/tmp/verify; rm -rf $W; mkdir -p $W
J="$D/jre/bin/java -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar $D/app/deltaeval-cli.jar"
TL=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
C=python3; CMP="$C tools/gpu/compare.py"
if [ "${QUICK:-0}" != 1 ]; then
echo "== routes"
( unset PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR; $J eval --tasks piqa --output $W/route-c ) 2>&1 | grep -E "device|piqa" | head -3
PYTORCH_LIBRARY_PATH=$TL/lib $J score --text "The Python interpreter" 2>&1 | head -2
DJL_CACHE_DIR=/tmp/empty-djl $J score --device gpu --text x; echo "exit $?"
PYTORCH_LIBRARY_PATH=/nonexistent $J score --text x; echo "exit $?"
echo "== fixtures (fp32 bar 1e-3)"
for fx in deltanet/src/test/resources/fla-golden/*/; do n=$(basename $fx)
  for dt in fp32 fp16; do
    $J forward $fx --input-ids $fx/expected.safetensors --out $W/$n-$dt.st --device gpu --dtype $dt >/dev/null 2>$W/err || cat $W/err
    printf '%-24s %s ' $n $dt; $CMP logits $W/$n-$dt.st $fx/expected.safetensors $([ $dt = fp32 ] && echo 1e-3 || echo 1e9)
  done; done
fi
echo "== eval, sample tasks: GPU vs CPU of this host (fp32 bar 1e-4)"
T=piqa,arc_easy,arc_challenge,hellaswag,winogrande,lambada_openai,boolq,openbookqa,copa,social_iqa,wikitext_tokenized,swde,fda,squad_completion
for dev in cpu:fp32 gpu:fp32 gpu:fp16; do
  /usr/bin/time -f "$dev %e s" $J eval --tasks $T --device ${dev%:*} --dtype ${dev#*:} --log-samples --no-cache --output $W/ev-${dev/:/-} 2>&1 | grep -E " s$|error" ; done
$CMP samples $W/ev-gpu-fp32 $W/ev-cpu-fp32 1e-4
echo "fp16 drift:"; $CMP samples $W/ev-gpu-fp16 $W/ev-gpu-fp32
echo "== extrapolate 32768 and rank: GPU vs CPU (bar 1e-4)"
for dev in cpu gpu; do
  [ "${QUICK:-0}" = 1 ] || /usr/bin/time -f "extrapolate $dev %e s" $J extrapolate --max-len 32768 --train-context 512 --device $dev --dtype fp32 --no-charts --out $W/ex-$dev 2>&1 | tail -1
  /usr/bin/time -f "rank $dev %e s" $J rank --max-len 1024 --device $dev --dtype fp32 --no-charts --out $W/rk-$dev 2>&1 | tail -1
done
for f in $(cd $W/ex-cpu 2>/dev/null && ls *.json); do $CMP json $W/ex-gpu/$f $W/ex-cpu/$f 1e-4; done
for f in $(cd $W/rk-cpu && ls *.json); do $CMP json $W/rk-gpu/$f $W/rk-cpu/$f 1e-4; done
