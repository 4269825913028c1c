#!/usr/bin/env python3
"""Traces a small network in PyTorch for lowres's TorchScript test (TorchScriptTest).

usage: trace_small_net.py OUT_DIR CLASSES SIZE
Writes OUT_DIR/model.pt (torch.jit.trace of a conv-BN-ReLU-pool-linear network in eval mode, seed 0),
OUT_DIR/input.f32 (a batch of 4 normalised inputs, float32 little-endian, shape (4, 3, SIZE, SIZE)) and
OUT_DIR/logits.f32 (PyTorch's logits for it, shape (4, CLASSES)). Needs torch (Debian: python3-torch).
"""
import sys

import torch
import torch.nn as nn


def main():
    out, classes, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, classes))
    # statistics that are not the identity, so that eval mode matters
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    net.eval()
    x = torch.randn(4, 3, size, size)
    traced = torch.jit.trace(net, x)
    traced.save(out + "/model.pt")
    with torch.no_grad():
        logits = traced(x)
    x.numpy().astype("<f4").tofile(out + "/input.f32")
    logits.numpy().astype("<f4").tofile(out + "/logits.f32")
    print(torch.__version__)


if __name__ == "__main__":
    main()
