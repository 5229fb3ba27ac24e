#!/usr/bin/env bash
# beside the training: build the native library (niced) and check every kernel against float64 (no timings), then
# compute-sanitizer memcheck over every kernel's code paths; only failures and summaries printed
set -uo pipefail
T0=$(date +%s)
LIB=$(nice -n 19 bash gpu-kernels/src/main/native/build.sh /tmp/nb) || { grep -hE "error" /tmp/nb/*.log | head -n 40; exit 1; }
echo "built in $(( $(date +%s) - T0 )) s: $LIB"
timeout 200 python3 gpu-kernels/src/test/native/check_kernels.py $LIB 2>&1 | grep -vE "^  .* ok$"
echo "checked at $(( $(date +%s) - T0 )) s"
timeout 120 compute-sanitizer --tool memcheck --error-exitcode 9 python3 gpu-kernels/src/test/native/sanitize_kernels.py $LIB > /tmp/san.txt 2>&1
echo "memcheck rc $?: $(grep -E 'ERROR SUMMARY' /tmp/san.txt)"; grep -E "Invalid|finite|Error" /tmp/san.txt | head -n 20
echo "done at $(( $(date +%s) - T0 )) s"
