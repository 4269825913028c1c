#!/usr/bin/env python3
"""Integrated Gradients of one image in PyTorch, the way Captum computes it, for BENCHMARKS.md ("Explain").

  /usr/bin/python3 bench/torch_ig.py [--model wrn-28-2] [--size 32] [--classes 10] [--steps 50] [--repeats 10]

The network is lowres bench train's PyTorch WRN (torch_train.py, the same layers as lowres's WideResNet), in eval
mode, fp32 on the CPU. One attribution: the image scaled from a black baseline at `steps` midpoints (Captum's
IntegratedGradients(method='riemann_middle', internal_batch_size=steps): one batch), the target logit summed and
differentiated once, the gradients averaged and multiplied by (image - baseline). Captum is not packaged for
Debian; these are its operations, written out. Prints the seconds of each repeat after two warm-up runs, then
min / median / max, for contiguous and channels-last inputs.
"""
import argparse
import os
import statistics
import time

import torch

from check_torch_wrn import load_module  # lowres bench train's PyTorch WRN, torch_train.py


def integrated_gradients(model, x, target, steps, channels_last):
    baseline = torch.zeros_like(x)
    alphas = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    path = baseline + alphas.view(-1, 1, 1, 1) * (x - baseline)
    if channels_last:
        path = path.contiguous(memory_format=torch.channels_last)
    path.requires_grad_(True)
    logits = model(path)
    grads, = torch.autograd.grad(logits[:, target].sum(), path)
    return grads.mean(0, keepdim=True) * (x - baseline)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="wrn-28-2")
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    tt = load_module()
    model = tt.create(a.model, size=a.size, classes=a.classes).eval()
    for p_ in model.parameters():
        p_.requires_grad_(False)
    x = torch.rand(1, 3, a.size, a.size)
    for channels_last in (False, True):
        m = model.to(memory_format=torch.channels_last) if channels_last else model
        seconds = []
        for i in range(a.repeats + 2):
            start = time.perf_counter()
            integrated_gradients(m, x, 0, a.steps, channels_last)
            if i >= 2:
                seconds.append(time.perf_counter() - start)
        print("torch %s IG %d steps %s %dpx, %d threads, %s: min %.3f median %.3f max %.3f s"
              % (torch.__version__, a.steps, a.model, a.size, a.threads,
                 "channels-last" if channels_last else "contiguous", min(seconds), statistics.median(seconds),
                 max(seconds)))


if __name__ == "__main__":
    main()
