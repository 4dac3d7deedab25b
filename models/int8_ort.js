#!/usr/bin/env node
// ONNX Runtime side of the int8 models (see quantize.py):
//
//   node int8_ort.js calibrate NAME ...  runs models/NAME_int8/.work/calib.onnx (the
//       BN-folded float model with every float tensor as an output) on the seeded
//       calibration inputs and writes .work/ranges.json: per tensor [min, max] over
//       all inputs (ORT's MinMaxCalibrater without moving average).
//   node int8_ort.js golden DIR ...      runs models/DIR/model.onnx on every
//       test_data_set_N/input_0.pb with graphOptimizationLevel 'all' (ORT fuses
//       QDQ into QLinearConv etc.) and 'disabled'; raw outputs to
//       DIR/.work/{all,disabled}_setN_K.{bin,json}; also on .work/extra_inputs.bin
//       (statistics only, not committed).
//
// Always 1 thread, sequential, CPU EP.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readTensorProto } = require('./tensorproto');

const HERE = __dirname;
const opts = (level) => ({
  intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: level,
});

function minmax(data, acc) {
  let lo = acc ? acc[0] : Infinity, hi = acc ? acc[1] : -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

async function calibrate(name) {
  const wd = path.join(HERE, `${name}_int8`, '.work');
  const meta = JSON.parse(fs.readFileSync(path.join(wd, 'calib_meta.json'), 'utf8'));
  // ORT's CalibraterBase.create_inference_session disables graph optimizations.
  const session = await ort.InferenceSession.create(path.join(wd, 'calib.onnx'), opts('disabled'));
  const buf = fs.readFileSync(path.join(wd, 'calib_inputs.bin'));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const per = meta.dims.reduce((a, b) => a * b, 1);
  const ranges = {};
  for (let k = 0; k < meta.count; k++) {
    const x = all.slice(k * per, (k + 1) * per);
    const res = await session.run({ [meta.input]: new ort.Tensor('float32', x, meta.dims) });
    for (const t of meta.tensors) {
      const data = t === meta.input ? x : res[t] && res[t].data;
      if (!data) throw new Error(`${name}: no output for tensor ${t}`);
      ranges[t] = minmax(data, ranges[t]);
    }
  }
  await session.release();
  // JSON numbers are doubles: a float32 min/max round-trips exactly.
  const ordered = {};
  for (const t of meta.tensors) ordered[t] = ranges[t];
  fs.writeFileSync(path.join(wd, 'ranges.json'), JSON.stringify(ordered, null, 1) + '\n');
  console.log(`calibrate ${name}: ${meta.tensors.length} tensors over ${meta.count} inputs`);
}

function dataSets(d) {
  return fs.readdirSync(d).filter((x) => /^test_data_set_[0-9]+$/.test(x))
    .sort((a, b) => Number(a.split('_').pop()) - Number(b.split('_').pop()));
}

async function golden(dir) {
  const d = path.join(HERE, dir);
  const wd = path.join(d, '.work');
  fs.mkdirSync(wd, { recursive: true });
  const sets = dataSets(d);
  for (const level of ['all', 'disabled']) {
    const session = await ort.InferenceSession.create(path.join(d, 'model.onnx'), opts(level));
    for (const ds of sets) {
      const s = ds.split('_').pop();
      const tp = readTensorProto(path.join(d, ds, 'input_0.pb'));
      const res = await session.run({ [tp.name]: new ort.Tensor(tp.type, tp.data, tp.dims) });
      session.outputNames.forEach((oname, k) => {
        const t = res[oname];
        const a = t.data;
        fs.writeFileSync(path.join(wd, `${level}_set${s}_${k}.bin`), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
        fs.writeFileSync(path.join(wd, `${level}_set${s}_${k}.json`),
          JSON.stringify({ name: oname, type: t.type, dims: t.dims }) + '\n');
      });
    }
    // The same on more seeded inputs, for the fused vs unfused statistics only.
    const meta = JSON.parse(fs.readFileSync(path.join(wd, 'extra_meta.json'), 'utf8'));
    const buf = fs.readFileSync(path.join(wd, 'extra_inputs.bin'));
    const xs = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const per = meta.dims.reduce((a, b) => a * b, 1);
    const chunks = [];
    let odims = null;
    for (let k = 0; k < meta.count; k++) {
      const x = xs.slice(k * per, (k + 1) * per);
      const r = await session.run({ [meta.input]: new ort.Tensor('float32', x, meta.dims) });
      const t = r[session.outputNames[0]];
      chunks.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      odims = t.dims;
    }
    fs.writeFileSync(path.join(wd, `extra_${level}_0.bin`), Buffer.concat(chunks));
    fs.writeFileSync(path.join(wd, `extra_${level}_0.json`), JSON.stringify({
      name: session.outputNames[0], type: 'float32', dims: [meta.count, ...odims] }) + '\n');
    await session.release();
  }
  console.log(`golden ${dir}: ${sets.length} data sets ok`);
}

(async () => {
  const [cmd, ...names] = process.argv.slice(2);
  console.log(`onnxruntime-node ${ort.env.versions.node}`);
  for (const n of names) {
    if (cmd === 'calibrate') await calibrate(n);
    else if (cmd === 'golden') await golden(n);
    else throw new Error('usage: int8_ort.js calibrate|golden NAME ...');
  }
})().catch((e) => { console.error(e); process.exit(1); });
