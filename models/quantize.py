#!/usr/bin/python3
"""Build the int8 test models (models/<name>_int8, models/<name>_qop).

A numpy re-implementation of ONNX Runtime's static quantizer as users run it:

    quant_pre_process(...)   # BatchNormalization folded into the Conv/Gemm before it
    quantize_static(model, reader, quant_format=QuantFormat.QDQ (or QOperator),
                    calibrate_method=CalibrationMethod.MinMax, per_channel=True,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)

(ONNX Runtime's python package is not available here; its quantization sources,
onnxruntime/python/tools/quantization/{quant_utils,base_quantizer,qdq_quantizer,
registry}.py and operators/*.py, were followed formula by formula.)

Steps (models/regenerate.sh runs them in order):

  quantize.py prepare [name ...]   float model -> <name>_int8/.work/: BN-folded model,
                                   a copy with every float tensor as a graph output,
                                   seeded calibration inputs
  node int8_ort.js calibrate ...   ONNX Runtime runs the copy: min/max per tensor
  quantize.py quantize [name ...]  -> <name>_int8/model.onnx (QDQ), <name>_qop/model.onnx
                                   (QOperator, for QOP_MODELS), test inputs
                                   (test_data_set_0..DATA_SETS)
  node int8_ort.js golden ...      ONNX Runtime output, optimization 'all' and 'disabled'
  quantize.py pack [name ...]      -> test_data_set_*/output_0.pb (the 'all' output);
                                   prints how far 'all' and 'disabled' differ

Everything is deterministic (fixed seeds, no dict-order or time dependence):
running it twice gives byte-identical files.
"""
import argparse
import json
import os
import re
import shutil
import sys
from collections import OrderedDict

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT_MODELS = ["mnist_cnn", "kws_dscnn", "resnet8", "mobilenet_tiny", "vww_mobilenet", "ad_autoencoder"]
QOP_MODELS = ["mnist_cnn", "resnet8"]   # also written in QOperator format
CALIB_COUNT = 32               # calibration inputs per model
CALIB_SEED = 2000              # + the model's seed in make_models.MODELS
EXTRA_COUNT = 64               # inputs for the ORT fused vs unfused comparison
EXTRA_SEED = 3000
DATA_SETS = 4                  # committed test_data_set_1..4 per quantized model
DATA_SEED = 4000               # + the model's seed; calibration distribution
DATA_SATURATE = 3.0            # the last data set's input is scaled by this, so some
                               # activations fall outside the calibrated range and saturate
MS = "com.microsoft"

# Op lists of ORT's registry.py: QLinearOpsRegistry and QDQRegistry. quantize_static
# quantizes the union by default; ops in neither (Flatten, HardSigmoid, Constant)
# stay float and read the DequantizeLinear output of their input.
QDQ_DIRECT_8BIT = {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "MaxPool", "AveragePool", "Slice"}
QDQ_GENERIC = {"Add", "Mul", "GlobalAveragePool", "Softmax", "Sigmoid", "LeakyRelu", "Concat", "ArgMax"}
QDQ_UNHANDLED = {"Resize", "Pad", "Split", "Gather", "GatherElements", "Where", "MatMul", "ConvTranspose",
                 "InstanceNormalization", "LayerNormalization", "BatchNormalization", "TopK", "CumSum"}


def work_dir(name):
    return os.path.join(HERE, f"{name}_int8", ".work")


# --------------------------------------------------------------------------
# ORT quant_utils.compute_scale_zp / quantize_nparray
# --------------------------------------------------------------------------
def compute_scale_zp(rmin, rmax, qmin, qmax, symmetric):
    """ORT's compute_scale_zp: range widened to include 0, scale in float64 then
    stored as float32, zero point rounded half to even (numpy.round)."""
    rmin = np.minimum(np.float32(rmin), np.float32(0))
    rmax = np.maximum(np.float32(rmax), np.float32(0))
    if symmetric:
        absmax = np.maximum(np.abs(rmin), np.abs(rmax))
        rmin, rmax = -absmax, absmax
    dr = np.float64(rmax - rmin)           # float32 subtraction, as ORT
    scale = dr / (np.float64(qmax) - np.float64(qmin))
    if scale < np.finfo(np.float32).tiny:
        return np.float32(1.0), 0
    if symmetric:
        zp = int(np.round((qmin + qmax) / 2.0))
    else:
        zp = int(np.round(np.float64(qmin) - np.float64(rmin) / scale))
    return np.float32(scale), zp


