#!/bin/sh
# aotc vs ONNX Runtime, interleaved, one table row per model. A tool, not a
# test: it prints numbers and never fails on them.
#
#   bench/compare.sh [--runs N] [--rounds R] [--warmup W] [--set local|imagenet|all]
#                    [--breakdown] [MODEL ...]
#
# MODEL is a name under models/ or the ImageNet cache, a directory holding
# model.onnx, or an .onnx file; without any, --set picks them: local (default)
# = models/*/, imagenet = the six torchvision nets of bench/imagenet/make_models.py
# (exported on first use), all = both. Each model is timed for R rounds of N
# runs per side after W warm-up runs (defaults 20 x 10, 10); see compare.js.
# --breakdown adds each model's MACs per op kind after the table.
#
# Environment: AOTC (default build/cli/aotc), CC (cc), BENCH_CFLAGS for the
# generated code (-O3 -march=native -std=c99), BENCH_BACKEND (c, or llvm: aotc
# --backend llvm --cpu native writes NAME.o, which CC links with the server), BENCH_MODELS_DIR for the ImageNet
# cache (build/bench-models), PYTHON (/usr/bin/python3, with python3-onnx).
# Needs node and `npm install --ignore-scripts` in models/ (onnxruntime-node).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
aotc=${AOTC:-$root/build/cli/aotc}
cc=${CC:-cc}
cflags=${BENCH_CFLAGS:--O3 -march=native -std=c99}
backend=${BENCH_BACKEND:-c}
case $backend in
  c) aotc_flags="" model_ext=c ;;
  llvm) aotc_flags="--backend llvm --cpu native --define AOTC_STATIC_ARENA" model_ext=o ;;
  *) echo "compare.sh: BENCH_BACKEND is c or llvm, not '$backend'" >&2; exit 2 ;;
esac
python=${PYTHON:-/usr/bin/python3}
cache=${BENCH_MODELS_DIR:-$root/build/bench-models}
runs=10 rounds=20 warmup=10 set=local breakdown=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --set) set=$2; shift 2 ;;
    --breakdown) breakdown=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -x "$aotc" ] || { echo "compare.sh: no aotc at $aotc (build first: bash .ci/build.sh)" >&2; exit 2; }
[ -d "$root/models/node_modules/onnxruntime-node" ] ||
  { echo "compare.sh: run 'npm install --ignore-scripts' in models/ first" >&2; exit 2; }

