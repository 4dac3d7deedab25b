#!/usr/bin/python3
"""Writes the tiny ONNX models (and .npy test vectors) aotc's tests use.

The generated files are committed next to this script; rerun it only when a
model has to change:  /usr/bin/python3 tests/data/make_test_models.py
(needs onnx >= 1.12 and numpy; output is deterministic).

Good models (compile today, elementwise ops only unless noted):
  add_relu.onnx          y = Relu(x + c), x f32[2,3], c f32[3]      (API tests, hand-checked)
  mul_sigmoid.onnx       prod = a*b, gate = Sigmoid(a-b), a,b f32[4] (second model, two outputs)
  elementwise_chain.onnx Mul/Add/Sigmoid/LeakyRelu with a foldable constant subexpression
  external_data.onnx     y = x + w, w stored in external_data.bin at offset 16
  symbolic_dim.onnx      y = Relu(x), x f32[N,3]: needs --input-shape x=2,3
  shape_chain.onnx       Identity, Dropout and Shape->Gather->Unsqueeze->Concat->Reshape
                         (needs the shape ops; folds to a constant Reshape target)
  io_edges.onnx          inputs and outputs that are not plain: r = Reshape(x) (an alias of an
                         input), x_out = Identity(x) (an input as output), a = Relu(x) listed
                         twice and also read by b = Sigmoid(a), an unused input u
  branchy.onnx           an Inception-like block and a ShuffleNetV2-like downsampling block
                         (Conv, MaxPool, Concat, GlobalAveragePool, Gemm) whose node order puts
                         the branches with small transients first: schedule_steps reorders it.
                         Its expected output comes from ONNX Runtime: after this script, run
                         node tests/data/ort_golden.js branchy   (needs models/node_modules)
  blocked_chain.onnx     pointwise (with SiLU), depthwise (5x5 with SiLU, 3x3 dilated, 3x3 stride 2 with
                         HardSwish), a squeeze-and-excitation gate (GlobalAveragePool, 1x1
                         convs, Sigmoid, Mul), a residual Add and GlobalAveragePool over 7x7
                         planes of 16-32 channels, x f32[2,16,7,7]: on 512-bit vector hosts
                         the activations between them are nchw16c (choose-layouts). Expected
                         output from ONNX Runtime (node tests/data/ort_golden.js blocked_chain).
  silu_convs.onnx        3x3 and 1x1 convs on a 20x20 image, each followed by x * Sigmoid(x):
                         the conv kernels' fused SiLU over rows of pixels (expected output
                         from ONNX Runtime: node tests/data/ort_golden.js silu_convs).
  winograd_convs.onnx    two 3x3 convs over 64 channels on a 15x14 image (the second adding the input
                         back before its Relu), x f32[1,64,15,14]: on 512-bit vector hosts they run
                         Winograd's F(2x2, 3x3), an odd row of 2x2 tiles half outside. Expected
                         output from ONNX Runtime (node tests/data/ort_golden.js winograd_convs).
  conv_maxpool.onnx      Conv 3x3 -> Relu -> MaxPool 3x3/2 (ceil mode) -> Conv 5x5 -> MaxPool 3x3/2 with
                         pads, x f32[2,3,21,20]: with --l2-cache 8192 the convs' outputs outgrow half of
                         L2 and fuse-conv-maxpool makes each an aotc.FusedConvMaxPool. Expected output
                         from ONNX Runtime (node tests/data/ort_golden.js conv_maxpool).
  conv_maxpool16.onnx    Conv 3x3/2 3 -> 80 (5 blocks of 16 channels) -> Relu -> MaxPool 3x3/2 (ceil
                         mode) -> Conv 1x1 80 -> 16 -> MaxPool 2x2/2 with pads, x f32[2,3,31,30]: with
                         --l2-cache 8192 the first pair fuses, and on 512-bit vector hosts the fused
                         kernel keeps its conv rows nchw16c. Expected output from ONNX Runtime (node
                         tests/data/ort_golden.js conv_maxpool16).
  qdq_cnn.onnx           a QDQ-format int8 CNN as ONNX Runtime's quantizer writes them: Q at the
                         input, DQ on int8 weights (per channel) and int32 biases, Relu and
                         Clip(0, 6) in front of Qs that saturate there anyway, Conv, MaxPool,
                         a residual Add, GlobalAveragePool, Flatten, Gemm, DQ at the output.
                         fuse-qdq turns it into integer ops; expected output from ONNX Runtime
                         (node tests/data/ort_golden.js qdq_cnn).
  layered.onnx           Conv -> Relu -> Conv -> BatchNormalization -> Relu -> Conv ->
                         GlobalAveragePool -> Flatten -> Gemm (its bias from a Constant node),
                         x f32[1,3,8,8]: for verify --per-layer.
                         layered_corrupt.onnx is the same with one weight of the middle conv
                         ('conv2') changed. layered_per_layer/ holds input_0.pb; its output_K.pb
                         (every output of the exposed model) come from ONNX Runtime:
                           build/cli/aotc expose tests/data/layered.onnx -o /tmp/layered_all.onnx
                           node tests/data/ort_test_data.js /tmp/layered_all.onnx tests/data/layered_per_layer
Bad models (each must give one clear error):
  bad_undefined_input.onnx   node 'reads_ghost' reads 'ghost', which nothing defines
  bad_cycle.onnx             nodes 'cyc_a' and 'cyc_b' read each other's outputs
  bad_raw_data_short.onnx    initializer 'w' f32[3] with 8 bytes of raw_data
  bad_two_unsupported.onnx   nodes 'norm_node' (StringNormalizer), 'tfidf_node' (TfIdfVectorizer)
  bad_broadcast.onnx         node 'bad_add' adds f32[2,3] and f32[4]
  bad_external_missing.onnx  external data file 'missing.bin' does not exist
  bad_external_short.onnx    external data range lies past the end of external_data.bin
Each model with test vectors has NAME.x.npy / NAME.y.npy (inputs and expected
outputs named after the graph's inputs/outputs) for `aotc verify`.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]


def save(model, name):
    model.producer_name = "aotc-tests"
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    assert os.path.getsize(path) < 20 * 1024, name


def npy(name, array):
    np.save(os.path.join(HERE, name), array)


def model(nodes, inputs, outputs, initializers=(), name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=OPSET, ir_version=7)


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def add_relu():
    c = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    m = model(
        [helper.make_node("Add", ["x", "c"], ["s"], name="add"), helper.make_node("Relu", ["s"], ["y"], name="relu")],
        [f32("x", [2, 3])], [f32("y", [2, 3])], [numpy_helper.from_array(c, "c")], name="add_relu")
    save(m, "add_relu.onnx")
    x = np.array([[-1.0, 0.25, -3.0], [2.0, 1.5, -2.5]], dtype=np.float32)
    npy("add_relu.x.npy", x)
    npy("add_relu.y.npy", np.maximum(x + c, 0).astype(np.float32))


def mul_sigmoid():
    m = model(
        [helper.make_node("Mul", ["a", "b"], ["prod"], name="mul"),
         helper.make_node("Sub", ["a", "b"], ["d"], name="sub"),
         helper.make_node("Sigmoid", ["d"], ["gate"], name="sigmoid")],
        [f32("a", [4]), f32("b", [4])], [f32("prod", [4]), f32("gate", [4])], name="mul_sigmoid")
    save(m, "mul_sigmoid.onnx")


def elementwise_chain():
    k1 = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    k2 = np.array(0.5, dtype=np.float32)
    nodes = [
        # Constant subexpression: folded at compile time.
        helper.make_node("Constant", [], ["half"], name="half_const", value=numpy_helper.from_array(k2)),
        helper.make_node("Add", ["k1", "half"], ["k"], name="fold_me"),
        helper.make_node("Mul", ["x", "k"], ["m"], name="scale"),
        helper.make_node("Sigmoid", ["m"], ["s"], name="gate"),
        helper.make_node("LeakyRelu", ["m"], ["l"], name="leaky", alpha=0.2),
        helper.make_node("Add", ["s", "l"], ["y"], name="combine"),
        # Dead: nothing reads 'unused'.
        helper.make_node("Relu", ["x"], ["unused"], name="dead_relu"),
    ]
    m = model(nodes, [f32("x", [2, 4])], [f32("y", [2, 4])], [numpy_helper.from_array(k1, "k1")],
              name="elementwise_chain")
    save(m, "elementwise_chain.onnx")
    x = np.array([[-2.0, -0.5, 0.0, 1.0], [3.0, -4.0, 0.25, -1.5]], dtype=np.float32)
    mm = x * (k1 + k2)
    y = 1.0 / (1.0 + np.exp(-mm)) + np.where(mm >= 0, mm, 0.2 * mm)
    npy("elementwise_chain.x.npy", x)
    npy("elementwise_chain.y.npy", y.astype(np.float32))


def external_tensor(name, shape, location, offset, length):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(shape)
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = t.external_data.add()
        entry.key, entry.value = key, value
    return t


def external_data():
    w = np.array([0.1, -0.2, 1e-40, -0.0, 3.4e38, 1.0 / 3.0], dtype=np.float32)  # includes a denormal and -0
    with open(os.path.join(HERE, "external_data.bin"), "wb") as f:
        f.write(b"aotc-test-junk!!")  # 16 bytes the offset must skip
        f.write(w.tobytes())
    def make(location, offset, name):
        m = model([helper.make_node("Add", ["x", "w"], ["y"], name="add_w")], [f32("x", [6])], [f32("y", [6])],
                  [external_tensor("w", [6], location, offset, w.nbytes)], name="external_data")
        save(m, name)
    make("external_data.bin", 16, "external_data.onnx")
    make("missing.bin", 16, "bad_external_missing.onnx")
    make("external_data.bin", 20, "bad_external_short.onnx")  # 20 + 24 > 40 bytes in the file
    x = np.array([1.0, 2.0, 3.0, 4.0, -3.0e38, 0.5], dtype=np.float32)
    npy("external_data.x.npy", x)
    npy("external_data.y.npy", (x + w).astype(np.float32))


def symbolic_dim():
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu")], [f32("x", ["N", 3])], [f32("y", ["N", 3])],
              name="symbolic_dim")
    save(m, "symbolic_dim.onnx")
    x = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]], dtype=np.float32)
    npy("symbolic_dim.x.npy", x)
    npy("symbolic_dim.y.npy", np.maximum(x, 0).astype(np.float32))


def shape_chain():
    i64 = lambda name, values: numpy_helper.from_array(np.array(values, dtype=np.int64), name)
    nodes = [
        helper.make_node("Identity", ["x"], ["xi"], name="ident"),
        helper.make_node("Dropout", ["xi"], ["xd"], name="drop"),
        helper.make_node("Shape", ["xd"], ["shp"], name="shape"),
        helper.make_node("Gather", ["shp", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"], name="unsqueeze"),
        helper.make_node("Concat", ["batch1", "minus1"], ["target"], name="concat", axis=0),
        helper.make_node("Reshape", ["xd", "target"], ["r"], name="reshape"),
        helper.make_node("Relu", ["r"], ["y"], name="relu"),
    ]
    m = model(nodes, [f32("x", [2, 3, 4])], [f32("y", [2, 12])],
              [i64("zero", 0), i64("axes0", [0]), i64("minus1", [-1])], name="shape_chain")
    save(m, "shape_chain.onnx")
    x = (np.arange(24, dtype=np.float32) - 12.0).reshape(2, 3, 4) / 4.0
    npy("shape_chain.x.npy", x)
    npy("shape_chain.y.npy", np.maximum(x.reshape(2, 12), 0).astype(np.float32))


def io_edges():
    shape = numpy_helper.from_array(np.array([3, 2], dtype=np.int64), "shape")
    m = model(
        [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
         helper.make_node("Identity", ["x"], ["x_out"], name="identity"),
         helper.make_node("Relu", ["x"], ["a"], name="relu"),
         helper.make_node("Sigmoid", ["a"], ["b"], name="sigmoid")],
        [f32("x", [2, 3]), f32("u", [4])],
        [f32("r", [3, 2]), f32("x_out", [2, 3]), f32("a", [2, 3]), f32("b", [2, 3]), f32("a", [2, 3])],
        [shape], name="io_edges")
    save(m, "io_edges.onnx")


def branchy():
    rng = np.random.default_rng(7)
    inits, nodes = [], []

    def conv(name, x, cin, cout, k=1, stride=1, group=1, relu=True):
        w = (rng.standard_normal((cout, cin // group, k, k)) / np.sqrt(cin // group * k * k)).astype(np.float32)
        b = (0.1 * rng.standard_normal(cout)).astype(np.float32)
        inits.extend([numpy_helper.from_array(w, name + "_w"), numpy_helper.from_array(b, name + "_b")])
        out = name if not relu else name + "_pre"
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [out], name=name, kernel_shape=[k, k],
                                      pads=[k // 2] * 4, strides=[stride, stride], group=group))
        if relu:
            nodes.append(helper.make_node("Relu", [out], [name], name=name + "_relu"))
        return name

    # Inception-like block on x f32[1,8,16,16]: the pooling and 1x1 branches
    # (small transients) come first in node order, the 1x1 -> depthwise 3x3 ->
    # 1x1 branch with a 32-channel transient last.
    a = conv("inc_a", "x", 8, 8)
    nodes.append(helper.make_node("MaxPool", ["x"], ["inc_pool"], name="inc_pool", kernel_shape=[3, 3],
                                  pads=[1, 1, 1, 1]))
    p = conv("inc_p", "inc_pool", 8, 8)
    b = conv("inc_b1", "x", 8, 24)
    b = conv("inc_b2", b, 24, 24, k=3, group=24)
    b = conv("inc_b3", b, 24, 8, relu=False)
    nodes.append(helper.make_node("Concat", [a, p, b], ["inc"], name="inc_concat", axis=1))  # f32[1,24,16,16]
    # ShuffleNetV2-like downsampling block: branch 1 (depthwise stride 2, 1x1)
    # first, as torchvision exports it, then branch 2 with its 40-channel
    # full-resolution 1x1.
    c = conv("down_a1", "inc", 24, 24, k=3, stride=2, group=24, relu=False)
    c = conv("down_a2", c, 24, 32)
    d = conv("down_b1", "inc", 24, 40)
    d = conv("down_b2", d, 40, 40, k=3, stride=2, group=40, relu=False)
    d = conv("down_b3", d, 40, 16)
    nodes.append(helper.make_node("Concat", [c, d], ["down"], name="down_concat", axis=1))  # f32[1,48,8,8]
    nodes.append(helper.make_node("GlobalAveragePool", ["down"], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"))
    w = (rng.standard_normal((10, 48)) / np.sqrt(48)).astype(np.float32)
    inits.append(numpy_helper.from_array(w, "fc_w"))
    nodes.append(helper.make_node("Gemm", ["flat", "fc_w"], ["y"], name="fc", transB=1))
    m = model(nodes, [f32("x", [1, 8, 16, 16])], [f32("y", [1, 10])], inits, name="branchy")
    save(m, "branchy.onnx")
    npy("branchy.x.npy", rng.standard_normal((1, 8, 16, 16)).astype(np.float32))


def blocked_chain():
    rng = np.random.default_rng(11)
    inits, nodes = [], []

    def conv(name, x, cin, cout, k=1, stride=1, group=1, dilation=1, act=None):
        w = (rng.standard_normal((cout, cin // group, k, k)) / np.sqrt(cin // group * k * k)).astype(np.float32)
        b = (0.1 * rng.standard_normal(cout)).astype(np.float32)
        inits.extend([numpy_helper.from_array(w, name + "_w"), numpy_helper.from_array(b, name + "_b")])
        out = name + "_pre" if act else name
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [out], name=name, kernel_shape=[k, k],
                                      pads=[dilation * (k // 2)] * 4, strides=[stride, stride], group=group,
                                      dilations=[dilation, dilation]))
        if act == "silu":
            nodes.append(helper.make_node("Sigmoid", [out], [name + "_sig"], name=name + "_sigmoid"))
            nodes.append(helper.make_node("Mul", [out, name + "_sig"], [name], name=name + "_silu"))
        elif act:
            nodes.append(helper.make_node(act, [out], [name], name=name + "_act"))
        return name

    a = conv("expand", "x", 16, 32, act="silu")
    a = conv("dw5", a, 32, 32, k=5, group=32, act="silu")
    # Squeeze-and-excitation as torchvision exports it: Mul(gate, activation).
    nodes.append(helper.make_node("GlobalAveragePool", [a], ["se_pool"], name="se_pool"))
    g = conv("se_reduce", "se_pool", 32, 8, act="Relu")
    g = conv("se_expand", g, 8, 32)
    nodes.append(helper.make_node("Sigmoid", [g], ["se_gate"], name="se_gate"))
    nodes.append(helper.make_node("Mul", ["se_gate", a], ["se"], name="se_scale"))
    p = conv("project", "se", 32, 16)
    s = conv("skip", "x", 16, 16)
    nodes.append(helper.make_node("Add", [p, s], ["residual"], name="residual"))
    d = conv("dw_dilated", "residual", 16, 16, k=3, group=16, dilation=2, act="Relu")
    d = conv("dw_s2", d, 16, 16, k=3, stride=2, group=16, act="HardSwish")
    d = conv("head", d, 16, 32)
    nodes.append(helper.make_node("GlobalAveragePool", [d], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["y"], name="flatten"))
    m = model(nodes, [f32("x", [2, 16, 7, 7])], [f32("y", [2, 32])], inits, name="blocked_chain")
    m.opset_import[0].version = 14  # HardSwish
    save(m, "blocked_chain.onnx")
    npy("blocked_chain.x.npy", rng.standard_normal((2, 16, 7, 7)).astype(np.float32))


def silu_convs():
    rng = np.random.default_rng(12)
    inits, nodes = [], []
    x = "x"
    for name, cin, cout, k in (("full", 8, 16, 3), ("pointwise", 16, 16, 1)):
        w = (2 * rng.standard_normal((cout, cin, k, k)) / np.sqrt(cin * k * k)).astype(np.float32)
        inits.append(numpy_helper.from_array(w, name + "_w"))
        nodes.append(helper.make_node("Conv", [x, name + "_w"], [name], name=name, kernel_shape=[k, k],
                                      pads=[k // 2] * 4))
        nodes.append(helper.make_node("Sigmoid", [name], [name + "_sig"], name=name + "_sigmoid"))
        x = name + "_silu" if name != "pointwise" else "y"
        nodes.append(helper.make_node("Mul", [name, name + "_sig"], [x], name=name + "_mul"))
    m = model(nodes, [f32("x", [1, 8, 20, 20])], [f32("y", [1, 16, 20, 20])], inits, name="silu_convs")
    save(m, "silu_convs.onnx")
    npy("silu_convs.x.npy", (4 * rng.standard_normal((1, 8, 20, 20))).astype(np.float32))


def winograd_convs():
    rng = np.random.default_rng(13)
    inits, nodes = [], []
    # 64 x 64 x 3x3 weights from 9 KB (a test model stays under 20 KB): a 16 x 16 x 3x3 block tiled
    # down the output channels, scaled per output channel differently for each 16 input channels and
    # concatenated along them. aotc folds it (each step grows by less than its fold limit).
    block = (rng.standard_normal((16, 16, 3, 3)) / np.sqrt(64 * 9)).astype(np.float32)
    inits.append(numpy_helper.from_array(block, "block"))
    inits.append(numpy_helper.from_array(np.array([4, 1, 1, 1], dtype=np.int64), "tile4"))
    nodes.append(helper.make_node("Tile", ["block", "tile4"], ["rows"], name="tile_rows"))
    for name in ("conv_a", "conv_b"):
        parts = []
        for i in range(4):
            scale = (0.5 + rng.random((64, 1, 1, 1))).astype(np.float32)
            inits.append(numpy_helper.from_array(scale, f"{name}_s{i}"))
            nodes.append(helper.make_node("Mul", ["rows", f"{name}_s{i}"], [f"{name}_w{i}"], name=f"{name}_scale{i}"))
            parts.append(f"{name}_w{i}")
        nodes.append(helper.make_node("Concat", parts, [name + "_w"], name=name + "_weights", axis=1))
        inits.append(numpy_helper.from_array((0.1 * rng.standard_normal(64)).astype(np.float32), name + "_b"))
    nodes.append(helper.make_node("Conv", ["x", "conv_a_w", "conv_a_b"], ["a"], name="conv_a", kernel_shape=[3, 3],
                                  pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Relu", ["a"], ["a_relu"], name="relu_a"))
    nodes.append(helper.make_node("Conv", ["a_relu", "conv_b_w", "conv_b_b"], ["b"], name="conv_b",
                                  kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Add", ["b", "x"], ["sum"], name="residual"))
    nodes.append(helper.make_node("Relu", ["sum"], ["y"], name="relu_b"))
    m = model(nodes, [f32("x", [1, 64, 15, 14])], [f32("y", [1, 64, 15, 14])], inits, name="winograd_convs")
    save(m, "winograd_convs.onnx")
    npy("winograd_convs.x.npy", rng.standard_normal((1, 64, 15, 14)).astype(np.float32))


def conv_maxpool():
    rng = np.random.default_rng(17)
    inits = [
        numpy_helper.from_array((rng.standard_normal((12, 3, 3, 3)) / 5).astype(np.float32), "wa"),
        numpy_helper.from_array((0.1 * rng.standard_normal(12)).astype(np.float32), "ba"),
        numpy_helper.from_array((rng.standard_normal((8, 12, 5, 5)) / 17).astype(np.float32), "wb"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "wa", "ba"], ["a"], name="conv_a", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["a_relu"], name="relu_a"),
        helper.make_node("MaxPool", ["a_relu"], ["pa"], name="pool_a", kernel_shape=[3, 3], strides=[2, 2],
                         ceil_mode=1),
        helper.make_node("Conv", ["pa", "wb"], ["b"], name="conv_b", kernel_shape=[5, 5], pads=[2, 2, 2, 2]),
        helper.make_node("MaxPool", ["b"], ["y"], name="pool_b", kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 1, 1, 1]),
    ]
    m = model(nodes, [f32("x", [2, 3, 21, 20])], [f32("y", [2, 8, 5, 5])], inits, name="conv_maxpool")
    save(m, "conv_maxpool.onnx")
    npy("conv_maxpool.x.npy", rng.standard_normal((2, 3, 21, 20)).astype(np.float32))


def conv_maxpool16():
    rng = np.random.default_rng(23)
    inits = [
        numpy_helper.from_array((rng.standard_normal((80, 3, 3, 3)) / 5).astype(np.float32), "wc"),
        numpy_helper.from_array((0.1 * rng.standard_normal(80)).astype(np.float32), "bc"),
        numpy_helper.from_array((rng.standard_normal((16, 80, 1, 1)) / 9).astype(np.float32), "wd"),
        numpy_helper.from_array((0.1 * rng.standard_normal(16)).astype(np.float32), "bd"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "wc", "bc"], ["c"], name="conv_c", kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["c_relu"], name="relu_c"),
        helper.make_node("MaxPool", ["c_relu"], ["pc"], name="pool_c", kernel_shape=[3, 3], strides=[2, 2],
                         ceil_mode=1),
        helper.make_node("Conv", ["pc", "wd", "bd"], ["d"], name="conv_d", kernel_shape=[1, 1]),
        helper.make_node("MaxPool", ["d"], ["y"], name="pool_d", kernel_shape=[2, 2], strides=[2, 2],
                         pads=[1, 1, 1, 1]),
    ]
    m = model(nodes, [f32("x", [2, 3, 31, 30])], [f32("y", [2, 16, 5, 4])], inits, name="conv_maxpool16")
    save(m, "conv_maxpool16.onnx")
    npy("conv_maxpool16.x.npy", rng.standard_normal((2, 3, 31, 30)).astype(np.float32))


def qdq_cnn():
    rng = np.random.default_rng(11)
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq(x, scale, zp):
        """Q then DQ of activation x (int8, per tensor): returns the DQ's output."""
        s, z = const(x + "_s", np.array(scale, np.float32)), const(x + "_z", np.array(zp, np.int8))
        nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [x + "_q"], name=x + "_quant"))
        nodes.append(helper.make_node("DequantizeLinear", [x + "_q", s, z], [x + "_dq"], name=x + "_dequant"))
        return x + "_dq"

    def weights(name, shape, x_scale, per_channel=True):
        """int8 symmetric weights (per output channel or per tensor) and int32 bias, each behind a DQ."""
        w = rng.standard_normal(shape).astype(np.float32) / np.sqrt(np.prod(shape[1:]))
        axes = tuple(range(1, len(shape)))
        absmax = np.abs(w).max(axis=axes) if per_channel else np.array(np.abs(w).max())
        ws = (absmax / 127).astype(np.float32)
        wq = np.clip(np.rint(w / (ws.reshape(-1, *[1] * (len(shape) - 1)) if per_channel else ws)), -127, 127)
        b = (0.2 * rng.standard_normal(shape[0])).astype(np.float32)
        bs = (x_scale * ws).astype(np.float32)
        bq = np.rint(b / bs).astype(np.int32)
        wz = np.zeros(ws.shape, np.int8)
        const(name + "_wq", wq.astype(np.int8)), const(name + "_ws", ws), const(name + "_wz", wz)
        const(name + "_bq", bq), const(name + "_bs", bs if per_channel else np.array(bs, np.float32))
        const(name + "_bz", np.zeros(bs.shape, np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_wq", name + "_ws", name + "_wz"], [name + "_w"],
                                      name=name + "_wdq", axis=0))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_bq", name + "_bs", name + "_bz"], [name + "_b"],
                                      name=name + "_bdq", axis=0))
        return name + "_w", name + "_b"

    x = qdq("x", 0.02, 3)
    w, b = weights("c1", (8, 3, 3, 3), 0.02)
    nodes.append(helper.make_node("Conv", [x, w, b], ["c1"], name="c1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Relu", ["c1"], ["r1"], name="r1"))
    r1 = qdq("r1", 0.01, -128)  # zero point at the bottom: the Relu is redundant
    nodes.append(helper.make_node("MaxPool", [r1], ["p1"], name="p1", kernel_shape=[2, 2], strides=[2, 2]))
    p1 = qdq("p1", 0.01, -128)  # same scale and zero point: MaxPool runs on the integers
    w, b = weights("c2", (8, 8, 3, 3), 0.01)
    nodes.append(helper.make_node("Conv", [p1, w, b], ["c2"], name="c2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    lo, hi = const("clip_lo", np.array(0, np.float32)), const("clip_hi", np.array(6, np.float32))
    nodes.append(helper.make_node("Clip", ["c2", lo, hi], ["r2"], name="r2"))
    r2 = qdq("r2", 6 / 255, -128)  # exactly the Clip's range
    nodes.append(helper.make_node("Add", [r2, p1], ["res"], name="res"))
    res = qdq("res", 0.03, -100)
    nodes.append(helper.make_node("GlobalAveragePool", [res], ["gap"], name="gap"))
    gap = qdq("gap", 0.02, -90)
    nodes.append(helper.make_node("Flatten", [gap], ["flat"], name="flat"))
    flat = qdq("flat", 0.02, -90)
    w = rng.standard_normal((5, 8)).astype(np.float32) / np.sqrt(8)
    ws = np.float32(np.abs(w).max() / 127)
    const("fc_wq", np.clip(np.rint(w / ws), -127, 127).astype(np.int8)), const("fc_ws", np.array(ws))
    const("fc_bq", np.rint(0.3 * rng.standard_normal(5) / (0.02 * ws)).astype(np.int32))
    const("fc_bs", np.array(0.02 * ws, np.float32))
    nodes.append(helper.make_node("DequantizeLinear", ["fc_wq", "fc_ws"], ["fc_w"], name="fc_wdq"))
    nodes.append(helper.make_node("DequantizeLinear", ["fc_bq", "fc_bs"], ["fc_b"], name="fc_bdq"))
    nodes.append(helper.make_node("Gemm", [flat, "fc_w", "fc_b"], ["fc"], name="fc", transB=1))
    fc = qdq("fc", 0.05, 0)
    nodes.append(helper.make_node("Identity", [fc], ["y"], name="out"))
    m = model(nodes, [f32("x", [1, 3, 12, 12])], [f32("y", [1, 5])], inits, name="qdq_cnn")
    save(m, "qdq_cnn.onnx")
    npy("qdq_cnn.x.npy", rng.uniform(-2.5, 2.5, (1, 3, 12, 12)).astype(np.float32))


def layered():
    rng = np.random.default_rng(18)
    inits = []

    def const(name, array):
        inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def conv(name, x, cin, cout, k):
        w = const(name + "_w", rng.standard_normal((cout, cin, k, k)) / np.sqrt(cin * k * k))
        b = const(name + "_b", 0.1 * rng.standard_normal(cout))
        return helper.make_node("Conv", [x, w, b], [name + "_out"], name=name, kernel_shape=[k, k], pads=[k // 2] * 4)

    nodes = [
        conv("conv1", "x", 3, 8, 3),
        helper.make_node("Relu", ["conv1_out"], ["relu1_out"], name="relu1"),
        conv("conv2", "relu1_out", 8, 8, 3),
        helper.make_node("BatchNormalization", ["conv2_out", const("bn_scale", 1 + 0.1 * rng.standard_normal(8)),
                                                const("bn_bias", 0.1 * rng.standard_normal(8)),
                                                const("bn_mean", 0.1 * rng.standard_normal(8)),
                                                const("bn_var", 1 + 0.1 * rng.random(8))],
                         ["bn_out"], name="bn"),
        helper.make_node("Relu", ["bn_out"], ["relu2_out"], name="relu2"),
        conv("conv3", "relu2_out", 8, 4, 1),
        helper.make_node("GlobalAveragePool", ["conv3_out"], ["gap_out"], name="gap"),
        helper.make_node("Flatten", ["gap_out"], ["flat_out"], name="flatten"),
        # A Constant node: its output is a constant in aotc, reported as not compared.
        helper.make_node("Constant", [], ["fc_b"], name="fc_bias",
                         value=numpy_helper.from_array(rng.standard_normal(5).astype(np.float32))),
        helper.make_node("Gemm", ["flat_out", const("fc_w", rng.standard_normal((5, 4))), "fc_b"],
                         ["y"], name="fc", transB=1),
    ]
    m = model(nodes, [f32("x", [1, 3, 8, 8])], [f32("y", [1, 5])], inits, name="layered")
    save(m, "layered.onnx")
    # The same model with one weight of the middle conv changed: per-layer
    # verify must name 'conv2' as the first node that diverges.
    for init in m.graph.initializer:
        if init.name == "conv2_w":
            w = numpy_helper.to_array(init).copy()
            w[3, 2, 1, 1] += 0.5
            init.CopyFrom(numpy_helper.from_array(w, "conv2_w"))
    save(m, "layered_corrupt.onnx")
    os.makedirs(os.path.join(HERE, "layered_per_layer"), exist_ok=True)
    x = numpy_helper.from_array(rng.standard_normal((1, 3, 8, 8)).astype(np.float32), "x")
    with open(os.path.join(HERE, "layered_per_layer", "input_0.pb"), "wb") as f:
        f.write(x.SerializeToString())


def bad_models():
    save(model([helper.make_node("Relu", ["ghost"], ["y"], name="reads_ghost")], [f32("x", [2])], [f32("y", [2])]),
         "bad_undefined_input.onnx")
    save(model([helper.make_node("Add", ["x", "b_out"], ["a_out"], name="cyc_a"),
                helper.make_node("Relu", ["a_out"], ["b_out"], name="cyc_b")],
               [f32("x", [2])], [f32("a_out", [2])]),
         "bad_cycle.onnx")
    w = TensorProto()
    w.name, w.data_type = "w", TensorProto.FLOAT
    w.dims.append(3)
    w.raw_data = np.array([1.0, 2.0], dtype=np.float32).tobytes()  # 8 bytes; f32[3] needs 12
    save(model([helper.make_node("Add", ["x", "w"], ["y"], name="add_w")], [f32("x", [3])], [f32("y", [3])], [w]),
         "bad_raw_data_short.onnx")
    save(model([helper.make_node("Relu", ["x"], ["r"], name="ok_relu"),
                helper.make_node("StringNormalizer", ["r"], ["n"], name="norm_node"),
                helper.make_node("TfIdfVectorizer", ["n"], ["y"], name="tfidf_node")],
               [f32("x", [2])], [f32("y", [2])]),
         "bad_two_unsupported.onnx")
    save(model([helper.make_node("Add", ["x", "z"], ["y"], name="bad_add")], [f32("x", [2, 3]), f32("z", [4])],
               [f32("y", [2, 3])]),
         "bad_broadcast.onnx")


if __name__ == "__main__":
    add_relu()
    mul_sigmoid()
    elementwise_chain()
    external_data()
    symbolic_dim()
    shape_chain()
    io_edges()
    branchy()
    qdq_cnn()
    blocked_chain()
    silu_convs()
    winograd_convs()
    conv_maxpool()
    conv_maxpool16()
    layered()
    bad_models()
