#!/usr/bin/env node
// Times one model under aotc and ONNX Runtime, interleaved, and prints one row
// of bench/compare.sh's table. Run by compare.sh (which compiles the model and
// the aotc timing server); `--header` prints the column titles.
//
//   node bench/compare.js --model M.onnx --name NAME --server BIN --workdir DIR
//        [--runs N] [--rounds R] [--warmup W] [--conv-flops F] [--peak-gflops P]
//
// Why interleaved: on a shared machine the load changes over seconds, so
// timing all aotc runs and then all ORT runs would charge one side for the
// other's bad minute. Here both sides take turns for R rounds of N runs (who
// goes first alternates) and the medians are over all R*N timed runs of each.
// Both sides stay loaded for the whole measurement: ORT in this process
// (session created before any timing), aotc in a child process
// (bench/aotc_server.c) that answers "run N" with N per-run times. Each side
// times only its own inference calls, so pipe traffic is never on the clock.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const readline = require('readline');

const MODELS_DIR = path.resolve(__dirname, '..', 'models');
// Output agreement check: |aotc - ort| <= ATOL + RTOL * max|ort| per output.
const ATOL = 1e-4;
const RTOL = 1e-3;

function loadOrt() {
  try {
    return require(path.join(MODELS_DIR, 'node_modules', 'onnxruntime-node'));
  } catch (e) {
    console.error('cannot load onnxruntime-node: run `cd models && npm install --ignore-scripts`');
    throw e;
  }
}

function parseArgs(argv) {
  const opts = { runs: 10, rounds: 20, warmup: 10, convFlops: 0, peakGflops: 0, header: false };
  const names = { '--model': 'model', '--name': 'name', '--server': 'server', '--workdir': 'workdir' };
  const numbers = { '--runs': 'runs', '--rounds': 'rounds', '--warmup': 'warmup',
    '--conv-flops': 'convFlops', '--peak-gflops': 'peakGflops' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--header') opts.header = true;
    else if (a in names) opts[names[a]] = argv[++i];
    else if (a in numbers) {
      opts[numbers[a]] = Number(argv[++i]);
      if (!(opts[numbers[a]] >= 0)) throw new Error(`bad value for ${a}`);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.header) {
    for (const k of ['model', 'name', 'server', 'workdir']) if (!opts[k]) throw new Error(`--${k} is required`);
    if (opts.runs < 1 || opts.rounds < 1) throw new Error('--runs and --rounds must be >= 1');
  }
  return opts;
}

// Deterministic uniform [-1, 1) data: the same input every run and machine.
function randomFloats(count, seed) {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 8388608 - 1;
  }
  return out;
}

// The aotc side: a child process that keeps the compiled model loaded.
class AotcServer {
  constructor(binary, workdir) {
    this.child = spawn(binary, [workdir], { stdio: ['pipe', 'pipe', 'inherit'] });
    // A server that died is reported by nextLine(); don't also crash on EPIPE.
    this.child.stdin.on('error', () => {});
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }
  async nextLine() {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('aotc server exited early (see its message above)');
    return value;
  }
  async ready() {
    const line = await this.nextLine();
    if (line !== 'ready') throw new Error(`aotc server: unexpected "${line}"`);
  }
  async time(runs) {
    this.child.stdin.write(`run ${runs}\n`);
    const fields = (await this.nextLine()).split(' ');
    if (fields[0] !== 'times' || fields.length !== runs + 1) throw new Error('aotc server: bad reply');
    return fields.slice(1).map(Number);
  }
  quit() { this.child.stdin.end('quit\n'); }
}

// ORT is timed through the addon's synchronous run() where this
// onnxruntime-node version exposes it (dist/binding, as its own backend.js
// uses it): the public session.run() adds a setImmediate hop and tensor
// wrapping, about 5 us per call, which is 20% of a small model and not
// inference. Otherwise falls back to the public API (said in the header).
function nativeBinding() {
  try {
    const b = require(path.join(MODELS_DIR, 'node_modules', 'onnxruntime-node', 'dist', 'binding'));
    return b.binding && typeof b.binding.InferenceSession === 'function' && typeof b.initOrt === 'function' ? b : null;
  } catch (_) {
    return null;
  }
}

function makeOrtTimer(session, feeds, modelPath, options) {
  const b = nativeBinding();
  let run;
  if (b) {
    b.initOrt();
    const native = new b.binding.InferenceSession();
    native.loadModel(modelPath, options);
    const fetches = Object.fromEntries(session.outputNames.map((n) => [n, null]));
    run = async () => { native.run(feeds, fetches, {}); };
  } else {
    run = () => session.run(feeds);
  }
  return async (runs) => {
    const us = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      await run();
      us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    return us;
  };
}

