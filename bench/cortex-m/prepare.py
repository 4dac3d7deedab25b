"""Writes io.h (the test input and expected output of one ONNX test data set as
C arrays) and prints the model's multiply-accumulates (Conv, ConvTranspose,
Gemm, MatMul; from ONNX shape inference) for bench/cortex_m.sh.
Needs python3-onnx and numpy (Debian: apt-get install python3-onnx).
usage: prepare.py MODEL.onnx TEST_DATA_SET_DIR OUT_DIR"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


def load(path):
    return numpy_helper.to_array(onnx.load_tensor(path)).astype(np.float32).ravel()


def c_float(v):
    """v as a C float literal: %.9g round-trips, but prints whole numbers without a point ("1f" is no literal)."""
    text = "%.9g" % v
    return text + (".0f" if all(c not in text for c in ".en") else "f")


def c_array(name, a):
    body = ",\n".join(",".join(c_float(v) for v in a[i:i + 8]) for i in range(0, len(a), 8))
    return "static const float %s[%d] = {\n%s};\n" % (name, len(a), body)


def macs(model):
    m = shape_inference.infer_shapes(model)
    shapes = {}
    for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        dims = [d.dim_value for d in v.type.tensor_type.shape.dim]
        shapes[v.name] = dims
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    total = 0
    for n in m.graph.node:
        try:
            if n.op_type == "Conv":
                w, y = shapes[n.input[1]], shapes[n.output[0]]
                total += int(np.prod(y)) * int(np.prod(w[1:]))
            elif n.op_type == "ConvTranspose":
                x, w = shapes[n.input[0]], shapes[n.input[1]]
                total += int(np.prod(x)) * int(np.prod(w[1:]))
            elif n.op_type in ("Gemm", "MatMul"):
                a, y = shapes[n.input[0]], shapes[n.output[0]]
                trans_a = any(at.name == "transA" and at.i for at in n.attribute)
                total += int(np.prod(y)) * (a[-2] if trans_a else a[-1])
        except (KeyError, IndexError):
            return 0
    return total


def main():
    model_path, data_dir, out_dir = sys.argv[1:4]
    x = load(os.path.join(data_dir, "input_0.pb"))
    y = load(os.path.join(data_dir, "output_0.pb"))
    with open(os.path.join(out_dir, "io.h"), "w") as f:
        f.write(c_array("io_input", x) + c_array("io_expected", y))
    print(macs(onnx.load(model_path)))


main()
