#!/usr/bin/python3
"""Exports six torchvision ImageNet classifiers to ONNX for benchmarking.

    /usr/bin/python3 bench/imagenet/make_models.py [OUT_DIR] [--opset N] [--force]

Writes OUT_DIR/<net>/model.onnx (default OUT_DIR: build/bench-models), the same
layout as models/*/ so bench/compare.sh treats both alike. The .onnx files are
a cache (tens of MB each): never commit them.

No pretrained weights (no internet, and speed does not depend on them): each
net gets fixed random weights from torch.manual_seed. BatchNorm running stats
are randomized too, because the defaults (mean 0, var 1, gamma 1, beta 0) would
make Conv+BN folding a no-op and hide folding bugs and costs.
Needs Debian's python3-torch, python3-torchvision and python3-onnx.
"""
import argparse
import os
import sys

import torch
import torchvision.models as tvm

# name -> constructor; the variants the benchmark brief asks for.
NETS = {
    "mobilenet_v2": tvm.mobilenet_v2,
    "resnet18": tvm.resnet18,
    "squeezenet1_1": tvm.squeezenet1_1,
    "shufflenet_v2_x1_0": tvm.shufflenet_v2_x1_0,
    "mnasnet0_5": tvm.mnasnet0_5,
    "efficientnet_b0": tvm.efficientnet_b0,
}
INPUT_SHAPE = (1, 3, 224, 224)


def randomize_batchnorm(net, gen):
    """Gives every BatchNorm non-trivial stats so folding changes the weights."""
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(n, generator=gen) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def export(name, path, opset):
    torch.manual_seed(0)  # same weights on every machine and every run
    net = NETS[name](weights=None).eval()
    randomize_batchnorm(net, torch.Generator().manual_seed(1))
    x = torch.randn(*INPUT_SHAPE, generator=torch.Generator().manual_seed(2))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp-export"
    with torch.no_grad():
        torch.onnx.export(net, x, tmp, opset_version=opset, input_names=["input"],
                          output_names=["logits"], do_constant_folding=True)
    os.replace(tmp, path)  # a killed export never leaves a truncated model.onnx


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", nargs="?", default=os.path.join(here, "..", "..", "build", "bench-models"))
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--force", action="store_true", help="re-export nets already in OUT_DIR")
    ap.add_argument("--nets", nargs="*", default=list(NETS), choices=list(NETS))
    args = ap.parse_args()
    for name in args.nets:
        path = os.path.join(os.path.abspath(args.out_dir), name, "model.onnx")
        if os.path.exists(path) and not args.force:
            print(f"{name}: cached {path}")
            continue
        export(name, path, args.opset)
        print(f"{name}: wrote {path} (opset {args.opset})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
