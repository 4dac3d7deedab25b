#!/usr/bin/python3
"""Counts multiply-accumulates per op kind in an ONNX model.

    /usr/bin/python3 bench/conv_flops.py MODEL.onnx [--breakdown]

Prints `conv_flops=F` (2 * MACs of every Conv, the number bench/compare.sh
divides by aotc's latency) and with --breakdown one line per op kind with its
share of all MACs, a cheap hint of which kernels dominate a net. Shapes come
from onnx.shape_inference, with gaps filled from aotc's own shape inference
(`aotc --emit ir`, AOTC or build/cli/aotc); a Conv whose output shape is still
unknown is skipped and counted in `unknown_shape_convs`.
"""
import argparse
import os
import re
import subprocess
import sys
from collections import defaultdict

import onnx
from onnx import shape_inference


AOTC_IR_TENSOR = re.compile(r"^\s+%(\S+) : \w+\[([0-9,]*)\] = ")


def aotc_shapes(model_path):
    """name -> dims from aotc's IR after its passes, or {} without aotc.

    onnx.shape_inference gives up behind shapes computed at run time (the
    Shape -> Gather -> Slice channel split of ShuffleNet); aotc's inference
    folds those constants, so it fills the gaps.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    aotc = os.environ.get("AOTC", os.path.join(root, "build", "cli", "aotc"))
    try:
        ir = subprocess.run([aotc, model_path, "-o", os.devnull, "--emit", "ir"], capture_output=True,
                            text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    shapes = {}
    for line in ir.splitlines():
        m = AOTC_IR_TENSOR.match(line)
        if m and m.group(2):
            shapes[m.group(1)] = [int(d) for d in m.group(2).split(",")]
    return shapes


def static_shapes(model, model_path=None):
    """name -> list of dims for every tensor whose shape inference made static."""
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]
        if dims and all(d is not None for d in dims):
            shapes[vi.name] = dims
    for init in inferred.graph.initializer:
        shapes[init.name] = list(init.dims)
    conv_outputs = [n.output[0] for n in model.graph.node if n.op_type == "Conv"]
    if model_path and any(name not in shapes for name in conv_outputs):
        for name, dims in aotc_shapes(model_path).items():
            shapes.setdefault(name, dims)
    return shapes


def conv_kind(weight_shape, group):
    """Names the kernel family a Conv lands in; they perform very differently."""
    in_per_group = weight_shape[1]  # weight is (C_out, C_in / group, k...)
    spatial = weight_shape[2:]
    size = "x".join(map(str, spatial))
    if group > 1 and in_per_group == 1:
        return "Conv depthwise " + size
    if group > 1:
        return "Conv grouped " + size
    return "Conv " + size


def node_macs(model, model_path=None):
    """Yields (node, kind, MACs) for every Conv, Gemm and MatMul with static shapes.

    kind is conv_kind() for a Conv, else the op type; a Conv whose shapes are
    unknown is yielded with MACs None.
    """
    shapes = static_shapes(model, model_path)
    for node in model.graph.node:
        if node.op_type == "Conv":
            out = shapes.get(node.output[0])
            w = shapes.get(node.input[1])
            if out is None or w is None:
                yield node, "Conv", None
                continue
            group = next((a.i for a in node.attribute if a.name == "group"), 1)
            per_output = 1
            for d in w[1:]:  # (C_in / group) * kernel volume
                per_output *= d
            n_out = 1
            for d in out:
                n_out *= d
            yield node, conv_kind(w, group), n_out * per_output
        elif node.op_type in ("Gemm", "MatMul"):
            a, out = shapes.get(node.input[0]), shapes.get(node.output[0])
            if a is None or out is None:
                continue
            transposed = node.op_type == "Gemm" and any(x.name == "transA" and x.i for x in node.attribute)
            k = a[-2] if transposed else a[-1]
            n_out = 1
            for d in out:
                n_out *= d
            yield node, node.op_type, n_out * k


def count_macs(model, model_path=None):
    """MACs per kind, and how many Convs had unknown shapes."""
    macs = defaultdict(int)
    unknown = 0
    for _, kind, n in node_macs(model, model_path):
        if n is None:
            unknown += 1
        else:
            macs[kind] += n
    return macs, unknown


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--breakdown", action="store_true")
    args = ap.parse_args()
    macs, unknown = count_macs(onnx.load(args.model), args.model)
    conv_macs = sum(v for k, v in macs.items() if k.startswith("Conv"))
    print(f"conv_flops={2 * conv_macs} unknown_shape_convs={unknown}")
    if args.breakdown:
        total = sum(macs.values()) or 1
        for kind, v in sorted(macs.items(), key=lambda kv: -kv[1]):
            print(f"  {kind:<20} {v / 1e6:10.1f} MMAC {100.0 * v / total:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
