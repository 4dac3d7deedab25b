#!/usr/bin/env node
// ONNX Runtime single-thread latency benchmark (the reference side of the aotc
// benchmark). Prints one line per model:
//   ort <model_name> median_us=... min_us=... mean_us=...
//
// Usage: node bench/ort_bench.js [--runs N] [--warmup N] [model.onnx | model_name ...]
//   default models: every models/*/model.onnx
//
// onnxruntime-node is loaded from models/node_modules (run `models/regenerate.sh`
// or `cd models && npm install --ignore-scripts` first); no separate install in bench/.
// Input: models/<name>/test_data_set_0/input_K.pb if present, else deterministic
// pseudo-random data of the model's declared (static) input shapes.
'use strict';
const fs = require('fs');
const path = require('path');

const MODELS_DIR = path.resolve(__dirname, '..', 'models');

function loadOrt() {
  try {
    return require(path.join(MODELS_DIR, 'node_modules', 'onnxruntime-node'));
  } catch (e) {
    try { return require('onnxruntime-node'); } catch (_) { /* fall through */ }
    console.error('cannot load onnxruntime-node: run `cd models && npm install --ignore-scripts`');
    throw e;
  }
}
const ort = loadOrt();
const { readTensorProto } = require(path.join(MODELS_DIR, 'tensorproto.js'));

function parseArgs(argv) {
  const opts = { runs: 200, warmup: 20, models: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { const v = a.includes('=') ? a.split('=')[1] : argv[++i]; const n = parseInt(v, 10); if (!(n >= 0)) throw new Error(`bad value for ${a}`); return n; };
    if (a.startsWith('--runs')) opts.runs = val();
    else if (a.startsWith('--warmup')) opts.warmup = val();
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/ort_bench.js [--runs N] [--warmup N] [model.onnx | model_name ...]');
      process.exit(0);
    } else opts.models.push(a);
  }
  if (opts.runs < 1) throw new Error('--runs must be >= 1');
  if (!opts.models.length) {
    opts.models = fs.readdirSync(MODELS_DIR).sort()
      .map((d) => path.join(MODELS_DIR, d, 'model.onnx')).filter((p) => fs.existsSync(p));
  }
  // Accept bare model names as well as paths.
  opts.models = opts.models.map((m) => (fs.existsSync(m) ? m : path.join(MODELS_DIR, m, 'model.onnx')));
  return opts;
}

function modelName(file) {
  const base = path.basename(file, '.onnx');
  return base === 'model' ? path.basename(path.dirname(file)) : base;
}

function makeFeeds(session, file) {
  const feeds = {};
  const dataDir = path.join(path.dirname(file), 'test_data_set_0');
  if (fs.existsSync(dataDir)) {
    const files = fs.readdirSync(dataDir).filter((f) => /^input_\d+\.pb$/.test(f))
      .sort((a, b) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10));
    files.forEach((f, i) => {
      const t = readTensorProto(path.join(dataDir, f));
      feeds[t.name || session.inputNames[i]] = new ort.Tensor(t.type, t.data, t.dims);
    });
  }
  // Fallback: fill missing inputs from the model metadata (float32 only).
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32 - 0.5; };
  session.inputNames.forEach((n, i) => {
    if (n in feeds) return;
    const meta = session.inputMetadata && session.inputMetadata[i];
    if (!meta || !meta.isTensor || meta.type !== 'float32' || meta.shape.some((d) => typeof d !== 'number')) {
      throw new Error(`${file}: no test data for input '${n}' and cannot synthesize it`);
    }
    const size = meta.shape.reduce((a, b) => a * b, 1);
    feeds[n] = new ort.Tensor('float32', Float32Array.from({ length: size }, rnd), meta.shape);
  });
  return feeds;
}

async function bench(file, opts) {
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = makeFeeds(session, file);
  for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
  const us = new Float64Array(opts.runs);
  for (let i = 0; i < opts.runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    const t1 = process.hrtime.bigint();
    us[i] = Number(t1 - t0) / 1000;
  }
  await session.release();
  const sorted = Array.from(us).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  console.log(`ort ${modelName(file)} median_us=${median.toFixed(1)} min_us=${sorted[0].toFixed(1)} mean_us=${mean.toFixed(1)}`);
}

// bench/ort_profile.js loads ORT and makes its inputs through these.
module.exports = { ort, makeFeeds };
if (require.main !== module) return;

(async () => {
  const opts = parseArgs(process.argv.slice(2));
  console.log(`# onnxruntime-node ${ort.env.versions.node} (onnxruntime-common ${ort.env.versions.common}), ` +
    `threads=1 sequential opt=all warmup=${opts.warmup} runs=${opts.runs}`);
  for (const m of opts.models) await bench(m, opts);
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
