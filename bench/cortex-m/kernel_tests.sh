#!/usr/bin/env bash
# Runs the int8 kernel tests of tests/kernels (test_qconv.c: every fast conv
# path against the reference, bit for bit; test_quantize.c) on a Cortex-M
# under QEMU, built with arm-none-eabi-gcc -O2 and the target's flags: the
# DSP paths (SMLAD, the inline asm) and the VCVTR rounding run as the
# instruction set has them, where the host builds (tests/kernels) only
# emulate them in C. Exit status 1 if a test fails.
#
#   bench/cortex-m/kernel_tests.sh [target]    cortex-m4 (default), cortex-m7, cortex-m0
#
# Needs gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm. The
# random cases of test_qconv take about a minute on Cortex-M4 (longer on
# Cortex-M0, in C).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/cortex-m
target=${1:-cortex-m4}
case $target in
  cortex-m4) machine=mps2-an386 flags="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard" ;;
  cortex-m7) machine=mps2-an500 flags="-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard" ;;
  cortex-m0) machine=mps2-an385 flags="-mcpu=cortex-m0 -mthumb" ;;
  *) echo "kernel_tests.sh: no QEMU board set up for target '$target' (cortex-m4, cortex-m7, cortex-m0)" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in test_qconv test_quantize; do
  # shellcheck disable=SC2086
  arm-none-eabi-gcc $flags -O2 -std=c99 -Wall -Wextra -I"$root/runtime-c/kernels" -I"$root/tests/kernels" \
    "$root/tests/kernels/$t.c" "$here/startup.c" "$here/test_io.c" -nostartfiles --specs=nosys.specs \
    -T "$here/cortex-m.ld" -lm -o "$work/$t.elf"
  if timeout -k 5 1800 qemu-system-arm -M "$machine" -nodefaults -display none -nic user,restrict=on \
    -semihosting-config enable=on,target=native -kernel "$work/$t.elf" </dev/null >"$work/$t.out" 2>&1; then
    echo "$t ($target): ok: $(tail -1 "$work/$t.out")"
  else
    echo "$t ($target): FAILED"
    grep -v '^qemu-system-arm: warning' "$work/$t.out" | tail -20
    status=1
  fi
done
exit $status
