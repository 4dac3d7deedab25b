#!/bin/sh
# Two aotc builds (or flag sets) of one model, timed run for run in one
# process (bench/ab_model.c): for changes too small for compare.sh to see on a
# noisy machine. A tool that prints numbers, not a test.
#
#   bench/ab.sh [--runs N] MODEL "A_AOTC [FLAGS...]" "B_AOTC [FLAGS...]"
#
# MODEL is an .onnx file, a directory holding model.onnx, or a name under
# models/ or the ImageNet cache (build/bench-models). Each side is a command
# line: the aotc to run and the flags to add, e.g.
#   bench/ab.sh mnasnet0_5 /tmp/aotc_old build/cli/aotc
#   bench/ab.sh squeezenet1_1 build/cli/aotc "build/cli/aotc --l2-cache 0"
# Run it both ways round, so that a real change shows as B/A below 1 one way
# and above 1 the other: with the same aotc on both sides B/A came out
# 0.99-1.01 here (before arenas were aligned to 64 bytes, B was 1-2% faster,
# its arena having landed on a cache line and A's not).
# Environment: CC (cc), BENCH_CFLAGS (-O3 -march=native -std=c99), BENCH_MODELS_DIR.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
cflags=${BENCH_CFLAGS:--O3 -march=native -std=c99}
cache=${BENCH_MODELS_DIR:-$root/build/bench-models}
runs=400
if [ "${1:-}" = --runs ]; then runs=$2; shift 2; fi
[ $# -eq 3 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
model=
for candidate in "$1" "$1/model.onnx" "$root/models/$1/model.onnx" "$cache/$1/model.onnx"; do
  if [ -f "$candidate" ]; then model=$candidate; break; fi
done
[ -n "$model" ] || { echo "ab.sh: no model '$1'" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in a b; do
  if [ $side = a ]; then cmd=$2; else cmd=$3; fi
  # shellcheck disable=SC2086 # cmd is the aotc and its flags
  $cmd "$model" -o "$work/$side" --name $side > "$work/$side.log" 2>&1 ||
    { echo "ab.sh: '$cmd' failed on $model:" >&2; cat "$work/$side.log" >&2; exit 1; }
done
# shellcheck disable=SC2086 # cflags is a list of flags
$cc $cflags -DAOTC_STATIC_ARENA -I"$work/a" -I"$work/b" -I"$root/bench" "$root/bench/ab_model.c" \
  "$work/a/a.c" "$work/b/b.c" -lm -o "$work/ab"
echo "# $(basename "$(dirname "$model")"): A = $2, B = $3; $runs runs each, alternating"
"$work/ab" "$runs"
