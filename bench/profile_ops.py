#!/usr/bin/python3
"""Where aotc's time goes in one model: time per kernel and op kind.

    /usr/bin/python3 bench/profile_ops.py MODEL.onnx [--runs N] [--top K] [--nodes [--ort]] [--median]
                                          [--against B_AOTC [--rounds R]]

Compiles the model with aotc, puts a clock around every kernel call of the
generated run function (each call is one line under a
`/* node: OpType */` comment), builds it with bench/profile_ops.c and prints
the time per run grouped by kernel function and op kind (Conv split by kernel
size and depthwise, as in bench/conv_flops.py), with MACs and GFLOP/s for the
MAC ops. Each call counts with its minimum over the runs, so other load on a
shared machine drops out; the total is therefore below compare.sh's median.
With --median, each call counts with its median instead: what the whole net
sees, cache misses on data the calls before evicted included (SqueezeNet's
stem: minimum 317 us, median 431 us).
With --nodes --ort, each row also shows ONNX Runtime's time for the node
(bench/ort_profile.js: one thread, its profiler on, each node's minimum over
the runs, or with --median its median), so the two line up node by node;
ORT's fused nodes (Conv + BN + activation, or + Add) count as their Conv.
With --against B_AOTC, a second aotc build (or the same with flags, as
bench/ab.sh takes them) runs the same model too, the two programs taking
turns for --rounds rounds, and each row shows both times and B/A: what a
change does to each kernel call in its model (inlined and specialised for its
geometry there, unlike in the kernel benchmarks), where the machine's load
drifts too much between two separate runs.
Environment: AOTC, CC, BENCH_CFLAGS as for compare.sh.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conv_flops import node_macs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMENT = re.compile(r"^  /\* (.*): (\w+) \*/$")
CALL = re.compile(r"^  (aotc_\w+)\(.*\);$")
# Ops ONNX Runtime fuses into the Conv or Gemm before them; its fused node is
# named after the last one's output.
FUSED_AFTER = {"Relu", "Clip", "BatchNormalization", "Sigmoid", "Mul", "Add", "HardSwish", "HardSigmoid", "LeakyRelu"}
CHUNK = re.compile(r"\.chunk(s|\d+)$")


def instrument(c_path, name):
    """Wraps every kernel call in the run function with the profiler's clock.

    Returns the list of (node name, op type, kernel function), one per call.
    """
    lines = open(c_path).read().split("\n")
    # The kernel calls are in NAME_run_arena (--io arena) or NAME_run_with_scratch (--io separate).
    heads = (f"static void {name}_run_arena(", f"int {name}_run_with_scratch(")
    start = lines.index(next(l for l in lines if l.startswith(heads)))
    calls = []
    pending = None  # the comment naming the node of the next call
    i = start
    while not lines[i].startswith("}"):
        comment, call = COMMENT.match(lines[i]), CALL.match(lines[i])
        if comment:
            pending = comment.groups()
        elif call and pending:
            lines[i] = (f"  {{ double aotc_prof_t0 = aotc_prof_now();{lines[i][1:]} "
                        f"aotc_prof_add({len(calls)}, aotc_prof_now() - aotc_prof_t0); }}")
            calls.append((pending[0], pending[1], call.group(1)))
            pending = None
        i += 1
    prologue = ["double aotc_prof_now(void);", "void aotc_prof_add(int call, double us);",
                f"const int aotc_prof_num_calls = {len(calls)};"]
    lines[start:start] = prologue
    open(c_path, "w").write("\n".join(lines))
    return calls


def ort_times(model, path, runs, median):
    """ONNX Runtime's microseconds per ONNX node name (bench/ort_profile.js), and the total."""
    out = subprocess.run(["node", os.path.join(ROOT, "bench", "ort_profile.js"), path, str(runs),
                          "median" if median else "min"], check=True, capture_output=True, text=True).stdout
    producer = {o: n for n in model.graph.node for o in n.output}
    names = {n.name for n in model.graph.node}
    times, total = defaultdict(float), 0.0
    for line in out.splitlines():
        name, _, us = line.split("\t")
        total += float(us)
        if name not in names:  # a fused node, named after its output: walk back to the op it starts from
            n = producer.get(re.sub(r"_nchwc$", "", name))
            while n is not None and n.op_type in FUSED_AFTER and n.input:
                n = producer.get(n.input[0])
            name = n.name if n is not None else name
        times[name] += float(us)
    return times, total


def build(aotc_cmd, model_path, work, cc, cflags):
    """Compiles the model with one aotc command line and builds its instrumented program; returns (exe, calls)."""
    name = "prof"
    subprocess.run([*aotc_cmd.split(), model_path, "-o", work, "--name", name], check=True,
                   stdout=subprocess.DEVNULL)
    calls = instrument(os.path.join(work, name + ".c"), name)
    exe = os.path.join(work, "profile")
    subprocess.run([cc, *cflags, "-DAOTC_STATIC_ARENA", f"-DBENCH_MODEL={name}_model", "-I", work,
                    os.path.join(ROOT, "bench", "profile_ops.c"), os.path.join(work, name + ".c"),
                    "-lm", "-o", exe], check=True)
    return exe, calls


def run(exe, runs, median):
    """Each call's microseconds: its minimum (or median) over `runs` runs."""
    env = dict(os.environ, PROFILE_MEDIAN="1") if median else None
    out = subprocess.run([exe, str(runs)], check=True, capture_output=True, text=True, env=env).stdout
    return [float(line.split()[2]) for line in out.splitlines()]


