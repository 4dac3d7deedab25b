#!/bin/sh
# Every model in models/ compiled for Cortex-M4 must build warning-free with
# arm-none-eabi-gcc -std=c99 -Wall -Wextra -pedantic -Werror at -O0, -O2,
# -O3 and -Os (gcc warns differently at each level, e.g.
# -Waggressive-loop-optimizations only when optimizing): with the weights as
# C arrays at -O2, and as NAME_weights.bin at every level (the code is the
# same; only the arrays differ, and parsing them was most of the time).
#
#   tests/package/cortex_m_warnings.sh AOTC MODELS_DIR WORK_DIR
# Prints SKIPPED without arm-none-eabi-gcc.
set -eu
aotc=$1 models=$2 work=$3
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  echo "SKIPPED: arm-none-eabi-gcc not found (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi)"
  exit 0
fi
cflags="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 -Wall -Wextra -pedantic -Werror"
rm -rf "$work"
mkdir -p "$work"
builds=0
for dir in "$models"/*/; do
  [ -f "$dir/model.onnx" ] || continue
  name=$(basename "$dir")
  for weights in c bin; do
    out="$work/$name-$weights"
    "$aotc" "$dir/model.onnx" -o "$out" --name "$name" --target cortex-m4 --weights "$weights" >/dev/null
    levels=-O2
    [ "$weights" = bin ] && levels="-O0 -O2 -O3 -Os"
    for level in $levels; do
      if ! arm-none-eabi-gcc $cflags $level -I"$out" -c "$out/$name.c" -o "$out/$name$level.o" 2>"$out/log"; then
        echo "FAILED: $name (--weights $weights) with arm-none-eabi-gcc $level:"
        cat "$out/log"
        exit 1
      fi
      builds=$((builds + 1))
    done
  done
  rm -rf "$work/$name-c" "$work/$name-bin"
done
echo "$builds Cortex-M4 builds of the models in $models, no warnings"
