#!/usr/bin/env bash
# Runs aotc's libFuzzer harnesses (see tests/fuzz/CMakeLists.txt).
#
#   bash tests/fuzz/run.sh [SECONDS]         each harness SECONDS (default 60), side by side
#   bash tests/fuzz/run.sh minimize HARNESS FILE [RUNS]   minimise a crashing input; prints the result
#
# Builds the fuzz build (clang, -DAOTC_FUZZ=ON) in ${FUZZ_BUILD_DIR:-build-fuzz}
# if needed, then runs fuzz_import and fuzz_compile side by side, one process with one
# job each, on a writable corpus in BUILD/fuzz-run/HARNESS/corpus seeded from
# tests/fuzz/corpus and, when present, ../shared/onnx-backend-node/*/model.onnx
# (fuzz_compile: an even sample of them, sized to the run).
# The corpus grows from run to run (merged when it passes 8000 files). Prints
# the executions per harness and in total; exits non-zero on any crash, leak,
# sanitizer report, timeout or OOM (the input is left in
# BUILD/fuzz-run/HARNESS/artifacts), and when a harness fuzzed no input at all.
# Extra libFuzzer flags: FUZZ_FLAGS="-only_ascii=1 ...".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-build-fuzz}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
node_tests="$root/../shared/onnx-backend-node"
flags=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=0)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build_fuzzers() {
  if [ ! -f "$build/build.ninja" ]; then
    # Line tables only (what sanitizer reports print) and only the two harnesses:
    # the build takes 211 s here against about 350 s at RelWithDebInfo's -g building
    # every target; still -O2, so the harnesses run as fast as before. (The harnesses
    # run aotc up to emit_c; the LLVM backend only hands that C to Clang.)
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only" \
      -DAOTC_FUZZ=ON -DAOTC_BUILD_TESTS=OFF -DAOTC_WITH_LLVM=OFF >/dev/null
  fi
  cmake --build "$build" -j "$(nproc)" --target fuzz_import fuzz_compile >/dev/null
}

if [ "${1:-}" = minimize ]; then
  harness=${2:?usage: run.sh minimize HARNESS FILE [RUNS]} file=$(realpath "${3:?usage: run.sh minimize HARNESS FILE [RUNS]}")
  build_fuzzers
  out=$(mktemp -d)
  (cd "$out" && "$build/tests/fuzz/fuzz_$harness" "${flags[@]}" -minimize_crash=1 -runs="${4:-20000}" \
      -artifact_prefix="$out/" "$file" >"$out/log" 2>&1) || true
  best=$(ls -S "$out"/minimized-from-* 2>/dev/null | tail -1 || true)
  [ -n "$best" ] || { cat "$out/log" >&2; echo "minimize: no minimised input (does $file crash?)" >&2; exit 1; }
  echo "$best ($(stat -c %s "$best") bytes)"
  exit 0
fi

seconds=${1:-60}
build_fuzzers
total=0
failed=()
# One harness: seeds its corpus, fuzzes, and leaves its run count in
# $work/runs and, on a failure, $work/failed.
fuzz_one() {
  local harness=$1 work="$build/fuzz-run/$1" max_seed name log rc runs
  mkdir -p "$work/corpus" "$work/artifacts"
  rm -f "$work/runs" "$work/failed"
  # fuzz_import mutates bytes: small seeds only, so that it stays fast.
  max_seed=$([ "$harness" = import ] && echo 65536 || echo 1048576)
  # fuzz_compile runs some 20 inputs a second, so loading all 1,800 node tests
  # would take the whole of a short run (it did in CI's 75 s: no input was
  # mutated). It takes an even sample of them instead, about 4 per second of the
  # run (257 in 75 s, some 15 s of loading).
  stride=1 node=0
  if [ "$harness" = compile ]; then stride=$(($(ls -d "$node_tests"/test_* 2>/dev/null | wc -l) / (seconds * 4) + 1)); fi
  for m in "$root"/tests/fuzz/corpus/* "$node_tests"/*/model.onnx; do
    [ -f "$m" ] || continue
    name=$(basename "$m")
    if [ "$name" = model.onnx ]; then
      node=$((node + 1))
      [ $((node % stride)) -eq 0 ] || continue
      name="node_$(basename "$(dirname "$m")").onnx"
    fi
    if [ ! -e "$work/corpus/$name" ] && [ "$(stat -c %s "$m")" -lt "$max_seed" ]; then cp "$m" "$work/corpus/$name"; fi
  done
  if [ "$(ls "$work/corpus" | wc -l)" -gt 8000 ]; then  # keep a long-lived corpus small: merge it
    rm -rf "$work/corpus.min" && mkdir "$work/corpus.min"
    "$build/tests/fuzz/fuzz_$harness" "${flags[@]}" -merge=1 "$work/corpus.min" "$work/corpus" >"$work/merge.log" 2>&1 &&
      rm -rf "$work/corpus" && mv "$work/corpus.min" "$work/corpus"
  fi
  log="$work/last.log"
  echo "== fuzz_$harness: ${seconds}s on $(ls "$work/corpus" | wc -l) inputs (log: $log)"
  rc=0
  (cd "$work" && "$build/tests/fuzz/fuzz_$harness" "${flags[@]}" ${FUZZ_FLAGS:-} -max_total_time="$seconds" \
      -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1) || rc=$?
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  if [ $rc -ne 0 ] || [ -z "$runs" ]; then
    grep -E "ERROR|runtime error|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -20 >&2 || tail -20 "$log" >&2
    touch "$work/failed"
    runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1)
  fi
  # The runs up to INITED replay the corpus; only those after it fuzz.
  inited=$(sed -n 's/^#\([0-9]*\).*INITED.*/\1/p' "$log" | head -1)
  fuzzed=$((${runs:-0} - ${inited:-${runs:-0}}))
  if [ "$fuzzed" -le 0 ] && [ ! -e "$work/failed" ]; then
    echo "fuzz_$harness: ${seconds}s went on loading its corpus: nothing was fuzzed" >&2
    touch "$work/failed"
  fi
  echo "fuzz_$harness: ${runs:-0} runs in ${seconds}s, $fuzzed of them on mutated inputs"
  echo "${runs:-0}" >"$work/runs"
}

# The harnesses run side by side (one process each: the machines have 2 cores).
for harness in import compile; do fuzz_one $harness & done
wait
for harness in import compile; do
  total=$((total + $(cat "$build/fuzz-run/$harness/runs" 2>/dev/null || echo 0)))
  [ ! -e "$build/fuzz-run/$harness/failed" ] && [ -e "$build/fuzz-run/$harness/runs" ] || failed+=("$harness")
done
echo "fuzz total: $total runs"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/fuzz-run/*/artifacts; minimise with: bash tests/fuzz/run.sh minimize HARNESS FILE)" >&2
  exit 1
fi
