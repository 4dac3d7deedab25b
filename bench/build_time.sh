#!/bin/sh
# How long a big model takes to build: aotc's wall time and peak memory, then
# the C compiler's on the generated NAME.c, for --weights c and --weights bin.
# A tool, not a test: it prints numbers and never fails on them.
#
#   bench/build_time.sh [MODEL.onnx ...]
#
# Default model: torchvision's ResNet-18 from the ImageNet cache
# (bench/imagenet/make_models.py; exported on first use).
# Environment: AOTC (default build/cli/aotc), CC (cc), BUILD_CFLAGS
# (-std=c99 -O2), BENCH_MODELS_DIR (build/bench-models), PYTHON.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
aotc=${AOTC:-$root/build/cli/aotc}
cc=${CC:-cc}
cflags=${BUILD_CFLAGS:--std=c99 -O2}
cache=${BENCH_MODELS_DIR:-$root/build/bench-models}
if [ $# -eq 0 ]; then
  [ -f "$cache/resnet18/model.onnx" ] || "${PYTHON:-/usr/bin/python3}" "$root/bench/imagenet/make_models.py" "$cache" >&2
  set -- "$cache/resnet18/model.onnx"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Prints "SECONDS s, PEAK MB" for a command (GNU time when present).
timed() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e s, %M KB peak' -o "$work/time" "$@" >/dev/null
    awk '{printf "%s s, %d MB peak", $1, $3 / 1024}' "$work/time"
  else
    start=$(date +%s.%N)
    "$@" >/dev/null
    awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f s", e - s}'
  fi
}
echo "# $(nproc) cores; C compiler: $cc $cflags"
printf '%-28s %-8s %-26s %-26s %s\n' model weights aotc "C compiler" "generated"
for model in "$@"; do
  name=$(basename "$(dirname "$model")")
  for format in c bin; do
    out="$work/$name-$format"
    t_aotc=$(timed "$aotc" "$model" -o "$out" --weights "$format")
    size=$(du -sh "$out" | cut -f1)
    t_cc=$(timed $cc $cflags -I"$out" -c "$out/model.c" -o "$work/model.o")
    printf '%-28s %-8s %-26s %-26s %s\n' "$name" "$format" "$t_aotc" "$t_cc" "$size"
    rm -rf "$out"
  done
done
