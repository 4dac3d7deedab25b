#!/usr/bin/python3
"""Build the aotc test models and their test inputs.

Run with Debian's python (/usr/bin/python3: torch 1.13, onnx 1.12, numpy 1.24).

  /usr/bin/python3 models/make_models.py                # export models + inputs
  /usr/bin/python3 models/make_models.py --pack-golden  # pack ORT outputs into .pb

Layout per model (same as the ONNX backend node tests):
  models/<name>/model.onnx
  models/<name>/test_data_set_0/input_0.pb    (written here)
  models/<name>/test_data_set_0/output_0.pb   (ONNX Runtime output, see golden.js)

Intermediate files live in models/<name>/.work/ and are removed by --pack-golden.
Golden outputs come only from ONNX Runtime; the torch output is saved in .work/
only to print a sanity-check diff during packing.
"""
import argparse
import json
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13


# --------------------------------------------------------------------------
# Model definitions
# --------------------------------------------------------------------------
class MnistCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),    # 8x12x12
            nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),   # 16x4x4
        )
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(256, 64)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.flatten(self.features(x))
        return self.softmax(self.fc2(self.relu(self.fc1(x))))


def conv_bn(cin, cout, k, stride=1, pad=0, groups=1, act=nn.ReLU):
    layers = [nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class KwsDSCNN(nn.Module):
    """ARM ML-KWS 'DS-CNN small': 49x10 MFCC input, 64 channels, 12 classes."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 64, (10, 4), stride=2, pad=(5, 1))  # 64x25x5
        blocks = []
        for _ in range(4):
            blocks.append(conv_bn(64, 64, 3, 1, 1, groups=64))  # depthwise
            blocks.append(conv_bn(64, 64, 1))                   # pointwise
        self.blocks = nn.Sequential(*blocks)
        # count_include_pad=False: same result (no padding) but torch then does
        # not emit a no-op zero Pad in front of AveragePool.
        self.pool = nn.AvgPool2d((25, 5), count_include_pad=False)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, 12)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.blocks(self.stem(x)))))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.relu2 = nn.ReLU()

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        s = x if self.shortcut is None else self.shortcut(x)
        return self.relu2(y + s)


class ResNet8(nn.Module):
    """MLPerf Tiny image-classification ResNet-8 (CIFAR-10)."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 16, 3, 1, 1)
        self.stack1 = BasicBlock(16, 16, 1)
        self.stack2 = BasicBlock(16, 32, 2)
        self.stack3 = BasicBlock(32, 64, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.stack3(self.stack2(self.stack1(self.stem(x))))
        return self.fc(self.flatten(self.pool(x)))


class InvertedResidual(nn.Module):
    def __init__(self, c, expand, act):
        super().__init__()
        h = c * expand
        self.body = nn.Sequential(
            conv_bn(c, h, 1, act=act),
            conv_bn(h, h, 3, 1, 1, groups=h, act=act),
            conv_bn(h, c, 1, act=None),
        )

    def forward(self, x):
        return x + self.body(x)


def dw_sep(cin, cout, stride, act=nn.ReLU6):
    return nn.Sequential(conv_bn(cin, cin, 3, stride, 1, groups=cin, act=act),
                         conv_bn(cin, cout, 1, act=act))


class MobileNetTiny(nn.Module):
    """MobileNet v1/v2 hybrid, 64x64 RGB input, 10 classes."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(3, 8, 3, 2, 1, act=nn.ReLU6),        # 8x32x32
            dw_sep(8, 16, 1),                            # 16x32x32
            dw_sep(16, 24, 2),                           # 24x16x16
            InvertedResidual(24, 4, nn.Hardswish),       # 24x16x16
            dw_sep(24, 32, 2),                           # 32x8x8
            InvertedResidual(32, 2, nn.ReLU6),           # 32x8x8
            dw_sep(32, 64, 2, act=nn.Hardswish),         # 64x4x4
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.features(x))))


class VwwMobileNet(nn.Module):
    """MLPerf Tiny visual wake words: MobileNetV1, width 0.25, 96x96 RGB, 2 classes.

    Same layer list as the reference (mlcommons/tiny vww_model.py): conv 3x3 s2,
    13 depthwise-separable blocks, BN + ReLU after every conv, average pool over
    the whole 3x3 map, Dense(2) with softmax. Padding is torch's symmetric 1
    where Keras 'same' pads (0, 1) on stride-2 layers; same shapes.
    """

    # (output channels at width 1.0, depthwise stride) of the 13 blocks
    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2),
              (1024, 1)]

    def __init__(self, alpha=0.25, classes=2):
        super().__init__()
        c = int(32 * alpha)
        layers = [conv_bn(3, c, 3, 2, 1)]                  # 8x48x48
        for cout, stride in self.BLOCKS:
            cout = int(cout * alpha)
            layers.append(conv_bn(c, c, 3, stride, 1, groups=c))   # depthwise
            layers.append(conv_bn(c, cout, 1))                     # pointwise
            c = cout
        self.features = nn.Sequential(*layers)             # 256x3x3
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(c, classes)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(self.flatten(self.pool(self.features(x)))))


class AdAutoencoder(nn.Module):
    """MLPerf Tiny anomaly detection FC autoencoder (ToyADMOS, 5 frames x 128 mels).

    640 -> 128 x4 -> 8 -> 128 x4 -> 640; every hidden layer is
    Dense + BatchNorm + ReLU, the output layer a plain Dense (keras_model.py).
    """

    def __init__(self, dim=640):
        super().__init__()
        widths = [128, 128, 128, 128, 8, 128, 128, 128, 128]
        layers = []
        cin = dim
        for w in widths:
            layers += [nn.Linear(cin, w), nn.BatchNorm1d(w), nn.ReLU()]
            cin = w
        layers.append(nn.Linear(cin, dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class LstmKws(nn.Module):
    """Keyword spotting with an LSTM: 49 frames x 10 MFCCs, one LSTM layer of
    64 units, the last step's hidden state through Linear(64->12)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 64, batch_first=True)
        self.fc = nn.Linear(64, 12)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[:, -1, :])


class GruTagger(nn.Module):
    """Sequence tagging with a bidirectional GRU: 20 steps x 16 features, 32
    units each way, then Linear(64->8) at every step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(64, 8)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.fc(y)


class LoopIf(nn.Module):
    """Control flow as TorchScript exports it: a residual MLP cell applied in a
    `for` loop of 4 steps (ONNX Loop), then a data-dependent `if` (ONNX If)
    picking one of two heads. Exported from torch.jit.script."""

    SCRIPT = True

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(16, 16)
        self.head_pos = nn.Linear(16, 4)
        self.head_neg = nn.Linear(16, 4)

    def forward(self, x):
        h = x
        # The trip count comes from the input's shape (16 // 4), so TorchScript
        # keeps the loop instead of unrolling it.
        for _ in range(x.shape[1] // 4):
            h = torch.tanh(self.cell(h)) + h
        if bool(h.sum() > 0):
            y = self.head_pos(h)
        else:
            y = self.head_neg(h)
        return y


# name -> (constructor, input shape, torch seed, input generator)
MODELS = {
    "mnist_cnn": (MnistCNN, (1, 1, 28, 28), 1,
                  lambda rs, s: rs.uniform(0.0, 1.0, s)),
    "kws_dscnn": (KwsDSCNN, (1, 1, 49, 10), 2,
                  lambda rs, s: rs.standard_normal(s)),
    "resnet8": (ResNet8, (1, 3, 32, 32), 3,
                lambda rs, s: rs.standard_normal(s)),
    "mobilenet_tiny": (MobileNetTiny, (1, 3, 64, 64), 4,
                       lambda rs, s: rs.standard_normal(s)),
    "vww_mobilenet": (VwwMobileNet, (1, 3, 96, 96), 5,
                      lambda rs, s: rs.standard_normal(s)),
    "ad_autoencoder": (AdAutoencoder, (1, 640), 6,
                       lambda rs, s: rs.standard_normal(s)),
    "lstm_kws": (LstmKws, (1, 49, 10), 7,
                 lambda rs, s: rs.standard_normal(s)),
    "gru_tagger": (GruTagger, (1, 20, 16), 8,
                   lambda rs, s: rs.standard_normal(s)),
    "loop_if": (LoopIf, (1, 16), 9,
                lambda rs, s: rs.standard_normal(s)),
}


def randomize_bn(model):
    """Non-trivial BN statistics/affine params so BN actually changes values."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                n = m.num_features
                m.weight.copy_(torch.empty(n).uniform_(0.5, 1.5))
                m.bias.copy_(torch.empty(n).normal_(0.0, 0.2))
                m.running_mean.copy_(torch.empty(n).normal_(0.0, 0.3))
                m.running_var.copy_(torch.empty(n).uniform_(0.5, 2.0))


def export_one(name):
    ctor, shape, seed, gen = MODELS[name]
    torch.manual_seed(seed)
    model = ctor()
    randomize_bn(model)
    model.eval()

    rs = np.random.RandomState(1000 + seed)
    x = gen(rs, shape).astype(np.float32)

    out_dir = os.path.join(HERE, name)
    data_dir = os.path.join(out_dir, "test_data_set_0")
    work_dir = os.path.join(out_dir, ".work")
    os.makedirs(data_dir, exist_ok=True)
    os.makedirs(work_dir, exist_ok=True)
    # Stale outputs from a previous run must not survive.
    for f in os.listdir(data_dir):
        os.remove(os.path.join(data_dir, f))

    path = os.path.join(out_dir, "model.onnx")
    # TrainingMode.PRESERVE (model is in eval mode) keeps explicit
    # BatchNormalization nodes; the default EVAL mode would fold BN into Conv.
    with warnings.catch_warnings():
        # PRESERVE + constant folding warns about training-mode models; ours is
        # in eval mode, so folding is safe.
        warnings.filterwarnings("ignore", message=".*constant folding.*")
        exported = torch.jit.script(model) if getattr(model, "SCRIPT", False) else model
        torch.onnx.export(
            exported, (torch.from_numpy(x),), path,
            opset_version=OPSET,
            input_names=["input"], output_names=["output"],
            do_constant_folding=True,
            keep_initializers_as_inputs=False,
            training=torch.onnx.TrainingMode.PRESERVE,
            export_params=True,
        )
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)

    in_name = m.graph.input[0].name
    t = numpy_helper.from_array(x, name=in_name)
    with open(os.path.join(data_dir, "input_0.pb"), "wb") as f:
        f.write(t.SerializeToString())

    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    np.save(os.path.join(work_dir, "torch_output_0.npy"), y)

    nparams = sum(p.numel() for p in model.parameters())
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"{name}: params={nparams} size={os.path.getsize(path)}B "
          f"in={in_name}{list(x.shape)} out={[o.name for o in m.graph.output]}"
          f"{list(y.shape)} ops={ops}")