function percentile(sorted, p) {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(times) {
  const sorted = Float64Array.from(times).sort();
  return { median: percentile(sorted, 0.5), p10: percentile(sorted, 0.1), p90: percentile(sorted, 0.9) };
}

// Worst output disagreement, and whether every output is within tolerance.
function compareOutputs(ortOutputs, workdir) {
  let maxDiff = 0, ok = true;
  ortOutputs.forEach((ref, k) => {
    const raw = fs.readFileSync(path.join(workdir, `output_${k}.bin`));
    if (ref.type !== 'float32' || raw.length !== ref.data.byteLength) {
      maxDiff = Infinity;
      ok = false;
      return;
    }
    const got = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
    let diff = 0, scale = 0;
    for (let i = 0; i < got.length; i++) {
      diff = Math.max(diff, Math.abs(got[i] - ref.data[i]));
      scale = Math.max(scale, Math.abs(ref.data[i]));
    }
    if (Number.isNaN(diff) || diff > ATOL + RTOL * scale) ok = false;
    maxDiff = Math.max(maxDiff, Number.isNaN(diff) ? Infinity : diff);
  });
  return { maxDiff, ok };
}

const COLUMNS = '%-20s %9s %9s %8s %8s %17s %17s %14s %9s %6s';
function row(...cells) {
  let i = 0;
  return COLUMNS.replace(/%(-?)(\d+)s/g, (_, left, width) => {
    const text = String(cells[i++] ?? '');
    return left ? text.padEnd(+width) : text.padStart(+width);
  });
}
// Microseconds with a decimal only where it carries information.
const us = (x) => x.toFixed(x < 100 ? 1 : 0);
const range = (s) => `${us(s.p10)}-${us(s.p90)}`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.header) {
    console.log(`# ORT timed via ${nativeBinding() ? "the addon's synchronous run() (no JS promise/tensor wrapping)" : 'session.run()'}`);
    console.log(row('model', 'aotc us', 'ORT us', 'aotc/ORT', 'paired', 'aotc p10-p90 us', 'ORT p10-p90 us',
      'max|diff|', 'conv GF/s', '%peak'));
    return;
  }
  const ort = loadOrt();
  const ortOptions = {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  };
  const session = await ort.InferenceSession.create(opts.model, ortOptions);
  const feeds = {};
  session.inputNames.forEach((name, k) => {
    const meta = session.inputMetadata[k];
    if (meta.type !== 'float32' || meta.shape.some((d) => typeof d !== 'number')) {
      throw new Error(`input '${name}' is not a static float32 tensor; compare.js only makes float32 inputs`);
    }
    const data = randomFloats(meta.shape.reduce((a, b) => a * b, 1), 12345 + k);
    fs.writeFileSync(path.join(opts.workdir, `input_${k}.bin`), data);
    feeds[name] = new ort.Tensor('float32', data, meta.shape);
  });
  const aotc = new AotcServer(opts.server, opts.workdir);
  try {
    await aotc.ready(); // it has run once and written its outputs
    const results = await session.run(feeds);
    const check = compareOutputs(session.outputNames.map((n) => results[n]), opts.workdir);
    const timeOrt = makeOrtTimer(session, feeds, opts.model, ortOptions);

    await aotc.time(Math.max(opts.warmup, 1));
    await timeOrt(Math.max(opts.warmup, 1));
    const aotcUs = [], ortUs = [], roundRatios = [];
    for (let r = 0; r < opts.rounds; r++) {
      const aotcFirst = r % 2 === 0;
      let aotcRound;
      if (aotcFirst) aotcRound = await aotc.time(opts.runs);
      const ortRound = await timeOrt(opts.runs);
      if (!aotcFirst) aotcRound = await aotc.time(opts.runs);
      aotcUs.push(...aotcRound);
      ortUs.push(...ortRound);
      roundRatios.push(summarize(aotcRound).median / summarize(ortRound).median);
    }
    const a = summarize(aotcUs), o = summarize(ortUs);
    // The ratio within each round, where both sides saw about the same load;
    // its median is steadier than the ratio of overall medians when the load
    // drifts between rounds.
    const paired = summarize(roundRatios).median;
    const gflops = opts.convFlops > 0 ? opts.convFlops / a.median / 1e3 : 0;
    // For compare.sh's summary lines after the table.
    fs.writeFileSync(path.join(opts.workdir, 'result.json'), JSON.stringify({
      aotcMedianUs: a.median, ortMedianUs: o.median, convFlops: opts.convFlops, convGflops: gflops,
    }));
    console.log(row(opts.name, us(a.median), us(o.median), (a.median / o.median).toFixed(2), paired.toFixed(2),
      range(a), range(o), `${check.maxDiff.toExponential(1)} ${check.ok ? 'ok' : 'BAD'}`,
      gflops ? gflops.toFixed(1) : '-', gflops && opts.peakGflops ? (100 * gflops / opts.peakGflops).toFixed(1) : '-'));
  } finally {
    aotc.quit();
    await session.release();
  }
}

main().catch((e) => { console.error(`compare.js: ${e.message || e}`); process.exit(1); });
