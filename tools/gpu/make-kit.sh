#!/usr/bin/env bash
# Packs what a Linux x86-64 GPU host with PyTorch (any 2.x, CUDA build) but no Java and no network needs to run
# the DeltaEval CLI: a minimal Java runtime, the CLI's jars (without the CPU libtorch and DuckDB), and DJL 0.36's
# JNI sources so the host can build DJL's JNI against its own torch. Run from the project root after
# `mvn -B -q -DskipTests package`. Writes KIT_DIR (default .gpu-kit/, git-ignored). The CLI jar carries DeltaEval's
# own native kernel sources; setup.sh builds them with `deltaeval gpu setup`.
#   DJL_JNI_SRC    DJL 0.36's JNI sources (default ../shared/gpu-host/djl-jni)
#   WITH_CHARTS=1  also packs java.desktop (XChart needs it; +4 MiB)
#   APP_ONLY=1     repack only the CLI jars (the runtime rarely changes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-.gpu-kit}
jar=cli/target/deltaeval-cli.jar
lib=cli/target/lib
[ -f "$jar" ] || { echo "make-kit: $jar not found; build first: mvn -B -q -DskipTests package" >&2; exit 1; }
command -v jlink >/dev/null || { echo "make-kit: jlink not found (a full JDK 17 is needed)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ "${APP_ONLY:-0}" != 1 ] || [ ! -f "$out/jre.tar.xz" ]; then
  mods=java.base,java.management,java.net.http,java.sql,java.logging,jdk.unsupported,java.naming,jdk.zipfs
  [ "${WITH_CHARTS:-0}" = 1 ] && mods=$mods,java.desktop
  jlink --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=0 --output "$tmp/jre"
  find "$tmp/jre" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true
  (cd "$tmp" && tar cf - jre | xz -T0 -9 > "$out/jre.tar.xz")
fi

mkdir -p "$tmp/app/lib"
cp "$jar" "$tmp/app/"
for j in "$lib"/*.jar; do
  case $(basename "$j") in
    pytorch-native-cpu*|duckdb*|pytorch-jni*) ;;   # the host's torch replaces the first; the others are not needed there
    *) cp "$j" "$tmp/app/lib/" ;;
  esac
done
tok=$(ls "$tmp"/app/lib/tokenizers-*.jar 2>/dev/null | head -1 || true)
if [ -n "$tok" ] && command -v zip >/dev/null; then    # keep only linux-x86_64's native library, stripped
  (cd "$tmp" && mkdir t && cd t && unzip -q "$tok" 'native/lib/linux-x86_64/*' \
     && strip --strip-unneeded native/lib/linux-x86_64/cpu/libtokenizers.so 2>/dev/null; \
     zip -q -d "$tok" 'native/lib/win-*' 'native/lib/osx-*' 'native/lib/linux-aarch64/*' 'native/lib/linux-x86_64/*' \
     && zip -q -r "$tok" native)
fi
# jars repacked uncompressed (zip's "stored"): xz then compresses all classes together, 16 MB -> 9 MB on the wire
if command -v zip >/dev/null; then
  for j in "$tmp"/app/*.jar "$tmp"/app/lib/*.jar; do
    x=$(mktemp -d); (cd "$x" && unzip -q -o "$j" && rm -f "$j" && zip -q -0 -X -r "$j" .); rm -rf "$x"
  done
fi
(cd "$tmp" && tar cf - app | xz -T0 -9 > "$out/app.tar.xz")
jni_src=${DJL_JNI_SRC:-$here/../../../shared/gpu-host/djl-jni}
[ -d "$jni_src" ] || { echo "make-kit: DJL JNI sources not found at $jni_src (set DJL_JNI_SRC)" >&2; exit 1; }
rm -rf "$out/djl-jni"; cp -r "$jni_src" "$out/"
cp "$here/setup.sh" "$out/"
chmod +x "$out/setup.sh"
du -sh "$out"/* | sed 's/^/make-kit: /'