def quantize_array(arr, scale, zp, qmin, qmax, dtype):
    """ORT's quantize_nparray: float32 division, round half to even, clip."""
    q = np.asarray((arr.astype(np.float32) / np.float32(scale)).round() + zp)
    return np.clip(q, qmin, qmax).astype(dtype)


def act_params(rng):
    """int8 asymmetric activation: qmin -128, qmax 127 (ActivationSymmetric=False)."""
    return compute_scale_zp(rng[0], rng[1], -128, 127, symmetric=False)


def quantize_weight_per_channel(w, axis):
    """int8 symmetric per channel: qmin -127, qmax 127 (ORT's symmetric int8 range)."""
    scales, qs = [], []
    for c in range(w.shape[axis]):
        ch = w.take(c, axis).ravel()
        s, zp = compute_scale_zp(ch.min(), ch.max(), -127, 127, symmetric=True)
        assert zp == 0
        scales.append(s)
        shape = list(w.shape)
        shape[axis] = 1
        qs.append(quantize_array(ch, s, 0, -128, 127, np.int8).reshape(shape))
    return np.concatenate(qs, axis), np.array(scales, dtype=np.float32)


def quantize_bias(b, input_scale, weight_scale):
    """ORT's quantize_bias_static_impl: scale = x_scale * w_scale (float32 product),
    value = round(b / scale) in float64, int32, zero point 0."""
    bias_scale = (np.float32(input_scale) * weight_scale).astype(np.float32)
    # ORT (>= 1.20) enlarges the weight scale when b would not fit int32 at this
    # scale; that never happens for these models, so say so loudly if it would.
    smallest = 1.0001 * 2.0 * np.abs(b.astype(np.float64)) / (2.0 ** 32 - 2)
    if np.any((bias_scale.astype(np.float64) < smallest) & (bias_scale > 0)):
        sys.exit("bias scale too small for int32: ORT would adjust the weight scale (not implemented)")
    q = np.round(b.astype(np.float64) / bias_scale.astype(np.float64))
    q = np.clip(q, np.iinfo(np.int32).min, np.iinfo(np.int32).max).astype(np.int32)
    return q, bias_scale


