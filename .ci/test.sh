#!/usr/bin/env bash
# Sets everything up and runs the full test suite twice over:
#  1. a Release build: unit, CLI, C API and package tests, and the model
#     variants that differ from the rest in what aotc does (generic target,
#     --weights bin, --backend llvm, the JIT);
#  2. a Debug build of aotc itself under AddressSanitizer and UBSan (which also
#     checks the kernels the compiler runs for constant folding): the same
#     tests plus the other model variants and the ONNX backend node
#     conformance run, whose generated C is built with ASan and UBSan too. A
#     model test's generated C is the same whichever aotc made it, so each
#     model variant runs once. Left out here: the package tests and the
#     many-compilers API test (the com.microsoft op tests, tests/ms_ops, run
#     the sanitized aotc's JIT);
#  3. a fuzz smoke: the two libFuzzer harnesses (tests/fuzz) for 75 s, side by
#     side, in a clang fuzz build.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase prints its wall time, so the CI log shows where the budget goes.
phase_start=$SECONDS
phase() { echo "== ci phase done: $1 in $((SECONDS - phase_start)) s (total $SECONDS s)"; phase_start=$SECONDS; }
bash .ci/install-deps.sh
phase "install dependencies"
# -O0: the sanitizers see every access as written, and the small programs
# build faster (the tests starting with a or b: 92 -> 70 s with the Release
# runner); the optimised C is checked by the Release model and kernel tests.
# gold (binutils' other linker) links each test's program with the sanitizer
# runtimes in half the time of ld.bfd (0.09-0.14 against 0.18-0.27 s here).
sanitize_c="-std=c99 -O0 -fsanitize=address,undefined -fno-sanitize-recover=all -fuse-ld=gold"
bash .ci/build.sh -DAOTC_WITH_LLVM=ON
phase "Release build"
ctest --test-dir build --output-on-failure -j "$(nproc)" -E '^conformance$|^model_'
ctest --test-dir build --output-on-failure -j "$(nproc)" -R '^model_.*_(generic|weights_bin|llvm|jit)$'
phase "Release tests"
# -g1: line tables only (what sanitizer reports print), 8% less compile time than -g.
BUILD_DIR=build-asan BUILD_TYPE=Debug bash .ci/build.sh -DAOTC_WITH_LLVM=ON -DAOTC_SANITIZE=ON -DAOTC_CONFORMANCE_CFLAGS="$sanitize_c" \
  -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1
phase "ASan build"
# conformance_jit runs in the Release build only: under LeakSanitizer, the
# runner's 1,800 in-process compiles in one process leave one LLVM/Clang
# object each unfreed (a single compile, as every CLI and model test does,
# leaks nothing); being tracked down.
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" \
  -E '_(generic|weights_bin|llvm|jit)$|^package:|^api:compilers_|^conformance_jit$'
phase "ASan tests"
bash tests/fuzz/run.sh 75
phase "fuzz build and smoke"
