#!/usr/bin/env bash
# Builds libdeltaeval_native.so against python3's torch (cmake, nvcc, g++) into DIR (default: build/ here) and prints
# its path. Architectures: TORCH_CUDA_ARCH_LIST if set (e.g. "8.0;9.0a"), else the visible GPUs' (sm_90a on Hopper).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:-$src/build}
read -r tl tv archs torch_archs < <(python3 - <<'PY'
import os, torch
caps = sorted({torch.cuda.get_device_capability(i) for i in range(torch.cuda.device_count())})
env = os.environ.get("TORCH_CUDA_ARCH_LIST", "")
if env:
    archs = [a.replace(".", "").replace("+PTX", "") for a in env.replace(",", ";").split(";") if a]
else:
    archs = [f"{M}{m}" + ("a" if M == 9 else "") for M, m in caps] or ["80", "90a"]
torch_archs = [a[:-2] + "." + a[-2:] if a[-1] == "a" else a[:-1] + "." + a[-1] for a in archs]
print(os.path.dirname(torch.__file__), torch.__version__.split("+")[0], ";".join(archs), ";".join(torch_archs))
PY
) || { echo "build.sh: python3 cannot import torch" >&2; exit 1; }
mkdir -p "$out"
# torch's CMake adds gencode flags for TORCH_CUDA_ARCH_LIST (it would detect the GPUs otherwise): the same list
TORCH_CUDA_ARCH_LIST="$torch_archs" cmake -S "$src" -B "$out/cmake" -DCMAKE_PREFIX_PATH="$tl/share/cmake" -DCMAKE_BUILD_TYPE=Release \
  -DDE_TORCH_VERSION="$tv" -DCMAKE_CUDA_ARCHITECTURES="$archs" > "$out/cmake.log" 2>&1 \
  || { echo "build.sh: cmake failed; see $out/cmake.log" >&2; tail -n 20 "$out/cmake.log" >&2; exit 1; }
cmake --build "$out/cmake" -j "$(nproc)" > "$out/make.log" 2>&1 \
  || { echo "build.sh: compiling failed; see $out/make.log" >&2; grep -E "error|Error" "$out/make.log" | head -n 30 >&2; exit 1; }
cp "$out/cmake/libdeltaeval_native.so" "$out/libdeltaeval_native.so"
echo "$out/libdeltaeval_native.so"