# --------------------------------------------------------------------------
# Pre-processing: Constant nodes -> initializers, BN folded into Conv/Gemm
# --------------------------------------------------------------------------
def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def fold_model(model):
    """What quant_pre_process does to these models: ORT's basic optimizations
    turn Constant nodes into initializers and fold BatchNormalization into the
    Conv before it (ConvBNFusion; for Gemm+BN, the ad_autoencoder case, the same
    arithmetic per output row). float32 arithmetic, in ORT's order."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = OrderedDict((t.name, numpy_helper.to_array(t)) for t in g.initializer)
    nodes = []
    for n in g.node:
        if n.op_type == "Constant":
            inits[n.output[0]] = numpy_helper.to_array(attr(n, "value"))
        else:
            nodes.append(n)
    producer = {o: n for n in nodes for o in n.output}
    uses = {}
    for n in nodes:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    graph_outputs = {o.name for o in g.output}
    keep = []
    for bn in nodes:
        if bn.op_type != "BatchNormalization":
            keep.append(bn)
            continue
        p = producer.get(bn.input[0])
        if p is None or p.op_type not in ("Conv", "Gemm") or uses[bn.input[0]] != 1 \
                or bn.input[0] in graph_outputs or p.input[1] not in inits or uses[p.input[1]] != 1:
            sys.exit(f"BatchNormalization {bn.name}: no Conv/Gemm to fold it into")
        if p.op_type == "Gemm" and (attr(p, "alpha", 1.0) != 1.0 or attr(p, "beta", 1.0) != 1.0
                                    or attr(p, "transA", 0) != 0):
            sys.exit(f"{p.name}: Gemm with alpha/beta/transA not handled")
        gamma, beta, mean, var = (inits[x].astype(np.float32) for x in bn.input[1:5])
        eps = np.float32(attr(bn, "epsilon", 1e-5))
        s = (gamma / np.sqrt(var + eps)).astype(np.float32)
        w = inits[p.input[1]]
        if p.op_type == "Conv":
            w = w * s.reshape((-1,) + (1,) * (w.ndim - 1))
        elif attr(p, "transB", 0):
            w = w * s.reshape(-1, 1)
        else:
            w = w * s.reshape(1, -1)
        inits[p.input[1]] = w.astype(np.float32)
        if len(p.input) > 2 and p.input[2]:
            inits[p.input[2]] = ((inits[p.input[2]] - mean) * s + beta).astype(np.float32)
        else:
            # BN's bias initializer name becomes the conv's bias.
            inits[bn.input[2]] = (beta - mean * s).astype(np.float32)
            if len(p.input) == 2:
                p.input.append(bn.input[2])
            else:
                p.input[2] = bn.input[2]
        p.output[0] = bn.output[0]
    used = {i for n in keep for i in n.input}
    del g.node[:]
    g.node.extend(keep)
    del g.initializer[:]
    g.initializer.extend(numpy_helper.from_array(v, k) for k, v in inits.items() if k in used)
    del g.value_info[:]
    m = onnx.shape_inference.infer_shapes(m)
    onnx.checker.check_model(m, full_check=True)
    return m


def float_tensors(m):
    """Names of float activations (not initializers) that nodes read or write,
    in first-use order: what ORT's MinMaxCalibrater calibrates."""
    types = {}
    for vi in list(m.graph.input) + list(m.graph.value_info) + list(m.graph.output):
        types[vi.name] = vi.type.tensor_type.elem_type
    inits = {t.name for t in m.graph.initializer}
    out = []
    for n in m.graph.node:
        for t in list(n.input) + list(n.output):
            if t and t not in inits and types.get(t) == TensorProto.FLOAT and t not in out:
                out.append(t)
    return out


# --------------------------------------------------------------------------
# prepare: folded model, calibration model and inputs
# --------------------------------------------------------------------------
def calib_inputs(name, shape, base_seed=CALIB_SEED, count=CALIB_COUNT):
    sys.path.insert(0, HERE)
    import make_models  # same input distribution as the float model's test input
    _, _, seed, gen = make_models.MODELS[name]
    rs = np.random.RandomState(base_seed + seed)
    return np.stack([gen(rs, shape).astype(np.float32) for _ in range(count)])


def prepare(name):
    src = onnx.load(os.path.join(HERE, name, "model.onnx"))
    wd = work_dir(name)
    if os.path.isdir(wd):
        shutil.rmtree(wd)
    os.makedirs(wd)
    folded = fold_model(src)
    onnx.save(folded, os.path.join(wd, "folded.onnx"))
    tensors = float_tensors(folded)
    inp = folded.graph.input[0]
    calib = onnx.ModelProto()
    calib.CopyFrom(folded)
    existing = {o.name for o in calib.graph.output} | {inp.name}
    vis = {vi.name: vi for vi in calib.graph.value_info}
    for t in tensors:
        if t not in existing:
            calib.graph.output.append(vis[t])
    onnx.save(calib, os.path.join(wd, "calib.onnx"))
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    x = calib_inputs(name, shape)
    x.tofile(os.path.join(wd, "calib_inputs.bin"))
    with open(os.path.join(wd, "calib_meta.json"), "w") as f:
        json.dump({"input": inp.name, "dims": shape, "count": CALIB_COUNT, "tensors": tensors}, f, indent=1)
    print(f"{name}: folded {len(src.graph.node)} -> {len(folded.graph.node)} nodes, "
          f"{len(tensors)} tensors to calibrate on {CALIB_COUNT} inputs")


