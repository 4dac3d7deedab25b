#!/usr/bin/env bash
# Installs everything aotc needs on a fresh Debian 12 machine (run as root).
# Idempotent; skips apt when every package is already there.
set -euo pipefail
# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes for tests/fuzz (only
# recommended by clang's dependencies, so --no-install-recommends skips it).
# gcc-arm-none-eabi, libnewlib-arm-none-eabi: the Cortex-M4 image CTest
# api:cortex_m_ram links to compare the RAM of the two ways to call a model,
# and package:add_subdirectory_cross_cortex_m4 cross-compiles a firmware project.
# qemu-system-arm: cortex_m:example_mps2_an386 runs examples/cortex-m on QEMU's
# mps2-an386 board (it says SKIPPED without it).
# make: package:install_cmake_and_make builds a consumer with the Make fragment.
# llvm-14-dev, libclang-cpp14-dev (library), libclang-14-dev (Clang headers),
# libclang-common-14-dev (Clang resource headers): the LLVM backend (codegen/llvm).
packages=(cmake ninja-build make g++ gcc clang libclang-rt-14-dev llvm-14-dev libclang-cpp14-dev libclang-14-dev libclang-common-14-dev libonnx-dev libprotobuf-dev protobuf-compiler libfmt-dev
          libcli11-dev nlohmann-json3-dev catch2 gcc-arm-none-eabi libnewlib-arm-none-eabi
          qemu-system-arm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
