#!/usr/bin/env node
// Expected outputs from ONNX Runtime (single-threaded) for a model in this
// directory: reads NAME.onnx and NAME.x.npy (f32, input "x"), writes
// NAME.y.npy (f32, output "y"). Golden outputs never come from aotc itself.
// Usage: node tests/data/ort_golden.js NAME   (needs models/node_modules: cd models && npm install)
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', 'models', 'node_modules', 'onnxruntime-node'));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${file}: want little-endian f32 in C order`);
  const dims = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter((d) => d.trim()).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
  return { dims, data };
}

function writeNpy(file, dims, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

(async () => {
  const name = process.argv[2];
  const base = path.join(__dirname, name);
  const session = await ort.InferenceSession.create(base + '.onnx', {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
  });
  const x = readNpy(base + '.x.npy');
  const results = await session.run({ x: new ort.Tensor('float32', x.data, x.dims) });
  const y = results.y;
  writeNpy(base + '.y.npy', y.dims, y.data);
  console.log(`${name}: y float32[${y.dims.join('x')}] from onnxruntime-node ${ort.env.versions.node}`);
})().catch((e) => { console.error(e); process.exit(1); });
