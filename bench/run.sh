#!/bin/sh
# Benchmarks every model in models/: aotc's generated C (single thread) next to
# ONNX Runtime (single thread) on this machine, plus the memory plan. Prints
# numbers only; nothing here passes or fails.
#
#   bench/run.sh [build-dir] [runs]
# Needs: a built aotc (build-dir, default build), cc, node, and
# `npm install --ignore-scripts` in models/ for onnxruntime-node.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
runs=${2:-200}
cc=${CC:-cc}
cflags=${BENCH_CFLAGS:--O3 -march=native -std=c99}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# aotc: $cc $cflags; ONNX Runtime: onnxruntime-node, 1 intra-op thread"
for dir in "$root"/models/*/; do
  [ -f "$dir/model.onnx" ] || continue
  name=$(basename "$dir")
  "$build/cli/aotc" "$dir/model.onnx" -o "$work/$name" --name "$name" | sed "s/^aotc: wrote [^:]*:/plan $name:/"
  $cc $cflags -DAOTC_STATIC_ARENA -DBENCH_MODEL="${name}_model" -I"$work/$name" "$root/bench/bench_model.c" "$work/$name/$name.c" \
    -lm -o "$work/$name/bench"
  "$work/$name/bench" "$runs"
done
if [ -d "$root/models/node_modules/onnxruntime-node" ]; then
  node "$root/bench/ort_bench.js" --runs "$runs"
else
  echo "# ONNX Runtime skipped: run 'npm install --ignore-scripts' in models/ first"
fi
