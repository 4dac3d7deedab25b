#!/usr/bin/python3
"""Train the demo's digit classifier and write models/digits/.

Run with Debian's python (/usr/bin/python3: torch 1.13, onnx 1.12, numpy 1.24,
python3-sklearn 1.2 for the data: sklearn.datasets.load_digits(), the UCI 8x8
handwritten digits that ship inside the package, so nothing is downloaded).

  /usr/bin/python3 models/train_digits.py                # train, export, inputs
  node models/golden.js digits                           # ONNX Runtime output
  /usr/bin/python3 models/train_digits.py --pack-golden  # output_0.pb

Writes
  models/digits/model.onnx                    small CNN, input 'input' 1x1x8x8
                                              (pixel / 16, in [0, 1]), output
                                              'output' 1x10 (softmax)
  models/digits/test_data_set_0/input_0.pb    the first held-out digit
  models/digits/test_data_set_0/output_0.pb   ONNX Runtime's output (--pack-golden)
  models/digits/demo_digits.txt               ten held-out digits, one per class,
                                              raw 0..16 pixels + true label, read
                                              by examples/demo.c (see export())

Deterministic: fixed seeds, one thread, full data order from a seeded
permutation; re-running gives byte-identical files.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

import make_models

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "digits"
OUT = os.path.join(HERE, NAME)
SEED = 7
HOLDOUT = 0.25   # fraction of the 1797 digits never seen in training
EPOCHS = 40
BATCH = 32


class DigitsCNN(nn.Module):
    """Conv(1->16,3x3,pad 1)+ReLU+MaxPool2, Conv(16->32,3x3,pad 1)+ReLU+MaxPool2,
    Linear(128->64)+ReLU, Linear(64->10), Softmax: 13,706 params."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16x4x4
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32x2x2
        )
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(128, 64)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)
        self.softmax = nn.Softmax(dim=1)

    def logits(self, x):
        return self.fc2(self.relu(self.fc1(self.flatten(self.features(x)))))

    def forward(self, x):
        return self.softmax(self.logits(x))


def load_split():
    from sklearn.datasets import load_digits  # python3-sklearn; only needed here
    d = load_digits()
    pixels = d.images.astype(np.int64)        # (1797, 8, 8), values 0..16
    labels = d.target.astype(np.int64)
    perm = np.random.RandomState(SEED).permutation(len(labels))
    n_test = int(round(HOLDOUT * len(labels)))
    test, train = perm[:n_test], perm[n_test:]
    return pixels, labels, train, test


def to_input(pixels):
    # The model's input convention: pixel / 16 (exact in float32), NCHW.
    return (pixels.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)


def train():
    pixels, labels, train_idx, test_idx = load_split()
    x_train = torch.from_numpy(to_input(pixels[train_idx]))
    y_train = torch.from_numpy(labels[train_idx])
    x_test = torch.from_numpy(to_input(pixels[test_idx]))
    y_test = labels[test_idx]

    torch.manual_seed(SEED)
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    # Halve the step size every 10 epochs: settles instead of bouncing.
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(y_train), generator=g)
        total = 0.0
        for i in range(0, len(order), BATCH):
            b = order[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model.logits(x_train[b]), y_train[b])
            loss.backward()
            opt.step()
            total += float(loss) * len(b)
        sched.step()
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1}: train loss {total / len(order):.4f}")
    model.eval()
    with torch.no_grad():
        train_acc = float((model(x_train).argmax(1) == y_train).float().mean())
        pred = model(x_test).argmax(1).numpy()
    correct = int((pred == y_test).sum())
    print(f"train accuracy {train_acc:.4f} ({len(y_train)} digits); "
          f"held-out accuracy {correct / len(y_test):.4f} ({correct}/{len(y_test)})")
    if correct / len(y_test) < 0.95:
        sys.exit("held-out accuracy below 95%")
    return model, pixels, labels, test_idx, pred


def export(model, pixels, labels, test_idx, pred):
    data_dir = os.path.join(OUT, "test_data_set_0")
    work_dir = os.path.join(OUT, ".work")
    os.makedirs(data_dir, exist_ok=True)
    os.makedirs(work_dir, exist_ok=True)
    for f in os.listdir(data_dir):  # no stale outputs from a previous run
        os.remove(os.path.join(data_dir, f))

    x = to_input(pixels[test_idx[:1]])
    path = os.path.join(OUT, "model.onnx")
    torch.onnx.export(model, (torch.from_numpy(x),), path, opset_version=make_models.OPSET,
                      input_names=["input"], output_names=["output"],
                      do_constant_folding=True, export_params=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    with open(os.path.join(data_dir, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, name=m.graph.input[0].name).SerializeToString())
    with torch.no_grad():
        np.save(os.path.join(work_dir, "torch_output_0.npy"), model(torch.from_numpy(x)).numpy())

    # The demo's digits: per class, the first held-out example the torch model
    # classifies correctly. The demo and its test (api:demo_digits) then check
    # that the compiled C reaches the same right answers; the model's accuracy
    # is the held-out figure printed above, not these ten.
    picks, skipped = [], []
    for c in range(10):
        for j, i in enumerate(test_idx):
            if labels[i] == c:
                if pred[j] == c:
                    picks.append(i)
                    break
                skipped.append(f"{int(i)} (a {c} read as {int(pred[j])})")
    lines = ["# Ten held-out digits (never trained on) from sklearn's load_digits(): per",
             "# class, the first one the trained model classifies correctly (written by",
             "# models/train_digits.py; it prints the held-out accuracy and the skipped ones).",
             "# One digit per line: true label, then 64 pixels (8 rows of 8, 0..16);",
             "# the model's input is pixel / 16."]
    for i in picks:
        lines.append(f"{labels[i]} " + " ".join(str(int(v)) for v in pixels[i].ravel()))
    with open(os.path.join(OUT, "demo_digits.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    nparams = sum(p.numel() for p in model.parameters())
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"{NAME}: params={nparams} size={os.path.getsize(path)}B ops={ops}; "
          f"demo digits = indices {[int(i) for i in picks]}, skipped {skipped or 'none'}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack-golden", action="store_true",
                    help="convert ORT's output in digits/.work into output_0.pb")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if args.pack_golden:
        make_models.pack_one(NAME)
    else:
        export(*train())


if __name__ == "__main__":
    main()
