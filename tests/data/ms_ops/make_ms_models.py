#!/usr/bin/python3
"""Writes the single-op models of ONNX Runtime's com.microsoft QLinear ops
(and QGemm) that aotc must match bit for bit, one directory per model:

    tests/data/ms_ops/NAME/model.onnx
    tests/data/ms_ops/NAME/test_data_set_0/input_K.pb    (seeded numpy)
    tests/data/ms_ops/NAME/test_data_set_0/output_K.pb   (ONNX Runtime, by ort_golden_ms.js)

Run both from the repository root (deterministic; the files are committed):
    /usr/bin/python3 tests/data/ms_ops/make_ms_models.py
    node tests/data/ms_ops/ort_golden_ms.js          (needs models/node_modules)
Scales and zero points are initializers; the data inputs are graph inputs.
bad_unsupported_ms.onnx has com.microsoft ops aotc does not implement.
"""
import os
import shutil

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MS = "com.microsoft"
rng = np.random.default_rng(20261203)
INFO = {np.uint8: (TensorProto.UINT8, 0, 255), np.int8: (TensorProto.INT8, -128, 127)}


def q(dtype, shape, lo=None, hi=None):
    _, tlo, thi = INFO[dtype]
    return rng.integers(tlo if lo is None else lo, (thi if hi is None else hi) + 1, size=shape).astype(dtype)


def f32(v):
    return np.array(v, dtype=np.float32)


def zp(dtype, v):
    return np.array(v, dtype=dtype)


