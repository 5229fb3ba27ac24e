#!/usr/bin/env bash
# Compiles the native kernels (nvcc, when present) and the library's ATen layer and C bridge (for syntax only), on a machine without a GPU or pip's torch:
# Debian's libtorch-dev headers (apt-get install libtorch-dev; torch 1.13, whose ATen API the ops use unchanged) and a
# CUDA toolkit's include folder (CUDA_INC, default /usr/local/cuda/include). Catches a wrong call or type before a
# device call is spent on it; the real build is build.sh against the GPU host's torch. registration.cpp is left
# out (torch 1.13's schema inference predates std::optional arguments).
set -euo pipefail
src=$(cd "$(dirname "$0")/../gpu-kernels/src/main/native" && pwd)
cuda_inc=${CUDA_INC:-/usr/local/cuda/include}
[ -f /usr/include/ATen/ATen.h ] || { echo "native-syntax-check: no ATen headers (apt-get install libtorch-dev)" >&2; exit 2; }
[ -f "$cuda_inc/cuda_runtime_api.h" ] || { echo "native-syntax-check: no cuda_runtime_api.h in $cuda_inc (set CUDA_INC)" >&2; exit 2; }
stubs=$(mktemp -d); trap 'rm -rf "$stubs"' EXIT
# Debian's CUDAContext.h wants cusparse/cublas headers a bare toolkit may lack: the ops need only the current stream
mkdir -p "$stubs/ATen/cuda" "$stubs/c10/cuda/impl"
printf '#pragma once\n#include <cuda_runtime_api.h>\n#include <c10/cuda/CUDAStream.h>\nnamespace at { namespace cuda { using c10::cuda::getCurrentCUDAStream; } }\n' > "$stubs/ATen/cuda/CUDAContext.h"
printf '#pragma once\n' > "$stubs/c10/cuda/impl/cuda_cmake_macros.h"
status=0
for f in "$src"/ops/*_op.cpp "$src"/bridge/c_api.cpp; do
  if g++ -std=c++17 -fsyntax-only -Wall -I"$stubs" -I/usr/include/torch/csrc/api/include -I"$cuda_inc" -I"$src/include" \
       -DDE_TORCH_VERSION='"check"' "$f"; then echo "ok   ${f#$src/}"; else echo "FAIL ${f#$src/}"; status=1; fi
done
# the kernels themselves need only CUDA's headers: compiled for sm_90a when nvcc is here
if command -v nvcc >/dev/null; then
  for f in "$src"/cuda/*.cu; do
    if nvcc -std=c++17 -O3 -arch=sm_90a -c "$f" -o "$stubs/k.o"; then echo "ok   ${f#$src/}"; else echo "FAIL ${f#$src/}"; status=1; fi
  done
fi
exit $status
