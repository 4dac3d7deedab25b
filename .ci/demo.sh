#!/usr/bin/env bash
# The main job: set up, build aotc, compile a bundled model (MNIST CNN) to C,
# build it into a small C program written against the standard API, run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
bash .ci/build.sh
out=build/demo
rm -rf "$out"
./build/cli/aotc models/mnist_cnn/model.onnx -o "$out/mnist" --name mnist
cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I"$out/mnist" examples/demo.c "$out/mnist/mnist.c" -lm -o "$out/demo"
"$out/demo" models/mnist_cnn/test_data_set_0/input_0.pb
