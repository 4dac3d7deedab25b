#!/usr/bin/env node
// Expected outputs from ONNX Runtime (CPU, single-threaded, graph optimizations
// off) for the single-op models of tests/data/ms_ops (make_ms_models.py): reads
// every DIR/model.onnx with DIR/test_data_set_0/input_K.pb, writes output_K.pb.
// Golden outputs never come from aotc itself.
// Usage: node tests/data/ms_ops/ort_golden_ms.js [NAME...]   (needs models/node_modules)
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', '..', 'models', 'node_modules', 'onnxruntime-node'));

// TensorProto data_type numbers <-> onnxruntime-node tensor types.
const TYPES = { 1: ['float32', Float32Array], 2: ['uint8', Uint8Array], 3: ['int8', Int8Array], 6: ['int32', Int32Array] };

// Minimal protobuf for TensorProto: dims (1), data_type (2), name (8), raw_data (9).
function readVarint(buf, pos) {
  let v = 0n, shift = 0n;
  for (;;) {
    const b = buf[pos++];
    v |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [v, pos];
    shift += 7n;
  }
}

function readTensor(file) {
  const buf = fs.readFileSync(file);
  const t = { dims: [], type: 0, name: '', raw: Buffer.alloc(0) };
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n), wire = Number(key & 7n);
    if (wire === 0) {
      let v;
      [v, pos] = readVarint(buf, pos);
      if (field === 1) t.dims.push(Number(v));
      else if (field === 2) t.type = Number(v);
    } else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      const body = buf.subarray(pos, pos + Number(len));
      pos += Number(len);
      if (field === 1) for (let p = 0; p < body.length;) { let v; [v, p] = readVarint(body, p); t.dims.push(Number(v)); }
      else if (field === 8) t.name = body.toString('utf8');
      else if (field === 9) t.raw = Buffer.from(body);
    } else throw new Error(`${file}: unexpected wire type ${wire}`);
  }
  const [kind, Arr] = TYPES[t.type];
  const data = new Arr(t.raw.buffer, t.raw.byteOffset, t.raw.length / Arr.BYTES_PER_ELEMENT);
  return { name: t.name, tensor: new ort.Tensor(kind, data.slice(), t.dims) };
}

function varint(v) {
  const out = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}

function field(num, wire, body) {
  return wire === 0 ? Buffer.concat([varint(num * 8), varint(body)])
    : Buffer.concat([varint(num * 8 + 2), varint(body.length), body]);
}

function writeTensor(file, name, t) {
  const code = Number(Object.keys(TYPES).find((k) => TYPES[k][0] === t.type));
  if (!code) throw new Error(`${name}: unsupported output type ${t.type}`);
  const parts = t.dims.map((d) => field(1, 0, d));
  parts.push(field(2, 0, code), field(8, 2, Buffer.from(name)),
    field(9, 2, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  fs.writeFileSync(file, Buffer.concat(parts));
}

(async () => {
  const names = process.argv.length > 2 ? process.argv.slice(2)
    : fs.readdirSync(__dirname).filter((d) => fs.existsSync(path.join(__dirname, d, 'model.onnx')));
  for (const name of names) {
    const dir = path.join(__dirname, name), data = path.join(dir, 'test_data_set_0');
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), {
      intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'disabled',
    });
    const feeds = {};
    for (let k = 0; fs.existsSync(path.join(data, `input_${k}.pb`)); ++k) {
      const { name: n, tensor } = readTensor(path.join(data, `input_${k}.pb`));
      feeds[n] = tensor;
    }
    const results = await session.run(feeds);
    session.outputNames.forEach((n, k) => writeTensor(path.join(data, `output_${k}.pb`), n, results[n]));
    console.log(`${name}: ${session.outputNames.map((n) => `${results[n].type}[${results[n].dims.join('x')}]`).join(', ')}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
