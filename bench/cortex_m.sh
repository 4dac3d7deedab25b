#!/usr/bin/env bash
# Cortex-M instruction counts for every model in models/: compiles it with
# `aotc --target TARGET`, builds it with arm-none-eabi-gcc -O2 -std=c99 and the
# target's suggested flags, runs it once on QEMU's MPS2 board with the test
# input of test_data_set_0 embedded, counts the instructions the model run
# executes (a QEMU plugin, bench/cortex-m/insncount.c; deterministic), checks
# the output against output_0.pb (rtol 1e-3, atol 1e-4) and prints one line
# per model. Prints numbers; nothing here is a test (the exit status is 1 if
# an output mismatched or a run failed). text and rodata are the model's own
# bytes in the linked program (its input sections in the link map, after
# --gc-sections; libm and the harness not counted; text includes the unwind
# index .ARM.exidx that Clang emits); flash and RAM are the whole program's.
#
#   bench/cortex_m.sh [build-dir] [target] [backend]
#     target: cortex-m4 (default), cortex-m7, cortex-m0
#     backend: c (default: model.c built by arm-none-eabi-gcc), llvm (the
#       object of aotc --backend llvm, linked as it is) or both (each model
#       twice, then a table of C against LLVM); env BENCH_CM_BACKEND also sets it
#
# Needs: a built aotc (build-dir, default build); Debian packages
# gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm (7.x: plugin API
# v1), python3-onnx (run as /usr/bin/python3; a pyenv python3 lacks it), and
# the host cc for the plugin. Env: BENCH_CM_CFLAGS (default -O2 -std=c99; with
# llvm only for the harness: aotc compiles the model itself, at -O2),
# BENCH_CM_KEEP=DIR keeps the build files there, BENCH_CM_MODELS=PATTERN (a
# shell case pattern, e.g. '*_int8') runs only the models it matches,
# BENCH_CM_LLVM_FLAGS adds aotc options for the llvm backend (e.g.
# '--opt-level s' or '--features=-strict-align'). A model aotc rejects is
# skipped with a line saying so.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/bench/cortex-m
build=$(cd "${1:-$root/build}" && pwd)
target=${2:-cortex-m4}
backend=${3:-${BENCH_CM_BACKEND:-c}}
case $backend in
  c) backends=c ;;
  llvm) backends=llvm ;;
  both) backends="c llvm" ;;
  *) echo "cortex_m.sh: backend '$backend': c, llvm or both" >&2; exit 2 ;;
esac
aotc=$build/cli/aotc
py=${BENCH_PYTHON:-/usr/bin/python3}
cflags=${BENCH_CM_CFLAGS:--O2 -std=c99}
case $target in
  cortex-m4) machine=mps2-an386 ;;
  cortex-m7) machine=mps2-an500 ;;
  cortex-m0) machine=mps2-an385 ;;  # a Cortex-M3 board; it runs ARMv6-M code unchanged
  *) echo "cortex_m.sh: no QEMU board set up for target '$target' (cortex-m4, cortex-m7, cortex-m0)" >&2; exit 2 ;;
esac
missing=
for tool in arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm qemu-system-arm cc "$py"; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
[ -x "$aotc" ] || missing="$missing $aotc"
"$py" -c 'import onnx, numpy' 2>/dev/null || missing="$missing python3-onnx(for $py)"
if [ -n "$missing" ]; then
  echo "cortex_m.sh: missing:$missing" >&2
  echo "  apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-onnx; build aotc first" >&2
  exit 2