def write(name, node_op, ins, attrs=None, out_dtype=None, domain=MS, n_out=1):
    """ins: list of (name, array, is_graph_input) or None for an omitted optional input."""
    d = os.path.join(HERE, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    inputs, inits, names, k = [], [], [], 0
    for item in ins:
        if item is None:
            names.append("")
            continue
        n, arr, is_input = item
        names.append(n)
        if is_input:
            t = numpy_helper.from_array(arr).data_type
            inputs.append(helper.make_tensor_value_info(n, t, list(arr.shape)))
            with open(os.path.join(d, "test_data_set_0", f"input_{k}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(arr, n).SerializeToString())
            k += 1
        else:
            inits.append(numpy_helper.from_array(arr, n))
    outs = [f"y{i}" if n_out > 1 else "y" for i in range(n_out)]
    node = helper.make_node(node_op, names, outs, name=name, domain=domain, **(attrs or {}))
    # Output shapes are left to the runtime; the type is x's unless given.
    if out_dtype is None:
        out_dtype = numpy_helper.from_array(ins[0][1]).data_type
    outputs = [helper.make_tensor_value_info(o, out_dtype, None) for o in outs]
    graph = helper.make_graph([node], name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(MS, 1)],
                              ir_version=7)
    model.producer_name = "aotc-tests"
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())


# ---- QLinearAdd / QLinearMul: broadcasting, both types, zero points near the ends -----------
def binary(op):
    cases = [
        # name, a shape, b shape, scales (a, b, c), zero points (a, b, c) by type
        ("same", [2, 3, 37], [2, 3, 37], (0.05, 0.07, 0.09)),
        ("bcast_inner", [2, 5, 19], [19], (0.02, 0.5, 0.3)),
        ("bcast_scalar_b", [3, 41], [1], (0.1, 0.03, 0.11)),
        ("bcast_scalar_a", [1], [4, 33], (0.013, 0.04, 0.05)),
        ("bcast_col", [4, 1], [4, 23], (0.2, 0.01, 0.07)),
        ("bcast_row_a", [3, 1, 17], [1, 6, 17], (0.031, 0.029, 0.017)),
        ("bcast_outer", [2, 3, 1], [2, 1, 5], (0.6, 0.4, 0.9)),
        ("tiny_out_scale", [67], [67], (0.5, 0.5, 0.001)),
    ]
    zps = {np.uint8: ((128, 3, 250), (0, 255, 127)), np.int8: ((0, -120, 100), (-128, 127, -5))}
    for dt in (np.uint8, np.int8):
        tn = "u8" if dt == np.uint8 else "s8"
        for ci, (cname, sa, sb, (fa, fb, fc)) in enumerate(cases):
            z = zps[dt][ci % 2]
            ins = [("a", q(dt, sa), True), ("a_scale", f32(fa), False), ("a_zero_point", zp(dt, z[0]), False),
                   ("b", q(dt, sb), True), ("b_scale", f32(fb), False), ("b_zero_point", zp(dt, z[1]), False),
                   ("y_scale", f32(fc), False), ("y_zero_point", zp(dt, z[2]), False)]
            write(f"{op.lower()}_{tn}_{cname}", op, ins)
        # Every pair of values, with scales whose ratios are near 1/2, 1/3, 1/6: exact
        # results are often ties, and the float ones then lie within an ulp of .5, so
        # ways of rounding (FMA or not, operand order) give different outputs.
        _, lo, hi = INFO[dt]
        every = np.arange(lo, hi + 1).astype(dt)
        for ei, (fa, fb, fc, z) in enumerate([(0.1, 0.05, 0.3, (3, 7, 11)), (0.3, 0.1, 0.6, (1, 0, 2))]):
            ins = [("a", every.reshape(256, 1), True), ("a_scale", f32(fa), False), ("a_zero_point", zp(dt, z[0]), False),
                   ("b", every.reshape(1, 256), True), ("b_scale", f32(fb), False), ("b_zero_point", zp(dt, z[1]), False),
                   ("y_scale", f32(fc), False), ("y_zero_point", zp(dt, z[2]), False)]
            write(f"{op.lower()}_{tn}_all_pairs{ei}", op, ins)
        # The same pairs with neither operand broadcast, and with B constant along rows.
        for name, sb in (("all_same_shape", [256 * 256]), ("all_scalar_b", [256, 1])):
            b = np.repeat(every, 256) if name == "all_same_shape" else every
            ins = [("a", np.tile(every, 256).reshape(256 * 256 // sb[0], sb[0]) if sb[0] == 256 else np.tile(every, 256),
                    True), ("a_scale", f32(0.1), False), ("a_zero_point", zp(dt, 5), False),
                   ("b", b.reshape(sb), True), ("b_scale", f32(0.05), False), ("b_zero_point", zp(dt, 9), False),
                   ("y_scale", f32(0.3), False), ("y_zero_point", zp(dt, 1), False)]
            write(f"{op.lower()}_{tn}_{name}", op, ins)
        # Zero points that make the constant part, za ra + zb rb, round differently fused or not.
        for ei, (fa, fb, fc) in enumerate([(0.1, 0.05, 0.3), (0.7, 0.35, 0.3)]):
            z = (77, 131, 3) if dt == np.uint8 else (77, -125, 3)
            ins = [("a", np.tile(every, 256), True), ("a_scale", f32(fa), False), ("a_zero_point", zp(dt, z[0]), False),
                   ("b", np.repeat(every, 256), True), ("b_scale", f32(fb), False), ("b_zero_point", zp(dt, z[1]), False),
                   ("y_scale", f32(fc), False), ("y_zero_point", zp(dt, z[2]), False)]
            write(f"{op.lower()}_{tn}_all_zp{ei}", op, ins)


binary("QLinearAdd")
binary("QLinearMul")


# ---- QLinearSigmoid / QLinearLeakyRelu: every input value through the lookup table ----------
def lookup(op, attrs_list):
    for dt in (np.uint8, np.int8):
        tn = "u8" if dt == np.uint8 else "s8"
        _, lo, hi = INFO[dt]
        every = np.arange(lo, hi + 1).astype(dt).reshape(4, 64)
        for ai, (aname, attrs) in enumerate(attrs_list):
            for si, (xs, xz, ys, yz) in enumerate([(0.05, 10, 1.0 / 256, lo), (0.2, hi - 3, 0.01, lo + 100)]):
                ins = [("x", every, True), ("x_scale", f32(xs), False), ("x_zero_point", zp(dt, xz), False),
                       ("y_scale", f32(ys), False), ("y_zero_point", zp(dt, yz), False)]
                write(f"{op.lower()}_{tn}_{aname}{si}", op, ins, attrs)
        if dt == np.int8:
            continue  # as above: no zero point means uint8
        ins = [("x", q(dt, [3, 5, 7]), True), ("x_scale", f32(0.1), False), None, ("y_scale", f32(0.03), False), None]
        write(f"{op.lower()}_{tn}_no_zp", op, ins, attrs_list[-1][1])


lookup("QLinearSigmoid", [("", {})])


# x_scales for which the logistic table differs with and without FMA (found by emulating
# both in numpy): these check that aotc evaluates it as ORT's FMA3 kernel does.
def sigmoid_fma():
    for dt in (np.uint8, np.int8):
        tn = "u8" if dt == np.uint8 else "s8"
        _, lo, hi = INFO[dt]
        every = np.arange(lo, hi + 1).astype(dt).reshape(4, 64)
        for k, xs in enumerate([0.07699231803417206, 0.0245486069470644, 0.09011238813400269, 0.06567192822694778]):
            ins = [("x", every, True), ("x_scale", f32(xs), False), ("x_zero_point", zp(dt, lo + 128), False),
                   ("y_scale", f32(1.0 / 256), False), ("y_zero_point", zp(dt, lo), False)]
            write(f"qlinearsigmoid_{tn}_fma{k}", "QLinearSigmoid", ins)


sigmoid_fma()
lookup("QLinearLeakyRelu", [("default", {}), ("alpha", {"alpha": 0.3})])



# ---- QLinearGlobalAveragePool / QLinearAveragePool -------------------------------------------
def pool_ins(dt, x, xs, xz, ys, yz):
    return [("x", x, True), ("x_scale", f32(xs), False), ("x_zero_point", zp(dt, xz), False),
            ("y_scale", f32(ys), False), ("y_zero_point", zp(dt, yz), False)]


def pools():
    for dt in (np.uint8, np.int8):
        tn = "u8" if dt == np.uint8 else "s8"
        _, lo, hi = INFO[dt]
        gcases = [  # name, shape, channels_last, scales (x, y), zero points (x, y)
            ("nchw", [1, 3, 5, 7], 0, (0.05, 0.04), (lo + 7, lo + 120)),
            ("nchw_many", [2, 17, 4, 4], 0, (0.1, 0.02), (hi - 3, lo + 3)),  # saturates at both ends
            ("1d", [1, 2, 37], 0, (0.3, 0.3), (0, 0)),
            ("3d", [1, 2, 3, 4, 5], 0, (0.02, 0.03), (lo + 50, lo + 60)),
            ("nhwc", [2, 4, 4, 17], 1, (0.07, 0.05), (lo + 100, lo + 90)),
            ("nhwc_c1", [1, 5, 7, 1], 1, (0.07, 0.05), (lo + 100, lo + 90)),
        ]
        for name, shape, cl, (xs, ys), (xz, yz) in gcases:
            write(f"qlinearglobalaveragepool_{tn}_{name}", "QLinearGlobalAveragePool",
                  pool_ins(dt, q(dt, shape), xs, xz, ys, yz), {"channels_last": cl} if cl else {})
        acases = [  # name, shape, attributes
            ("3x3_s2_p1", [1, 3, 9, 11], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}),
            ("3x3_s2_p1_incl", [1, 3, 9, 11], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1],
                                                "count_include_pad": 1}),
            ("ceil", [2, 2, 7, 8], {"kernel_shape": [3, 2], "strides": [2, 3], "ceil_mode": 1}),
            ("ceil_incl_pad", [1, 2, 7, 8], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [0, 1, 1, 0],
                                             "ceil_mode": 1, "count_include_pad": 1}),
            ("same_upper", [1, 3, 6, 7], {"kernel_shape": [2, 3], "auto_pad": "SAME_UPPER"}),
            ("same_lower", [1, 3, 6, 7], {"kernel_shape": [3, 2], "strides": [2, 1], "auto_pad": "SAME_LOWER"}),
            ("valid", [1, 2, 6, 9], {"kernel_shape": [2, 4], "strides": [1, 2], "auto_pad": "VALID"}),
            ("1d", [2, 3, 20], {"kernel_shape": [4], "strides": [3], "pads": [2, 1]}),
            ("3d", [1, 2, 5, 6, 7], {"kernel_shape": [2, 3, 2], "strides": [1, 2, 2], "pads": [1, 0, 1, 0, 1, 1]}),
            ("nhwc", [1, 8, 9, 5], {"kernel_shape": [3, 2], "strides": [2, 2], "pads": [1, 0, 1, 1],
                                    "channels_last": 1}),
            ("nhwc_incl", [2, 6, 5, 3], {"kernel_shape": [2, 2], "pads": [1, 1, 1, 1], "channels_last": 1,
                                         "count_include_pad": 1}),
            ("whole", [1, 4, 6, 6], {"kernel_shape": [6, 6]}),
            ("whole_nhwc", [1, 6, 6, 4], {"kernel_shape": [6, 6], "channels_last": 1}),
        ]
        for ai, (name, shape, attrs) in enumerate(acases):
            xs, ys, xz, yz = ((0.05, 0.03, lo + 20, hi - 30), (0.02, 0.05, hi - 2, lo + 5))[ai % 2]
            write(f"qlinearaveragepool_{tn}_{name}", "QLinearAveragePool", pool_ins(dt, q(dt, shape), xs, xz, ys, yz),
                  attrs)
        # x_scale = y_scale: averages of integers, often exact ties in real arithmetic, so that
        # dividing (as ORT does) and multiplying by reciprocals give different outputs here.
        perm = (np.random.default_rng(7).permutation(256) + lo).astype(dt).reshape(1, 1, 16, 16)
        for k, sc in enumerate([0.1, 0.11]):
            write(f"qlinearaveragepool_{tn}_ties{k}", "QLinearAveragePool", pool_ins(dt, perm, sc, lo + 128, sc, lo + 100),
                  {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]})