# The model list: one path to an .onnx file per line.
list=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$work" "$list"' EXIT
resolve() {
  for candidate in "$1" "$1/model.onnx" "$root/models/$1/model.onnx" "$cache/$1/model.onnx"; do
    if [ -f "$candidate" ]; then echo "$candidate"; return; fi
  done
  echo "compare.sh: no model '$1'" >&2; exit 2
}
if [ $# -gt 0 ]; then
  for m in "$@"; do resolve "$m" >>"$list"; done
else
  if [ "$set" != imagenet ]; then ls "$root"/models/*/model.onnx >>"$list"; fi
  if [ "$set" != local ]; then
    "$python" "$root/bench/imagenet/make_models.py" "$cache" >&2
    for net in mobilenet_v2 resnet18 squeezenet1_1 shufflenet_v2_x1_0 mnasnet0_5 efficientnet_b0; do
      echo "$cache/$net/model.onnx" >>"$list"
    done
  fi
fi
while IFS= read -r f; do [ -f "$f" ] || { echo "compare.sh: missing $f" >&2; exit 2; }; done <"$list"

# Name a model after its directory (models/NAME/model.onnx) or its file.
model_name() {
  case $(basename "$1") in
    model.onnx) basename "$(dirname "$1")" ;;
    *) basename "$1" .onnx ;;
  esac
}

# The 100% for the %peak column: this core's FMA throughput.
$cc -O3 -march=native "$root/bench/fma_peak.c" -lm -o "$work/fma_peak"
peak_line=$("$work/fma_peak" 2>/dev/null)
peak=$(echo "$peak_line" | sed 's/^fma_peak_gflops=\([0-9.]*\).*/\1/')

echo "# aotc backend $backend: $( [ "$backend" = llvm ] && echo "aotc $aotc_flags, linked by ")$cc $cflags | ONNX Runtime: onnxruntime-node, 1 intra-op + 1 inter-op thread, sequential, opt all"
echo "# interleaved: $rounds rounds x $runs runs per side after $warmup warm-up runs; medians and p10/p90 over all timed runs (wall clock)"
echo "# aotc/ORT < 1: aotc faster; paired: median over rounds of the ratio within a round (steadier when the load drifts)"
echo "# max|diff|: largest |aotc - ORT| over the outputs on one uniform[-1,1) input, ok if <= 1e-4 + 1e-3*max|ORT|"
echo "# conv GF/s: Conv FLOPs (2*MACs) / aotc whole-net median (a lower bound on the conv kernels' rate)"
echo "# %peak: of this core's float32 FMA peak, $peak GFLOP/s (bench/fma_peak.c: $(echo "$peak_line" | cut -d' ' -f2-))"
node "$root/bench/compare.js" --header

failures=""
fail() { # model, stage, message: one table line now, and once more in the summary
  # The first lines hold the point (aotc lists unsupported ops below its headline).
  msg=$(printf '%s' "$3" | grep -v '^\s*$' | head -n 4 | sed 's/^ *//' | tr '\n' ' ' | cut -c1-300)
  printf '%-20s FAILED (%s): %s\n' "$1" "$2" "$msg"
  failures="$failures$1 ($2): $msg
"
}
# The list is read on fd 3 so that nothing in the loop can eat it from stdin.
while IFS= read -r onnx <&3; do
  name=$(model_name "$onnx")
  out="$work/$name"
  mkdir -p "$out"
  # shellcheck disable=SC2086 # aotc_flags and cflags are lists of flags
  if ! err=$("$aotc" "$onnx" -o "$out" --name "$name" $aotc_flags 2>&1 >/dev/null); then fail "$name" "aotc" "$err"; continue; fi
  # shellcheck disable=SC2086 # cflags is a list of flags
  if ! err=$($cc $cflags -DAOTC_STATIC_ARENA -DBENCH_MODEL="${name}_model" -I"$out" "$root/bench/aotc_server.c" "$out/$name.$model_ext" \
      -lm -o "$out/server" 2>&1); then fail "$name" "cc" "$err"; continue; fi
  flops=$("$python" "$root/bench/conv_flops.py" "$onnx" 2>/dev/null | sed -n 's/^conv_flops=\([0-9]*\).*/\1/p')
  echo "${flops:-0}" >"$out/conv_flops"
  if ! node "$root/bench/compare.js" --model "$onnx" --name "$name" --server "$out/server" --workdir "$out" \
      --runs "$runs" --rounds "$rounds" --warmup "$warmup" --conv-flops "${flops:-0}" --peak-gflops "$peak" \
      2>"$out/stderr"; then fail "$name" "run" "$(cat "$out/stderr")"; fi
done 3<"$list"

if [ -n "$failures" ]; then
  echo
  echo "# failed:"
  printf '%s' "$failures" | sed 's/^/#   /'
fi
# The team's conv yardstick: ResNet-18 is almost all dense 3x3 convolutions.
if [ -f "$work/resnet18/result.json" ]; then
  echo
  # shellcheck disable=SC2016 # JavaScript, not shell, expands these
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const peak = Number(process.argv[2]);
    console.log(`# resnet18: ${(r.convFlops / 1e9).toFixed(2)} GFLOP in Conv per inference; aotc median ` +
      `${(r.aotcMedianUs / 1e3).toFixed(2)} ms -> ${r.convGflops.toFixed(1)} GFLOP/s = ` +
      `${(100 * r.convGflops / peak).toFixed(1)}% of the ${peak} GFLOP/s single-core FMA peak`);
    console.log("#   (whole-net time, which also holds pooling, residual adds and the FC layer: an upper " +
      "bound on conv time, so the convs themselves run at least this fast)");
  ' "$work/resnet18/result.json" "$peak"
fi
if [ "$breakdown" = 1 ]; then
  echo
  echo "# MACs per op kind (from the ONNX graph, before aotc's fusions)"
  while IFS= read -r onnx; do
    echo "$(model_name "$onnx"):"
    "$python" "$root/bench/conv_flops.py" "$onnx" --breakdown | sed -n '2,$p'
  done <"$list"
fi
