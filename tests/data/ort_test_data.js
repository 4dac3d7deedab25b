#!/usr/bin/env node
// Expected outputs from ONNX Runtime (single-threaded) as ONNX test data:
// reads DIR/input_K.pb, runs MODEL.onnx on them and writes DIR/output_K.pb,
// one TensorProto per model output, in the model's output order, named after
// the output. For verify --per-layer, MODEL is what `aotc expose` writes.
// Golden outputs never come from aotc itself.
// Usage: node tests/data/ort_test_data.js MODEL.onnx DIR   (needs models/node_modules)
'use strict';
const fs = require('fs');
const path = require('path');
const models = path.join(__dirname, '..', '..', 'models');
const ort = require(path.join(models, 'node_modules', 'onnxruntime-node'));
const { readTensorProto } = require(path.join(models, 'tensorproto'));

const ONNX_TYPE = { float32: 1, uint8: 2, int8: 3, int16: 5, int32: 6, int64: 7, bool: 9, float64: 11 };

function varint(n) {
  const out = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}

// A serialized onnx.TensorProto: dims (1), data_type (2), name (8), raw_data (9).
function tensorProto(name, tensor) {
  const type = ONNX_TYPE[tensor.type];
  if (!type) throw new Error(`${name}: unsupported output type ${tensor.type}`);
  const d = tensor.data;
  const raw = tensor.type === 'bool' ? Buffer.from(Uint8Array.from(d, (x) => (x ? 1 : 0)))
    : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  const nameBytes = Buffer.from(name, 'utf8');
  const parts = tensor.dims.map((dim) => Buffer.concat([varint(1 << 3), varint(dim)]));
  parts.push(varint((2 << 3) | 0), varint(type));
  parts.push(varint((8 << 3) | 2), varint(nameBytes.length), nameBytes);
  parts.push(varint((9 << 3) | 2), varint(raw.length), raw);
  return Buffer.concat(parts);
}

(async () => {
  const [model, dir] = process.argv.slice(2);
  if (!model || !dir) throw new Error('usage: node tests/data/ort_test_data.js MODEL.onnx DIR');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
  });
  const feeds = {};
  for (let k = 0; fs.existsSync(path.join(dir, `input_${k}.pb`)); ++k) {
    const t = readTensorProto(path.join(dir, `input_${k}.pb`));
    feeds[t.name || session.inputNames[k]] = new ort.Tensor(t.type, t.data, t.dims);
  }
  const results = await session.run(feeds);
  session.outputNames.forEach((name, k) => {
    fs.writeFileSync(path.join(dir, `output_${k}.pb`), tensorProto(name, results[name]));
  });
  console.log(`${model}: ${session.outputNames.length} outputs from onnxruntime-node ${ort.env.versions.node}`);
})().catch((e) => { console.error(e); process.exit(1); });