pools()


# ---- QLinearConcat / QLinearSoftmax ------------------------------------------------------------
def concat_softmax():
    for dt in (np.uint8, np.int8):
        tn = "u8" if dt == np.uint8 else "s8"
        _, lo, hi = INFO[dt]
        ccases = [  # name, shapes, axis, (scale, zero point) per input, then the output's
            ("axis1", [[2, 3, 5], [2, 4, 5], [2, 1, 5]], 1, [(0.05, lo + 9), (0.02, lo + 128), (0.1, hi - 1)],
             (0.04, lo + 100)),
            ("axis_last_copy", [[3, 7], [3, 9]], -1, [(0.03, lo + 50), (0.07, lo + 3)], (0.03, lo + 50)),
            ("axis0", [[1, 2, 3], [3, 2, 3]], 0, [(0.5, lo + 1), (0.001, hi)], (0.01, lo + 128)),
        ]
        for name, shapes, axis, xq, (ys, yz) in ccases:
            ins = [("y_scale", f32(ys), False), ("y_zero_point", zp(dt, yz), False)]
            for k, (shape, (xs, xz)) in enumerate(zip(shapes, xq)):
                ins += [(f"x{k}", q(dt, shape), True), (f"x{k}_scale", f32(xs), False),
                        (f"x{k}_zero_point", zp(dt, xz), False)]
            write(f"qlinearconcat_{tn}_{name}", "QLinearConcat", ins, {"axis": axis}, out_dtype=INFO[dt][0])
        scases = [  # name, shape, attributes, x_scale, (y_scale, y_zero_point)
            ("last", [3, 17], {"opset": 13, "axis": -1}, 0.1, (1.0 / 256, lo)),
            ("default_axis13", [2, 3, 40], {"opset": 13}, 0.05, (1.0 / 255, lo)),
            ("mid_axis", [2, 5, 4], {"opset": 13, "axis": 1}, 0.2, (0.004, lo + 10)),
            ("opset12_flat", [2, 3, 4], {"opset": 12, "axis": 1}, 0.08, (1.0 / 256, lo)),
            ("opset12_default", [4, 6], {"opset": 12}, 0.3, (0.01, lo + 20)),
            ("big_scale", [5, 33], {"opset": 13, "axis": -1}, 2.0, (1.0 / 256, lo)),
        ]
        for name, shape, attrs, xs, (ys, yz) in scases:
            ins = [("x", q(dt, shape), True), ("x_scale", f32(xs), False), ("x_zero_point", zp(dt, lo + 3), False),
                   ("y_scale", f32(ys), False), ("y_zero_point", zp(dt, yz), False)]
            write(f"qlinearsoftmax_{tn}_{name}", "QLinearSoftmax", ins, attrs)