def group(calls, us, macs_of, by_node):
    """key -> [calls, us, MACs], key the node (by_node) or the op kind and kernel."""
    groups = defaultdict(lambda: [0, 0.0, 0])
    counted = set()  # (group, ONNX node) whose MACs are in
    for (node, op, kernel), t in zip(calls, us):
        # split-conv-depthwise's chunks (NODE.chunkK, and their Concat NODE.chunks) count as their node.
        node = CHUNK.sub("", node)
        kind, macs = macs_of.get(node, (op, 0))
        key = f"{node}: {kind}" if by_node else f"{kind} [{kernel}]"
        g = groups[key]
        g[0] += 1
        g[1] += t
        if (key, node) not in counted:
            counted.add((key, node))
            g[2] += macs or 0
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--top", type=int, default=12, help="rows to print (0: all)")
    ap.add_argument("--nodes", action="store_true", help="one row per node instead of per op kind")
    ap.add_argument("--ort", action="store_true", help="with --nodes: ONNX Runtime's time per node beside aotc's")
    ap.add_argument("--median", action="store_true",
                    help="each call's median over the runs instead of its minimum (what the whole net sees)")
    ap.add_argument("--against", metavar="B_AOTC",
                    help="a second aotc command line to time the same model with, turn about with the first")
    ap.add_argument("--rounds", type=int, default=6, help="with --against: turns each (default 6)")
    args = ap.parse_args()
    aotc = os.environ.get("AOTC", os.path.join(ROOT, "build", "cli", "aotc"))
    cc = os.environ.get("CC", "cc")
    cflags = os.environ.get("BENCH_CFLAGS", "-O3 -march=native -std=c99").split()
    model = onnx.load(args.model)
    macs_of = {node.name: (kind, n) for node, kind, n in node_macs(model, args.model)}
    stat = "median" if args.median else "minimum"
    if args.against:
        return main_against(args, aotc, cc, cflags, macs_of, stat)
    with tempfile.TemporaryDirectory() as work:
        exe, calls = build(aotc, args.model, work, cc, cflags)
        us = run(exe, args.runs, args.median)
    ort, ort_total = ort_times(model, args.model, args.runs, args.median) if args.ort and args.nodes else ({}, 0.0)
    groups = group(calls, us, macs_of, args.nodes)
    ort_of = {}  # key -> ORT us
    for node, op, _ in calls:
        node = CHUNK.sub("", node)
        if node in ort:
            ort_of[f"{node}: {macs_of.get(node, (op, 0))[0]}"] = ort[node]
    total = sum(us)
    print(f"# {os.path.basename(os.path.dirname(os.path.abspath(args.model)))}: {total / 1e3:.2f} ms per run "
          f"summed over {len(calls)} kernel calls (each its {stat} over {args.runs} runs)")
    if ort:
        print(f"# ONNX Runtime: {ort_total / 1e3:.2f} ms per run summed over its nodes (profiler on)")
    print(f"  {'op kind [kernel]':<48} {'calls':>5} {'us':>9} {'share':>6} {'MMAC':>8} {'GFLOP/s':>8}"
          + (f" {'ORT us':>8}" if ort else ""))
    rows = sorted(groups.items(), key=lambda kv: -kv[1][1])
    for key, (n, t, macs) in rows[:args.top or None]:
        rate = f"{2 * macs / t / 1e3:8.1f}" if macs else f"{'-':>8}"
        ort_us = (f" {ort_of[key]:8.1f}" if key in ort_of else f" {'-':>8}") if ort else ""
        print(f"  {key:<48} {n:>5} {t:9.1f} {100 * t / total:5.1f}% {macs / 1e6:8.1f} {rate}{ort_us}")
    return 0


def main_against(args, aotc, cc, cflags, macs_of, stat):
    """--against: both programs in turns; per row A's and B's time (min of the rounds' minimums, or median of
    their medians) and B/A."""
    with tempfile.TemporaryDirectory() as work_a, tempfile.TemporaryDirectory() as work_b:
        exe_a, calls_a = build(aotc, args.model, work_a, cc, cflags)
        exe_b, calls_b = build(args.against, args.model, work_b, cc, cflags)
        rounds_a, rounds_b = [], []
        for _ in range(args.rounds):
            rounds_a.append(group(calls_a, run(exe_a, args.runs, args.median), macs_of, args.nodes))
            rounds_b.append(group(calls_b, run(exe_b, args.runs, args.median), macs_of, args.nodes))

    def combine(rounds):
        keys = rounds[0].keys()
        if args.median:
            return {k: sorted(r[k][1] for r in rounds)[len(rounds) // 2] for k in keys}
        return {k: min(r[k][1] for r in rounds) for k in keys}

    a, b = combine(rounds_a), combine(rounds_b)
    total_a, total_b = sum(a.values()), sum(b.values())
    print(f"# {os.path.basename(os.path.dirname(os.path.abspath(args.model)))}: A {aotc}, B {args.against}; "
          f"each row's {stat} over {args.rounds} rounds of {args.runs} runs, taken in turns")
    print(f"  {'row':<48} {'A us':>9} {'B us':>9} {'B/A':>6}")
    print(f"  {'(all calls)':<48} {total_a:9.1f} {total_b:9.1f} {total_b / total_a:6.3f}")
    for key in sorted(set(a) | set(b), key=lambda k: -max(a.get(k, 0.0), b.get(k, 0.0)))[:args.top or None]:
        ta, tb = a.get(key), b.get(key)
        ratio = f"{tb / ta:6.3f}" if ta and tb else f"{'-':>6}"
        print(f"  {key:<48} {ta if ta is not None else float('nan'):9.1f} "
              f"{tb if tb is not None else float('nan'):9.1f} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
