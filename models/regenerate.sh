#!/bin/sh
# Regenerate every model, test input and ONNX Runtime golden output in models/.
# Deterministic: re-running produces byte-identical model.onnx and *.pb files
# (on the same torch/onnx/onnxruntime versions).
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}   # Debian python: torch 1.13, onnx 1.12 (+ python3-sklearn for digits)

echo "== npm install (onnxruntime-node)"
npm install --ignore-scripts --no-audit --no-fund >/dev/null

echo "== export models + inputs (torch.onnx, opset 13)"
"$PY" make_models.py

echo "== train the demo's digit classifier (sklearn 8x8 digits), export + inputs"
"$PY" train_digits.py

echo "== golden outputs (ONNX Runtime, single-threaded)"
node golden.js

echo "== pack golden outputs into test_data_set_0/output_K.pb"
"$PY" make_models.py --pack-golden
"$PY" train_digits.py --pack-golden

echo "== int8 models: BN fold + calibration model and inputs (quantize.py)"
"$PY" quantize.py prepare

echo "== int8 calibration (ONNX Runtime, min/max per tensor)"
node int8_ort.js calibrate mnist_cnn kws_dscnn resnet8 mobilenet_tiny vww_mobilenet ad_autoencoder

echo "== int8 quantization: *_int8 (QDQ), *_qop (QOperator)"
"$PY" quantize.py quantize

echo "== int8 golden outputs (ONNX Runtime, optimization 'all' and 'disabled')"
node int8_ort.js golden $(ls -d *_int8 *_qop)

echo "== pack int8 golden outputs (the 'all' output, test_data_set_0..4), fused vs unfused"
"$PY" quantize.py pack

echo "== done"
sha256sum */model.onnx */test_data_set_*/*.pb
