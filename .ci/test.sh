#!/usr/bin/env bash
# Sets everything up and runs the full test suite: unit, CLI, C API, golden
# model tests and the ONNX backend node conformance run (generated C built
# with AddressSanitizer and UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
bash .ci/build.sh -DAOTC_CONFORMANCE_CFLAGS="-std=c99 -O1 -fsanitize=address,undefined -fno-sanitize-recover=all"
ctest --test-dir build --output-on-failure -j "$(nproc)"