# --------------------------------------------------------------------------
# Shared graph helpers
# --------------------------------------------------------------------------
def load_ranges(name):
    with open(os.path.join(work_dir(name), "ranges.json")) as f:
        r = json.load(f)
    return {k: (np.float32(v[0]), np.float32(v[1])) for k, v in r.items()}


def adjust_ranges(nodes, ranges):
    """ORT's BaseQuantizer.adjust_tensor_ranges: a Relu/Clip input read only by it
    takes the activation's output range; Softmax's output is fixed to [0, 1]."""
    uses = {}
    for n in nodes:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    for n in nodes:
        if n.op_type in ("Relu", "Clip"):
            if uses.get(n.input[0]) == 1 and n.input[0] in ranges and n.output[0] in ranges:
                ranges[n.input[0]] = ranges[n.output[0]]
        elif n.op_type == "Softmax":
            ranges[n.output[0]] = (np.float32(0.0), np.float32(1.0))


def scalar(name, value, dtype):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def test_inputs(name, shape):
    """Inputs of test_data_set_1..DATA_SETS: seeded like the calibration inputs
    (RandomState(DATA_SEED + model seed)), the last one scaled by DATA_SATURATE."""
    x = calib_inputs(name, shape, DATA_SEED, DATA_SETS)
    x[-1] = (x[-1] * np.float32(DATA_SATURATE)).astype(np.float32)
    return x


def save_model(m, out_dir, name, shape):
    onnx.checker.check_model(m, full_check=True)
    for d in os.listdir(out_dir) if os.path.isdir(out_dir) else []:
        if re.fullmatch(r"test_data_set_[0-9]+", d):
            shutil.rmtree(os.path.join(out_dir, d))
    os.makedirs(os.path.join(out_dir, "test_data_set_0"))
    onnx.save(m, os.path.join(out_dir, "model.onnx"))
    # The float model's test input, unchanged.
    shutil.copyfile(os.path.join(HERE, name, "test_data_set_0", "input_0.pb"),
                    os.path.join(out_dir, "test_data_set_0", "input_0.pb"))
    inp = m.graph.input[0].name
    for k, x in enumerate(test_inputs(name, shape), 1):
        sd = os.path.join(out_dir, f"test_data_set_{k}")
        os.makedirs(sd)
        with open(os.path.join(sd, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, inp).SerializeToString())


def output_scale(m):
    """Scale of the DequantizeLinear that writes the graph output."""
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    out = m.graph.output[0].name
    for n in m.graph.node:
        if n.output[0] == out:
            assert n.op_type == "DequantizeLinear", n.op_type
            return float(inits[n.input[1]])
    raise AssertionError("no output node")