# --------------------------------------------------------------------------
# Golden packing: .work/output_K.bin + output_K.json (written by golden.js
# from ONNX Runtime) -> test_data_set_0/output_K.pb
# --------------------------------------------------------------------------
DTYPES = {"float32": np.float32, "int64": np.int64, "int32": np.int32,
          "float64": np.float64, "uint8": np.uint8, "int8": np.int8,
          "bool": np.bool_}


def pack_one(name):
    out_dir = os.path.join(HERE, name)
    work_dir = os.path.join(out_dir, ".work")
    data_dir = os.path.join(out_dir, "test_data_set_0")
    m = onnx.load(os.path.join(out_dir, "model.onnx"))
    for k, o in enumerate(m.graph.output):
        with open(os.path.join(work_dir, f"output_{k}.json")) as f:
            meta = json.load(f)
        if meta["name"] != o.name:
            sys.exit(f"{name}: output {k} name mismatch {meta['name']} vs {o.name}")
        # A dimension the export left symbolic (TorchScript) matches any size.
        dims = [d.dim_value if d.HasField("dim_value") else None for d in o.type.tensor_type.shape.dim]
        if len(meta["dims"]) != len(dims) or any(d is not None and d != m for d, m in zip(dims, meta["dims"])):
            sys.exit(f"{name}: output {k} dims {meta['dims']} vs model {dims}")
        arr = np.fromfile(os.path.join(work_dir, f"output_{k}.bin"),
                          dtype=np.dtype(DTYPES[meta["type"]]).newbyteorder("<"))
        arr = arr.reshape(meta["dims"])
        t = numpy_helper.from_array(arr, name=o.name)
        with open(os.path.join(data_dir, f"output_{k}.pb"), "wb") as f:
            f.write(t.SerializeToString())
        ref = os.path.join(work_dir, f"torch_output_{k}.npy")
        if os.path.exists(ref):
            d = float(np.max(np.abs(np.load(ref).astype(np.float64) - arr)))
            print(f"{name}: output_{k} {o.name}{dims} ORT vs torch max|diff|={d:.3g}")
            if d > 1e-4:
                sys.exit(f"{name}: ORT and torch disagree (max diff {d})")
    shutil.rmtree(work_dir)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack-golden", action="store_true",
                    help="convert ORT outputs in <name>/.work into output_K.pb")
    ap.add_argument("names", nargs="*", default=list(MODELS))
    args = ap.parse_args()
    torch.set_num_threads(1)
    for n in args.names:
        if n not in MODELS:
            sys.exit(f"unknown model {n}; known: {', '.join(MODELS)}")
        (pack_one if args.pack_golden else export_one)(n)


if __name__ == "__main__":
    main()