concat_softmax()


# ---- QGemm -----------------------------------------------------------------------------------------
def qgemm():
    cases = [  # name, A type, B type, M, K, N, attributes, bias shape or None, per-column B, y: "q", "f" (y_scale
               # only) or "f0" (neither)
        ("u8u8", np.uint8, np.uint8, 3, 17, 5, {}, [5], False, "q"),
        ("u8s8_transb_percol", np.uint8, np.int8, 4, 9, 6, {"transB": 1}, [4, 1], True, "q"),
        ("s8s8_transa_alpha", np.int8, np.int8, 5, 8, 7, {"transA": 1, "alpha": 0.5}, [5, 7], False, "q"),
        ("s8s8_both_trans", np.int8, np.int8, 2, 33, 3, {"transA": 1, "transB": 1}, None, False, "q"),
        ("u8s8_float_out", np.uint8, np.int8, 3, 10, 4, {}, [1, 4], False, "f"),
        ("s8s8_float_out_percol", np.int8, np.int8, 3, 12, 5, {"alpha": 2.0}, [], True, "f0"),
        ("u8u8_float_no_bias", np.uint8, np.uint8, 2, 7, 3, {}, None, False, "f0"),
    ]
    for name, ta, tb, m, k, n, attrs, bias, percol, yk in cases:
        a_shape = [k, m] if attrs.get("transA") else [m, k]
        b_shape = [n, k] if attrs.get("transB") else [k, n]
        bl = INFO[tb][1]
        ins = [("a", q(ta, a_shape), True), ("a_scale", f32(0.02), False), ("a_zero_point", zp(ta, INFO[ta][1] + 100), False),
               ("b", q(tb, b_shape), True),
               ("b_scale", f32(rng.uniform(0.005, 0.03, n)) if percol else f32(0.01), False),
               ("b_zero_point", q(tb, [n], bl + 120, bl + 135) if percol else zp(tb, bl + 128), False)]
        ins.append(("c", rng.integers(-3000, 3000, size=bias).astype(np.int32), False) if bias is not None else None)
        if yk == "q":
            ins += [("y_scale", f32(0.05), False), ("y_zero_point", zp(ta, INFO[ta][1] + 128), False)]
            write(f"qgemm_{name}", "QGemm", ins, attrs)
        else:
            if yk == "f":
                ins += [("y_scale", f32(0.07), False)]
            write(f"qgemm_{name}", "QGemm", ins, attrs, out_dtype=TensorProto.FLOAT)
    # Extreme values: the largest products over a long K, outputs saturating at both ends.
    for ta, tb in ((np.uint8, np.uint8), (np.uint8, np.int8), (np.int8, np.int8)):
        tn = {np.uint8: "u8", np.int8: "s8"}
        m, k, n = 4, 300, 4
        a = np.full([m, k], INFO[ta][2], dtype=ta)
        a[1] = INFO[ta][1]
        b = np.full([k, n], INFO[tb][2], dtype=tb)
        b[:, 1] = INFO[tb][1]
        ins = [("a", a, True), ("a_scale", f32(0.01), False), ("a_zero_point", zp(ta, INFO[ta][1] + 3), False),
               ("b", b, True), ("b_scale", f32(0.01), False), ("b_zero_point", zp(tb, INFO[tb][1] + 5), False),
               None, ("y_scale", f32(0.5), False), ("y_zero_point", zp(ta, INFO[ta][1] + 128), False)]
        write(f"qgemm_{tn[ta]}{tn[tb]}_extremes", "QGemm", ins)


qgemm()

# ---- a model with com.microsoft ops aotc does not implement next to one it does ---------------
def bad_unsupported():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])
    nodes = [helper.make_node("Gelu", ["x"], ["g"], name="gelu_node", domain=MS),
             helper.make_node("FastGelu", ["g"], ["f"], name="fast_gelu_node", domain=MS),
             helper.make_node("Relu", ["f"], ["y"], name="relu_node")]
    graph = helper.make_graph(nodes, "bad", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(MS, 1)],
                              ir_version=7)
    with open(os.path.join(HERE, "bad_unsupported_ms.onnx"), "wb") as f:
        f.write(model.SerializeToString())


bad_unsupported()
