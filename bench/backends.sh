#!/usr/bin/env bash
# The C backend against the LLVM backend on this machine, side by side: each
# model compiled both ways, then timed in alternating rounds (C, LLVM, C,
# LLVM, ...) so that load drifting during the run hits both alike. A tool, not
# a test: it prints numbers.
#
#   bench/backends.sh [--rounds R] [--runs N] [MODEL ...]
#
# MODEL: a name under models/ or build/bench-models (the ImageNet nets of
# bench/imagenet/make_models.py, if exported), a directory holding model.onnx,
# or an .onnx file; default: every float model in models/. C: aotc's NAME.c
# built with $CC $BENCH_CFLAGS (default cc -O3 -march=native -std=c99); LLVM:
# aotc --backend llvm --cpu native, linked by $CC. Per model: the median of
# each round's median (bench/bench_model.c, N runs a round), and LLVM/C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
aotc=${AOTC:-$root/build/cli/aotc}
cc=${CC:-cc}
cflags=${BENCH_CFLAGS:--O3 -march=native -std=c99}
rounds=5 runs=100
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "backends.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -x "$aotc" ] || { echo "backends.sh: no aotc at $aotc (build first: bash .ci/build.sh)" >&2; exit 2; }
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  for d in "$root"/models/*/; do
    n=$(basename "$d")
    case $n in *_int8|*_qop|node_modules) continue ;; esac
    [ -f "$d/model.onnx" ] && models+=("$n")
  done
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/aotc-backends.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "# C: $cc $cflags | LLVM: aotc --backend llvm --cpu native (opt-level 3), linked by $cc"
echo "# $rounds alternating rounds of $runs runs per backend; median of the rounds' medians, in microseconds"
printf '%-22s %10s %10s %9s\n' model c_us llvm_us llvm/c
for m in "${models[@]}"; do
  if [ -f "$m" ]; then onnx=$m
  elif [ -f "$m/model.onnx" ]; then onnx=$m/model.onnx
  elif [ -f "$root/models/$m/model.onnx" ]; then onnx=$root/models/$m/model.onnx
  elif [ -f "$root/build/bench-models/$m/model.onnx" ]; then onnx=$root/build/bench-models/$m/model.onnx
  else echo "backends.sh: no model '$m'" >&2; continue; fi
  name=$(basename "$(dirname "$onnx")" | tr -c 'A-Za-z0-9_\n' _)
  out=$work/$name
  # shellcheck disable=SC2086 # cflags is a list of flags
  if ! "$aotc" "$onnx" -o "$out/c" --name "$name" >/dev/null 2>"$out.err" ||
     ! "$aotc" "$onnx" -o "$out/llvm" --name "$name" --backend llvm --cpu native --define AOTC_STATIC_ARENA \
       >/dev/null 2>>"$out.err" ||
     ! $cc $cflags -DAOTC_STATIC_ARENA -DBENCH_MODEL="${name}_model" -I"$out/c" -I"$root/bench" \
       "$root/bench/bench_model.c" "$out/c/$name.c" -lm -o "$out/bench_c" 2>>"$out.err" ||
     ! $cc $cflags -DBENCH_MODEL="${name}_model" -I"$out/llvm" -I"$root/bench" "$root/bench/bench_model.c" \
       "$out/llvm/$name.o" -lm -o "$out/bench_llvm" 2>>"$out.err"; then
    printf '%-22s FAILED: %s\n' "$name" "$(head -c 300 "$out.err" | tr '\n' ' ')"
    continue
  fi
  : >"$out/c.txt"
  : >"$out/llvm.txt"
  for ((r = 0; r < rounds; ++r)); do
    for be in c llvm; do
      "$out/bench_$be" "$runs" | sed -n 's/.*median_us=\([0-9.]*\).*/\1/p' >>"$out/$be.txt"
    done
  done
  c=$(median <"$out/c.txt")
  l=$(median <"$out/llvm.txt")
  printf '%-22s %10s %10s %9s\n' "$name" "$c" "$l" "$(awk -v c="$c" -v l="$l" 'BEGIN {printf "%.3f", l / c}')"
done