fi
if [ -n "${BENCH_CM_KEEP:-}" ]; then work=$BENCH_CM_KEEP; mkdir -p "$work"; else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
cc -shared -fPIC -O2 -o "$work/insncount.so" "$here/insncount.c"
status=0
first=1
summary=
# Sums the sizes of the input sections of object $2 in link map $1: "text rodata".
model_bytes() {
  awk -v obj="$2" '
    /^Linker script and memory map/ { on = 1; next }
    !on { next }
    # An input section: " .name addr size file", or " .name" with the rest on the next line.
    /^ [.A-Za-z_]/ { sec = $1; if (NF >= 4) { add(sec, $3, $4); sec = "" } next }
    sec != "" && /^ +0x/ && NF >= 3 { add(sec, $2, $3) }
    { sec = "" }
    function hex(h,   v, i) {  # mawk has no strtonum
      v = 0
      for (i = 3; i <= length(h); ++i) v = v * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
      return v
    }
    function add(s, size, file) {
      if (file != obj) return
      if (s ~ /^\.text/ || s ~ /^\.ARM\.ex/) text += hex(size)
      else if (s ~ /^\.rodata/) rodata += hex(size)
    }
    END { print text + 0, rodata + 0 }' "$1"
}
for dir in "$root"/models/*/; do
  [ -f "$dir/model.onnx" ] && [ -d "$dir/test_data_set_0" ] || continue
  name=$(basename "$dir")
  case $name in ${BENCH_CM_MODELS:-*}) ;; *) continue ;; esac
  row="$name"
  for be in $backends; do
    out=$work/$name/$be
    rm -rf "$out"
    mkdir -p "$out"
    be_opts=()
    # shellcheck disable=SC2206
    [ "$be" = llvm ] && be_opts=(--backend llvm ${BENCH_CM_LLVM_FLAGS:-})
    if ! "$aotc" "$dir/model.onnx" -o "$out/gen" --name model --target "$target" "${be_opts[@]}" >"$out/aotc.log" 2>&1; then
      echo "$name: skipped ($be), aotc rejects it: $(grep -m1 -i error "$out/aotc.log" | head -c 160)"
      row="$row ? ? ? ?"
      continue
    fi
    arch=$(sed -n 's/.*Suggested compiler flags[^-]*\(-[^*]*\).*/\1/p' "$out/gen/model.h" | head -1)
    [ -n "$arch" ] || { echo "cortex_m.sh: no 'Suggested compiler flags' line in $out/gen/model.h" >&2; exit 2; }
    if [ $first = 1 ]; then
      echo "# aotc --target $target; arm-none-eabi-gcc $cflags $arch (c backend: model.c; llvm: aotc's model.o);"
      echo "# QEMU $machine; instructions of one run; text, rodata: the model's bytes; flash, RAM: the program's"
      printf '%-20s %-4s %12s %10s %9s %12s %8s %9s %9s %9s %s\n' model be instructions MACs insn/MAC max_abs_err \
        text rodata flash RAM result
      first=0
    fi
    macs=$("$py" "$here/prepare.py" "$dir/model.onnx" "$dir/test_data_set_0" "$out")
    link_extra=
    if [ "$be" = llvm ]; then
      obj=$out/gen/model.o
      # Clang's objects carry .note.GNU-stack (ld warns of an executable stack without -z noexecstack).
      link_extra="-Wl,-z,noexecstack"
    else
      obj=$out/model.o
      # shellcheck disable=SC2086
      arm-none-eabi-gcc $arch $cflags -ffunction-sections -fdata-sections -I"$out/gen" -c "$out/gen/model.c" -o "$obj"
    fi
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $arch $cflags -ffunction-sections -fdata-sections -I"$out" -I"$out/gen" \
      "$here/main.c" "$here/startup.c" "$obj" -nostartfiles --specs=nosys.specs \
      -T "$here/cortex-m.ld" -Wl,--gc-sections -Wl,-Map="$out/prog.map" $link_extra -lm -o "$out/prog.elf"
    read -r text data bss _ < <(arm-none-eabi-size "$out/prog.elf" | tail -1)
    read -r mtext mrodata < <(model_bytes "$out/prog.map" "$obj")
    mark=$(arm-none-eabi-nm "$out/prog.elf" | awk '$3 == "bench_mark" { print "0x" $1 }')
    set +e
    timeout -k 5 300 qemu-system-arm -M "$machine" -nodefaults -display none -nic user,restrict=on \
      -semihosting-config enable=on,target=native -kernel "$out/prog.elf" \
      -plugin "$work/insncount.so,mark=$mark,out=$out/insns.txt" </dev/null >"$out/qemu.out" 2>&1
    rc=$?
    msg=$(grep -m1 -e 'mismatches=' -e 'bench:' "$out/qemu.out" || head -c 200 "$out/qemu.out")
    set -e
    insns=$(awk '$1 == "mark" { m[++n] = $2 } END { if (n == 2) print m[2] - m[1]; else print "?" }' "$out/insns.txt" 2>/dev/null || echo "?")
    bits=$(sed -n 's/.*max_abs_err_bits=0x\([0-9a-f]*\).*/\1/p' <<<"$msg")
    err=$([ -n "$bits" ] && "$py" -c "import struct,sys; print('%.3g' % struct.unpack('<f', bytes.fromhex(sys.argv[1])[::-1])[0])" "$bits" || echo "?")
    if [ "$rc" = 0 ]; then result=ok; else result="FAIL(exit $rc: $msg)"; status=1; insns="?"; fi
    per=$(awk -v i="$insns" -v m="$macs" 'BEGIN { if (m > 0 && i != "?") printf "%.2f", i / m; else print "-" }')
    printf '%-20s %-4s %12s %10s %9s %12s %8s %9s %9s %9s %s\n' "$name" "$be" "$insns" "$macs" "$per" "$err" \
      "$mtext" "$mrodata" $((text + data)) $((data + bss)) "$result"
    row="$row $insns $mtext $mrodata ${result%%(*}"
  done
  summary="$summary$row"$'\n'
done
if [ "$backends" = "c llvm" ] && [ -n "$summary" ]; then
  echo
  echo "# C backend (arm-none-eabi-gcc $cflags) against LLVM backend (aotc --backend llvm): instructions, model bytes"
  printf '%-20s %12s %12s %7s %9s %9s %9s %9s\n' model c_insns llvm_insns llvm/c c_text llvm_text c_rodata llvm_rodata
  while read -r m ci ct cr _ li lt lr _; do
    [ -n "$m" ] || continue
    ratio=$(awk -v c="$ci" -v l="$li" 'BEGIN { if (c + 0 > 0 && l + 0 > 0) printf "%.3f", l / c; else print "-" }')
    printf '%-20s %12s %12s %7s %9s %9s %9s %9s\n' "$m" "$ci" "$li" "$ratio" "$ct" "$lt" "$cr" "$lr"
  done <<<"$summary"
fi
exit $status
