#!/usr/bin/env node
// Golden data for a bench model, from ONNX Runtime (never from aotc): feeds a
// deterministic pseudo-random input (uniform in [-1, 1), fixed seed) to the
// model's single input and writes OUTDIR/input.npy and OUTDIR/output.npy (its
// first output), for `aotc verify MODEL --input NAME=... --expected NAME=...`.
//
//   [SHAPE=1,3,224,224] node bench/imagenet/golden_npy.js MODEL.onnx OUTDIR [SEED]
//
// SHAPE is the input's shape (default 1,3,224,224, the ImageNet nets'). Needs
// onnxruntime-node in models/node_modules. Prints the input and output names.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.resolve(__dirname, '..', '..', 'models', 'node_modules', 'onnxruntime-node'));

function npy(shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

(async () => {
  const [model, outDir, seedArg] = process.argv.slice(2);
  if (!model || !outDir) throw new Error('usage: golden_npy.js MODEL.onnx OUTDIR [SEED]');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'disabled',
  });
  const inName = session.inputNames[0];
  const outName = session.outputNames[0];
  const shape = (process.env.SHAPE || '1,3,224,224').split(',').map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  let s = (Number(seedArg) || 1) >>> 0;
  for (let i = 0; i < n; ++i) {  // xorshift32
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    x[i] = (s / 4294967296) * 2 - 1;
  }
  const result = await session.run({ [inName]: new ort.Tensor('float32', x, shape) });
  const y = result[outName];
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'input.npy'), npy(shape, x));
  fs.writeFileSync(path.join(outDir, 'output.npy'), npy(y.dims, y.data));
  console.log(`${inName} ${outName}`);
})().catch((e) => { console.error(e.message || e); process.exit(1); });
