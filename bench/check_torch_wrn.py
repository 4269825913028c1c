#!/usr/bin/env python3
"""Checks the PyTorch WRN of `lowres bench train` (torch_train.py) against lowres's WideResNet.java.

  /usr/bin/python3 bench/check_torch_wrn.py

1. Parameter counts with 1000 classes: WRN-28-2/32 must be exactly 1,596,216 (lowres's count; the paper
   says 1.6M), WRN-28-10/32 about 37.1M (the paper); WRN-36-2/64 and WRN-20-1/16 are printed for the
   Java side to compare.
2. The per-layer shapes of WRN-28-2 at 32 px for a batch of 1: every leaf module in order with its
   parameter shapes and output shape (the output of a block's addition is the block's line).
3. The initialisation: conv weights have std near sqrt(2 / fan_in), the Linear weight near sqrt(1 / fan_in),
   biases are zero.
4. One training step on a small batch gives a finite loss near ln(1000); bad model names and depths exit 2,
   and so does a Python without torch (pyenv's python3 here); a tiny --json run prints one object.
"""
import importlib.util
import json
import math
import os
import subprocess
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "lowres-data", "src", "main", "resources", "dev", "lowres", "data", "bench",
                      "torch_train.py")


def load_module():
    spec = importlib.util.spec_from_file_location("torch_train", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shapes(t):
    return "x".join(str(d) for d in t.shape)


def layer_table(tt, model, size):
    rows = []
    hooks = []
    for name, m in model.named_modules():
        if len(list(m.children())) == 0 or isinstance(m, tt.PreActBlock):
            def hook(mod, inputs, output, name=name):
                params = ", ".join("%s %s" % (pn, shapes(p)) for pn, p in mod.named_parameters(recurse=False))
                kind = type(mod).__name__
                if isinstance(mod, tt.PreActBlock):
                    kind = "  = block (+ %s shortcut)" % type(mod.shortcut).__name__
                rows.append((name, kind, params, shapes(output)))
            hooks.append(m.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    return rows


def main():
    tt = load_module()
    failures = []

    print("parameters (1000 classes):")
    counts = {}
    for name, size in (("wrn-28-2", 32), ("wrn-28-10", 32), ("wrn-36-2", 64), ("wrn-20-1", 16)):
        n = tt.count_parameters(tt.create(name, 3, size, 1000))
        counts[(name, size)] = n
        print("  %-10s %3d px  %12s" % (name, size, "{:,}".format(n)))
    if counts[("wrn-28-2", 32)] != 1596216:
        failures.append("WRN-28-2/32 has %d parameters, lowres has 1,596,216" % counts[("wrn-28-2", 32)])
    if round(counts[("wrn-28-10", 32)] / 1e6, 1) != 37.1:
        failures.append("WRN-28-10/32 has %d parameters, the paper 37.1M" % counts[("wrn-28-10", 32)])

    model = tt.create("wrn-28-2", 3, 32, 1000)
    print("\nWRN-28-2 at 32 px, batch 1 (module, type, parameters, output):")
    for name, kind, params, out in layer_table(tt, model, 32):
        print("  %-22s %-34s %-44s %s" % (name, kind, params, out))

    for name, p in model.named_parameters():
        if name.endswith("bias") and p.abs().max() != 0:
            failures.append("%s is not zero" % name)
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d) and m.weight.numel() >= 4096:
            want = math.sqrt(2.0 / (m.in_channels * m.kernel_size[0] * m.kernel_size[1]))
            got = float(m.weight.std())
            if abs(got / want - 1) > 0.1:
                failures.append("a conv %s has std %.4f, He-normal wants %.4f" % (shapes(m.weight), got, want))
    want, got = math.sqrt(1.0 / model.fc.in_features), float(model.fc.weight.std())
    if abs(got / want - 1) > 0.05:
        failures.append("the Linear weight has std %.4f, wants %.4f" % (got, want))

    torch.manual_seed(0)
    small = tt.create("wrn-28-2", 3, 32, 1000)
    small.train()
    opt = torch.optim.SGD(small.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss = torch.nn.functional.cross_entropy(small(torch.randn(8, 3, 32, 32)), torch.randint(0, 1000, (8,)))
    loss.backward()
    opt.step()
    print("\none step, batch 8: loss %.3f (ln 1000 = %.3f)" % (float(loss), math.log(1000)))
    if not math.isfinite(float(loss)) or abs(float(loss) - math.log(1000)) > 3:
        failures.append("first loss %.3f is far from ln(1000)" % float(loss))

    runs = [[sys.executable, SCRIPT, "--model", "resnet-18"], [sys.executable, SCRIPT, "--model", "wrn-27-2"],
            [sys.executable, SCRIPT, "--model", "wrn-36-2", "--size", "32"]]
    no_torch = [exe for exe in ("python3",) if subprocess.run([exe, "-c", "import torch"], capture_output=True).returncode]
    runs += [[exe, SCRIPT] for exe in no_torch]  # a Python without torch (e.g. pyenv's) must say so
    for cmd in runs:
        r = subprocess.run(cmd + ["--json", "--steps", "1", "--repeats", "1", "--warmup", "0"],
                           capture_output=True, text=True)
        what = " ".join(cmd[2:]) or "%s without torch" % cmd[0]
        print("%s -> exit %d: %s" % (what, r.returncode, r.stderr.strip().replace("\n", " / ")))
        if r.returncode != 2 or r.stdout:
            failures.append("%s should exit 2 with nothing on stdout, got %d" % (what, r.returncode))
    r = subprocess.run([sys.executable, SCRIPT, "--model", "wrn-12-1", "--size", "16", "--batch", "8", "--classes", "10",
                        "--steps", "2", "--warmup", "1", "--repeats", "1", "--threads", "1", "--json"],
                       capture_output=True, text=True)
    lines = r.stdout.strip().splitlines()
    try:
        result = json.loads(lines[0]) if r.returncode == 0 and len(lines) == 1 else None
    except ValueError:
        result = None
    print("tiny --json run -> exit %d: %s" % (r.returncode, r.stdout.strip() or r.stderr.strip()))
    keys = ("tool", "torch_version", "model", "parameters", "size", "batch_size", "threads", "steps", "seconds",
            "images_per_second", "ms_per_step")
    if result is None or any(k not in result for k in keys) or result["tool"] != "pytorch-train":
        failures.append("--json must print exactly one object with %s" % ", ".join(keys))

    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