def finish_model(folded, nodes, inits, extra_opsets=()):
    used = {i for n in nodes for i in n.input}
    g = helper.make_graph(nodes, folded.graph.name, list(folded.graph.input), list(folded.graph.output),
                          [t for t in inits if t.name in used])
    opsets = [helper.make_opsetid("", 13)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(g, opset_imports=opsets, producer_name="aotc models/quantize.py")
    m.ir_version = folded.ir_version
    return m


# --------------------------------------------------------------------------
# QDQ format (ORT's QDQQuantizer)
# --------------------------------------------------------------------------
def quantize_qdq(folded, ranges):
    g = folded.graph
    nodes = [onnx.NodeProto() for _ in g.node]
    for dst, src in zip(nodes, g.node):
        dst.CopyFrom(src)
    inits = OrderedDict((t.name, numpy_helper.to_array(t)) for t in g.initializer)
    types = {vi.name: vi.type.tensor_type.elem_type
             for vi in list(g.input) + list(g.value_info) + list(g.output)}
    graph_in = {i.name for i in g.input}
    graph_out = {o.name for o in g.output}
    adjust_ranges(nodes, ranges)

    to_quant = OrderedDict()   # tensor -> ("act",) | ("weight", axis) | ("share", provider)
    biases = []                # (bias, input, weight)
    removed = []

    def is_quantized(t):
        return t in to_quant or any(b[0] == t for b in biases)

    def quant_act(t):
        if t in to_quant:
            return
        if t in inits:
            sys.exit(f"{t}: quantizing an initializer as an activation is not handled")
        if types.get(t) == TensorProto.FLOAT:
            to_quant[t] = ("act",)

    def consumers(t):
        return [n for n in nodes if t in n.input]

    for n in nodes:
        op = n.op_type
        if op in ("Conv", "Gemm"):
            quant_act(n.input[0])
            quant_act(n.output[0])
            axis = 0 if op == "Conv" or attr(n, "transB", 0) else 1
            to_quant[n.input[1]] = ("weight", axis)
            if len(n.input) > 2 and n.input[2]:
                biases.append((n.input[2], n.input[0], n.input[1]))
        elif op in ("Relu", "Clip"):       # QDQRemovableActivation
            if not is_quantized(n.input[0]):
                continue
            up, out = n.input[0], n.output[0]
            if out in ranges and len(consumers(up)) == 1 and up not in graph_out and up not in graph_in:
                for p in nodes:          # try_replacing_upstream_output
                    for k, o in enumerate(p.output):
                        if o == up:
                            p.output[k] = out
                to_quant.pop(up, None)
                removed.append(n)
            else:
                quant_act(up)
            quant_act(out)
        elif op in QDQ_DIRECT_8BIT:        # output shares the input's scale
            if is_quantized(n.input[0]):
                to_quant[n.output[0]] = ("share", n.input[0])
        elif op in QDQ_GENERIC:            # QDQOperatorBase: every input and output
            for t in list(n.input) + list(n.output):
                if t:
                    quant_act(t)
        elif op in QDQ_UNHANDLED:
            sys.exit(f"{n.name}: {op} is quantized by ORT in a way not implemented here")
        # else: not in ORT's op lists (Flatten, HardSigmoid): stays float

    nodes = [n for n in nodes if not any(n is r for r in removed)]

    def params(t):
        kind = to_quant[t]
        if kind[0] == "share":
            return params(kind[1])
        return act_params(ranges[t])

    new_inits = []
    head = []                 # DQ of weights and biases, Q/DQ of graph inputs
    after = {}                # producer output -> its Q/DQ nodes

    def rename_input(old, new):   # ORT's replace_input_of_all_nodes
        for x in nodes + head + [q for v in after.values() for q in v]:
            for k, i in enumerate(x.input):
                if i == old:
                    x.input[k] = new

    # Activations (normal tensors first, then shared ones, as ORT).
    act_order = [t for t, k in to_quant.items() if k[0] == "act"] + \
                [t for t, k in to_quant.items() if k[0] == "share"]
    for t in act_order:
        kind = to_quant[t]
        src = kind[1] if kind[0] == "share" else t
        while to_quant[src][0] == "share":
            src = to_quant[src][1]
        scale_name, zp_name = src + "_scale", src + "_zero_point"
        if src == t:
            s, zp = params(t)
            new_inits += [scalar(scale_name, s, np.float32), scalar(zp_name, zp, np.int8)]
        q_in, q_out, dq_out = t, t + "_QuantizeLinear_Output", t + "_DequantizeLinear_Output"
        if t in graph_out:
            q_in, dq_out = t + "_QuantizeLinear_Input", t
            for p in nodes:
                for k, o in enumerate(p.output):
                    if o == t:
                        p.output[k] = q_in
        else:
            rename_input(t, dq_out)
        qn = helper.make_node("QuantizeLinear", [q_in, scale_name, zp_name], [q_out], t + "_QuantizeLinear")
        dqn = helper.make_node("DequantizeLinear", [q_out, scale_name, zp_name], [dq_out], t + "_DequantizeLinear")
        if t in graph_in:
            head += [qn, dqn]
        else:
            after.setdefault(q_in, []).extend([qn, dqn])

    # Weights: int8 symmetric per channel.
    wscales = {}
    for t, kind in to_quant.items():
        if kind[0] != "weight":
            continue
        q, s = quantize_weight_per_channel(inits[t], kind[1])
        wscales[t] = s
        new_inits += [numpy_helper.from_array(q, t + "_quantized"),
                      numpy_helper.from_array(s, t + "_scale"),
                      numpy_helper.from_array(np.zeros(s.shape, np.int8), t + "_zero_point")]
        dq_out = t + "_DequantizeLinear_Output"
        rename_input(t, dq_out)
        head.append(helper.make_node("DequantizeLinear", [t + "_quantized", t + "_scale", t + "_zero_point"],
                                     [dq_out], t + "_DequantizeLinear", axis=kind[1]))
        del inits[t]

    # Biases: int32, scale = input scale * weight scale.
    for b, x, w in biases:
        qb, bs = quantize_bias(inits[b], params(x)[0], wscales[w])
        qn = b + "_quantized"
        new_inits += [numpy_helper.from_array(qb, qn), numpy_helper.from_array(bs, qn + "_scale"),
                      numpy_helper.from_array(np.zeros(bs.shape, np.int32), qn + "_zero_point")]
        head.append(helper.make_node("DequantizeLinear", [qn, qn + "_scale", qn + "_zero_point"], [b],
                                     b + "_DequantizeLinear", axis=0))
        del inits[b]

    ordered = list(head)
    for n in nodes:
        ordered.append(n)
        for o in n.output:
            ordered += after.get(o, [])
    all_inits = [numpy_helper.from_array(v, k) for k, v in inits.items()] + new_inits
    return finish_model(folded, ordered, all_inits)


# --------------------------------------------------------------------------
# QOperator format (ORT's ONNXQuantizer): QLinearConv, int8 MaxPool, com.microsoft
# QLinearAdd, QLinearGlobalAveragePool, QGemm, QLinearSoftmax; other ops float
# between DequantizeLinear and QuantizeLinear
# --------------------------------------------------------------------------
def quantize_qop(folded, ranges):
    g = folded.graph
    inits = OrderedDict((t.name, numpy_helper.to_array(t)) for t in g.initializer)
    graph_out = [o.name for o in g.output]
    src_nodes = list(g.node)
    adjust_ranges(src_nodes, ranges)
    qmap = {}          # float tensor -> (q name, scale name, zp name)
    out_nodes, new_inits, made = [], [], set()

    def qparams_names(t):
        if t not in made:
            s, zp = act_params(ranges[t])
            new_inits.extend([scalar(t + "_scale", s, np.float32), scalar(t + "_zero_point", zp, np.int8)])
            made.add(t)
        return t + "_scale", t + "_zero_point"

    def quantized_input(t):
        if t not in qmap:       # QuantizeLinear in front of the first quantized consumer
            s, zp = qparams_names(t)
            out_nodes.append(helper.make_node("QuantizeLinear", [t, s, zp], [t + "_quantized"], t + "_QuantizeLinear"))
            qmap[t] = (t + "_quantized", s, zp)
        return qmap[t]

    def output_of(t):
        s, zp = qparams_names(t)
        qmap[t] = (t + "_quantized", s, zp)
        return qmap[t]

    def weight(t, axis):
        q, s = quantize_weight_per_channel(inits[t], axis)
        new_inits.extend([numpy_helper.from_array(q, t + "_quantized"), numpy_helper.from_array(s, t + "_scale"),
                          numpy_helper.from_array(np.zeros(s.shape, np.int8), t + "_zero_point")])
        return (t + "_quantized", t + "_scale", t + "_zero_point"), s

    def bias(t, x, wscale):
        qb, _ = quantize_bias(inits[t], act_params(ranges[x])[0], wscale)
        new_inits.append(numpy_helper.from_array(qb, t + "_quantized"))
        return t + "_quantized"

    dequantized = set()
    for n in src_nodes:
        op = n.op_type
        if op in ("Conv", "Gemm"):
            xq = quantized_input(n.input[0])
            axis = 0 if op == "Conv" or attr(n, "transB", 0) else 1
            wq, ws = weight(n.input[1], axis)
            bq = bias(n.input[2], n.input[0], ws) if len(n.input) > 2 and n.input[2] else ""
            yq = output_of(n.output[0])
            kw = {a.name: helper.get_attribute_value(a) for a in n.attribute if a.name != "beta"}
            if op == "Conv":
                out_nodes.append(helper.make_node("QLinearConv", [*xq, *wq, yq[1], yq[2], bq], [yq[0]],
                                                  n.name + "_quant", **kw))
            else:
                out_nodes.append(helper.make_node("QGemm", [*xq, *wq, bq, yq[1], yq[2]], [yq[0]],
                                                  n.name + "_quant", domain=MS, **kw))
        elif op in ("Relu", "Clip") and n.input[0] in qmap:
            qmap[n.output[0]] = qmap[n.input[0]]       # QuantizeClipRelu: the node goes
        elif op == "Add":
            aq, bq = quantized_input(n.input[0]), quantized_input(n.input[1])
            yq = output_of(n.output[0])
            out_nodes.append(helper.make_node("QLinearAdd", [*aq, *bq, yq[1], yq[2]], [yq[0]],
                                              n.name + "_quant", domain=MS))
        elif op == "GlobalAveragePool":
            xq = quantized_input(n.input[0])
            yq = output_of(n.output[0])
            out_nodes.append(helper.make_node("QLinearGlobalAveragePool", [*xq, yq[1], yq[2]], [yq[0]],
                                              n.name + "_quant", domain=MS, channels_last=0))
        elif op == "MaxPool" and n.input[0] in qmap:     # Direct8BitOp: int8 MaxPool, same scale
            xq = qmap[n.input[0]]
            qmap[n.output[0]] = (n.output[0] + "_quantized", xq[1], xq[2])
            c = onnx.NodeProto()
            c.CopyFrom(n)
            c.input[0], c.output[0] = xq[0], n.output[0] + "_quantized"
            out_nodes.append(c)
        elif op == "Softmax":
            # QLinearSoftmax: ORT fixes the output scale to 1/256, zero point -128.
            xq = quantized_input(n.input[0])
            t = n.output[0]
            new_inits.extend([scalar(t + "_scale", 1 / 256.0, np.float32), scalar(t + "_zero_point", -128, np.int8)])
            made.add(t)
            qmap[t] = (t + "_quantized", t + "_scale", t + "_zero_point")
            kw = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            out_nodes.append(helper.make_node("QLinearSoftmax", [*xq, qmap[t][1], qmap[t][2]], [qmap[t][0]],
                                              n.name + "_quant", domain=MS, opset=13, **kw))
        elif op in ("Flatten",):
            for t in n.input:          # QuantOperatorBase: dequantize, run float
                if t in qmap and t not in dequantized:
                    out_nodes.append(helper.make_node("DequantizeLinear", list(qmap[t]), [t], t + "_DequantizeLinear"))
                    dequantized.add(t)
            c = onnx.NodeProto()
            c.CopyFrom(n)
            out_nodes.append(c)
        else:
            sys.exit(f"{n.name}: {op} not handled by the QOperator writer")
    for o in graph_out:
        out_nodes.append(helper.make_node("DequantizeLinear", list(qmap[o]), [o], o + "_DequantizeLinear"))
    return finish_model(folded, out_nodes, new_inits, extra_opsets=[(MS, 1)])


def write_extra_inputs(name, out_dir, shape):
    """More seeded inputs (not stored in the repo) on which pack measures how
    often ORT's fused and unfused runs of the model disagree."""
    wd = os.path.join(out_dir, ".work")
    os.makedirs(wd, exist_ok=True)
    x = calib_inputs(name, shape, EXTRA_SEED, EXTRA_COUNT)
    x.tofile(os.path.join(wd, "extra_inputs.bin"))
    with open(os.path.join(wd, "extra_meta.json"), "w") as f:
        json.dump({"input": "input", "dims": shape, "count": EXTRA_COUNT}, f)


def quantize(name):
    folded = onnx.load(os.path.join(work_dir(name), "folded.onnx"))
    shape = [d.dim_value for d in folded.graph.input[0].type.tensor_type.shape.dim]
    assert folded.graph.input[0].name == "input"
    m = quantize_qdq(folded, load_ranges(name))
    out_dir = os.path.join(HERE, f"{name}_int8")
    save_model(m, out_dir, name, shape)
    write_extra_inputs(name, out_dir, shape)
    describe(name + "_int8", m)
    if name in QOP_MODELS:
        m = quantize_qop(folded, load_ranges(name))
        out_dir = os.path.join(HERE, f"{name}_qop")
        save_model(m, out_dir, name, shape)
            write_extra_inputs(name, out_dir, shape)
        describe(name + "_qop", m)


def describe(label, m):
    ops = {}
    for n in m.graph.node:
        k = (n.domain + "." if n.domain else "") + n.op_type
        ops[k] = ops.get(k, 0) + 1
    wbytes = sum(numpy_helper.to_array(t).nbytes for t in m.graph.initializer if t.data_type == TensorProto.INT8)
    print(f"{label}: {len(m.graph.node)} nodes, int8 initializer bytes {wbytes}, "
          f"output scale {output_scale(m):.9g}, ops {dict(sorted(ops.items()))}")


# --------------------------------------------------------------------------
# pack: ORT outputs -> output_0.pb, fused vs unfused comparison
# --------------------------------------------------------------------------
def read_out(wd, tag, k):
    with open(os.path.join(wd, f"{tag}_{k}.json")) as f:
        meta = json.load(f)
    assert meta["type"] == "float32"
    arr = np.fromfile(os.path.join(wd, f"{tag}_{k}.bin"), dtype="<f4").reshape(meta["dims"])
    return meta["name"], arr


def data_sets(d):
    return sorted((x for x in os.listdir(d) if re.fullmatch(r"test_data_set_[0-9]+", x)),
                  key=lambda x: int(x.rsplit("_", 1)[1]))


def pack(dirname):
    d = os.path.join(HERE, dirname)
    wd = os.path.join(d, ".work")
    m = onnx.load(os.path.join(d, "model.onnx"))
    scale = output_scale(m)
    for ds in data_sets(d):
        s = ds.rsplit("_", 1)[1]
        name, fused = read_out(wd, f"all_set{s}", 0)
        _, plain = read_out(wd, f"disabled_set{s}", 0)
        assert name == m.graph.output[0].name
        steps = np.abs(fused.astype(np.float64) - plain.astype(np.float64)) / scale
        print(f"{dirname}: ORT 'all' vs 'disabled' on {ds}: {int(np.count_nonzero(steps > 0.5))}/{steps.size}"
              f" outputs differ, max {steps.max():.3g} steps (scale {scale:.6g})")
        with open(os.path.join(d, ds, "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(fused, name).SerializeToString())
    _, xf = read_out(wd, "extra_all", 0)
    _, xp = read_out(wd, "extra_disabled", 0)
    xs = np.abs(xf.astype(np.float64) - xp.astype(np.float64)) / scale
    runs = int(np.count_nonzero((xs > 0.5).reshape(xs.shape[0], -1).any(axis=1)))
    print(f"{dirname}: ORT 'all' vs 'disabled' on {xs.shape[0]} more inputs: {int(np.count_nonzero(xs > 0.5))}/"
          f"{xs.size} outputs differ (in {runs} runs), max {xs.max():.3g} steps")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["prepare", "quantize", "pack"])
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    if a.step == "pack":
        dirs = a.names or sorted(d for d in os.listdir(HERE) if d.endswith(("_int8", "_qop"))
                                 and os.path.isdir(os.path.join(HERE, d, ".work")))
        for d in dirs:
            pack(d)
        for d in dirs:
            shutil.rmtree(os.path.join(HERE, d, ".work"))
        return
    for n in a.names or FLOAT_MODELS:
        if n not in FLOAT_MODELS:
            sys.exit(f"unknown model {n}")
        (prepare if a.step == "prepare" else quantize)(n)


if __name__ == "__main__":
    main()
