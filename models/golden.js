#!/usr/bin/env node
// Run ONNX Runtime (single-threaded) on models/<name>/test_data_set_0/input_*.pb
// and write the raw outputs to models/<name>/.work/output_K.{bin,json}.
// `make_models.py --pack-golden` then turns them into output_K.pb TensorProtos.
//
// Usage: node models/golden.js [model_name ...]   (default: every models/*/model.onnx)
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readTensorProto } = require('./tensorproto');

const HERE = __dirname;

// ---------------------------------------------------------------------------
function listModels(names) {
  if (names.length) return names;
  return fs.readdirSync(HERE).filter((d) => fs.existsSync(path.join(HERE, d, 'model.onnx'))).sort();
}

async function runModel(name) {
  const dir = path.join(HERE, name);
  const dataDir = path.join(dir, 'test_data_set_0');
  const workDir = path.join(dir, '.work');
  fs.mkdirSync(workDir, { recursive: true });
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inputFiles = fs.readdirSync(dataDir).filter((f) => /^input_\d+\.pb$/.test(f))
    .sort((a, b) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10));
  const feeds = {};
  inputFiles.forEach((f, i) => {
    const tp = readTensorProto(path.join(dataDir, f));
    const tname = tp.name;
    const tensor = new ort.Tensor(tp.type, tp.data, tp.dims);
    const inName = tname || session.inputNames[i];
    if (!session.inputNames.includes(inName)) throw new Error(`${name}: ${f} names unknown input '${inName}'`);
    feeds[inName] = tensor;
  });
  for (const n of session.inputNames) if (!(n in feeds)) throw new Error(`${name}: no data for input '${n}'`);
  const results = await session.run(feeds);
  session.outputNames.forEach((oname, k) => {
    const t = results[oname];
    const d = t.data;
    fs.writeFileSync(path.join(workDir, `output_${k}.bin`), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    fs.writeFileSync(path.join(workDir, `output_${k}.json`), JSON.stringify({ name: oname, type: t.type, dims: t.dims }) + '\n');
    console.log(`golden ${name}: ${oname} ${t.type}[${t.dims.join('x')}]`);
  });
  await session.release();
}

(async () => {
  console.log(`onnxruntime-node ${ort.env.versions.node} (common ${ort.env.versions.common})`);
  for (const name of listModels(process.argv.slice(2))) await runModel(name);
})().catch((e) => { console.error(e); process.exit(1); });
