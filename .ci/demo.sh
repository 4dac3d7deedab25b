#!/usr/bin/env bash
# The main job: set up, build aotc, compile the bundled digit classifier
# (models/digits, a small CNN trained on sklearn's 8x8 handwritten digits) to
# C, build it into a small C program written against the standard API and run
# it on ten held-out digits: ASCII art, prediction and true label for each.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
bash .ci/build.sh
out=build/demo
rm -rf "$out"
./build/cli/aotc models/digits/model.onnx -o "$out/digits" --name digits
cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I"$out/digits" examples/demo.c "$out/digits/digits.c" -lm -o "$out/demo"
"$out/demo" models/digits/demo_digits.txt
