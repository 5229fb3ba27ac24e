#!/usr/bin/env bash
# On the GPU host: unpack the runtime and the CLI beside this script into DEST (default /tmp/deltaeval-gpu), build
# DJL's JNI against the host's python3 torch once (cmake, g++, nvcc), and write DEST/deltaeval, a launcher that
# sets the variables DJL needs (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR), and build DeltaEval's own
# native kernels with `deltaeval gpu setup` (beside the JNI build, which it does not need). The runtime and the JNI
# are kept between calls; the CLI is replaced whenever an app.tar.xz is beside this script.
#   NATIVE=0   skip the native kernels (DeltaEval then runs DJL's)
set -euo pipefail
kit=$(cd "$(dirname "$0")" && pwd)
dest=${DEST:-/tmp/deltaeval-gpu}
mkdir -p "$dest"; cd "$dest"
if [ ! -x jre/bin/java ]; then
  [ -f "$kit/jre.tar.xz" ] || { echo "setup: no Java runtime in $dest and no jre.tar.xz beside $0" >&2; exit 1; }
  tar xJf "$kit/jre.tar.xz"
fi
if [ -f "$kit/app.tar.xz" ]; then rm -rf app; tar xJf "$kit/app.tar.xz"; fi
[ -f app/deltaeval-cli.jar ] || { echo "setup: no CLI in $dest and no app.tar.xz beside $0" >&2; exit 1; }

read -r tl tv cu < <(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__), torch.__version__.split("+")[0], "cu" + (torch.version.cuda or "").replace(".", ""))') \
  || { echo "setup: python3 cannot import torch" >&2; exit 1; }
[ "$cu" != cu ] || { echo "setup: this torch ($tv) has no CUDA" >&2; exit 1; }
cat > "$dest/deltaeval" <<LAUNCH
#!/usr/bin/env bash
export PYTORCH_LIBRARY_PATH="$tl/lib" PYTORCH_VERSION="$tv" PYTORCH_FLAVOR="$cu" DJL_OFFLINE=true OPT_OUT_TRACKING=true
export LD_LIBRARY_PATH="$tl/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
exec "$dest/jre/bin/java" \${JAVA_OPTS:-} -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$dest/app/deltaeval-cli.jar" "\$@"
LAUNCH
chmod +x "$dest/deltaeval"
native_log=$dest/native-setup.log
if [ "${NATIVE:-1}" != 0 ]; then
  "$dest/deltaeval" gpu setup --work "$dest/native-build" > "$native_log" 2>&1 &
  native_pid=$!
fi
jni=$dest/jni-$tv-$cu/libdjl_torch.so
if [ ! -f "$jni" ]; then
  src=$dest/djl-jni-build; rm -rf "$src"; cp -r "$kit/djl-jni" "$src"
  native=$src/engines/pytorch/pytorch-native
  mkdir -p "$native/build/include"; cp "$src/hdr/ai_djl_pytorch_jni_PyTorchLibrary.h" "$native/build/include/"
  (cd "$native/build" \
    && cmake -DCMAKE_PREFIX_PATH="$tl/share/cmake" -DUSE_CUDA=1 -DCMAKE_BUILD_TYPE=Release \
         -DJAVA_INCLUDE_PATH="$src/hdr" -DJAVA_INCLUDE_PATH2="$src/hdr" -DJAVA_JVM_LIBRARY="$dest/jre/lib/server/libjvm.so" .. \
         > "$dest/jni-cmake.log" 2>&1 \
    && make -j"$(nproc)" > "$dest/jni-make.log" 2>&1) \
    || { echo "setup: building DJL's JNI against torch $tv failed; see $dest/jni-cmake.log and $dest/jni-make.log" >&2; exit 1; }
  mkdir -p "$(dirname "$jni")"; cp "$native/build/libdjl_torch.so" "$jni"
fi
# DJL looks for the JNI in its engine cache under {torch version}-{flavor}-{platform}/{DJL version}-libdjl_torch.so
cache=${DJL_CACHE_DIR:-$HOME/.djl.ai}/pytorch/$tv-$cu-linux-x86_64
mkdir -p "$cache"; cp "$jni" "$cache/0.36.0-libdjl_torch.so"
if [ -n "${native_pid:-}" ]; then
  if wait "$native_pid"; then echo "setup: $(tail -n 1 "$native_log")"
  else echo "setup: native kernels not built (DeltaEval runs DJL's kernels); see $native_log:" >&2; tail -n 5 "$native_log" >&2; fi
fi
echo "setup: $dest/deltaeval ready (torch $tv $cu, JNI $jni)"
