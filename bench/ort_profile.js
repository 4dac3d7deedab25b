#!/usr/bin/env node
// ONNX Runtime's time per node, for bench/profile_ops.py --ort (which lines
// them up with aotc's kernel calls). A tool that prints numbers, not a test.
//
// Usage: node bench/ort_profile.js MODEL.onnx [RUNS [median]]
//
// Runs the model RUNS times (default 20) on one thread with ORT's profiler on
// and prints, per node of ORT's optimized graph, one tab-separated line:
//   <ORT node name> <op> <microseconds: the node's minimum over the runs, or with `median` its median>
// ORT names a node it fused (Conv + Clip, in NCHWc) after its output value
// (".../Clip_output_0_nchwc"); profile_ops.py maps that back to the ONNX node.
// The profiler's own cost per node is in these times.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const { ort, makeFeeds } = require('./ort_bench.js');

(async () => {
  const [file, runsArg, statArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/ort_profile.js MODEL.onnx [RUNS [median]]');
  const median = statArg === 'median';
  const runs = parseInt(runsArg || '20', 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aotc-ort-profile-'));
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    enableProfiling: true, profileFilePrefix: path.join(dir, 'profile'),
  });
  // The model's test_data_set_0 inputs if it has them, else ort_bench.js's deterministic data.
  const feeds = makeFeeds(session, file);
  for (let i = 0; i < runs; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  const [json] = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const events = JSON.parse(fs.readFileSync(path.join(dir, json), 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  const times = new Map();  // node -> {op, us: [each run's]}
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    if (!times.has(node)) times.set(node, { op: e.args.op_name, us: [] });
    times.get(node).us.push(e.dur);
  }
  for (const [node, { op, us }] of times) {
    us.sort((a, b) => a - b);
    console.log(`${node}\t${op}\t${median ? us[us.length >> 1] : us[0]}`);
  }
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
