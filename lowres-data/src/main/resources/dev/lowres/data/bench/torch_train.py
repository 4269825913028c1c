#!/usr/bin/env python3
"""The PyTorch side of `lowres bench train`: lowres's network written in PyTorch, training steps timed.

The network is lowres's Wide ResNet (lowres-train's WideResNet.java), the pre-activation WRN-d-k of
Chrabaszcz, Loshchilov & Hutter (2017), WRNs_imagenet.py in github.com/PatrykChrabaszcz/Imagenet32_Scripts:
  stem      conv3x3(3 -> 16, no bias), BN, ReLU
  stages    2, 3 or 4 for inputs of <= 16, <= 32 or larger px, d = 2 x stages x n + 4; stage s has n blocks
            of 16k * 2^s channels, its first block strides 2 (but in stage 0)
  block     [BN, ReLU, unless it is the network's very first block] conv3x3(stride, no bias), BN, ReLU,
            conv3x3(bias) + shortcut(raw input): the identity, or conv1x1(stride, no bias) where the
            channels or the stride change, and in the network's first block (Glorot-uniform initialised)
  head      BN, ReLU, global average pooling, Linear(classes)
BN eps 1e-4 (the paper's), momentum 0.1; convolutions He-normal (std sqrt(2 / fan_in)), the Linear weight std
sqrt(1 / fan_in), biases zero. WRN-28-2 at 32 px with 1000 classes has 1,596,216 parameters.

A training step is what a PyTorch user writes: optimizer.zero_grad(set_to_none=True), logits = model(x),
cross_entropy(logits, y) (the forward and the loss under torch.autocast('cpu', dtype=torch.bfloat16) with
--bf16), loss.backward(), optimizer.step() with torch.optim.SGD(lr=0.01, momentum=0.9,
weight_decay=5e-4) (the paper's recipe), the model in train mode. The input is one random batch of shape
(batch, 3, size, size) and random labels in [0, classes), made once and reused: the network is measured,
not data loading. torch.set_num_threads(--threads) (default: the cores this process may use) and
torch.set_num_interop_threads(1). After --warmup steps, --repeats runs of --steps steps are timed with
time.perf_counter (CPU ops are synchronous) and the best is reported; within the best run the forward
(with the loss), backward and optimizer (zero_grad + step) times are summed per phase.

With --json, stdout is exactly one JSON object:
  {"tool": "pytorch-train", "torch_version": ..., "model": "wrn-28-2", "parameters": N, "size": S,
   "batch_size": B, "threads": T, "steps": K, "seconds": best run, "images_per_second": K*B/seconds,
   "ms_per_step": ..., "classes": C, "channels_last": bool, "precision": "fp32" or "bf16", "mkldnn": torch.backends.mkldnn.is_available(),
   "mkldnn_enabled": false with --no-mkldnn,
   "interop_threads": 1, "cpu_seconds": CPU time of the process in the best run (about threads x seconds when
   the cores are its own; less when other processes take them), "warmup_steps": W, "repeat_seconds": [...], "repeat_images_per_second": [...],
   "phase_ms_per_step": {"forward": ..., "backward": ..., "optimizer": ...}, "loss": last loss}
Exit codes: 0 success, 1 the loss became NaN or infinite, 2 bad usage (unknown model, a depth the input
size does not take, torch missing). Needs torch (Debian: apt-get install python3-torch, then run it with
/usr/bin/python3).
"""
import argparse
import json
import math
import os
import re
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as missing:  # checked again in main() so that --help works without it
    torch = nn = F = None
    IMPORT_ERROR = missing
else:
    IMPORT_ERROR = None

TOOL = "torch_train.py"
MODELS = "wrn-<depth>-<width> (e.g. wrn-28-2, wrn-28-10, wrn-36-2, wrn-20-1)"


class UsageError(Exception):
    """Bad input: reported on stderr with exit code 2."""


# ----------------------------------------------------------------------------------------------- network

def stages_for(size):
    """Stages for an input size: 2 for 16 px (and below), 3 for 32 px, 4 for 64 px and above (as lowres)."""
    return 2 if size <= 16 else 3 if size <= 32 else 4


def _module_base():
    return nn.Module if nn is not None else object


class PreActBlock(_module_base()):
    """[BN, ReLU] conv3x3(stride, no bias) BN ReLU conv3x3(bias) + shortcut(x)."""

    def __init__(self, in_channels, out_channels, stride, first_of_network, inner=None):
        super().__init__()
        inner = out_channels if inner is None else inner  # a channel-pruned block's conv1 keeps `inner` filters
        self.pre = None if first_of_network else nn.Sequential(nn.BatchNorm2d(in_channels, eps=1e-4, momentum=0.1),
                                                              nn.ReLU(inplace=True))
        self.conv1 = nn.Conv2d(in_channels, inner, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(inner, eps=1e-4, momentum=0.1)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(inner, out_channels, 3, stride=1, padding=1, bias=True)
        if first_of_network or in_channels != out_channels or stride != 1:
            # the script's first block always projects; projections keep Lasagne's GlorotUniform
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=stride, padding=0, bias=False)
            self.shortcut.glorot = True
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        # the shortcut takes the block's raw input; the in-place ReLU of `pre` writes into a new tensor (BN's
        # output), so x is intact
        h = x if self.pre is None else self.pre(x)
        h = self.conv2(self.relu(self.bn(self.conv1(h))))
        return h + self.shortcut(x)


class WideResNet(_module_base()):
    """lowres's WRN-depth-width (WideResNet.java)."""

    def __init__(self, depth, width, channels=3, size=32, classes=1000, inner=None):
        super().__init__()
        stages = stages_for(size)
        per_block = 2 * stages
        if depth < per_block + 4 or (depth - 4) % per_block != 0:
            raise UsageError("WRN depth at %d px (%d stages) must be %dn + 4 (%d, %d, %d, ...): %d; the paper uses "
                             "WRN-20-k at 16 px, WRN-28-k at 32 px, WRN-36-k at 64 px"
                             % (size, stages, per_block, per_block + 4, 2 * per_block + 4, 4 * per_block + 4, depth))
        if width < 1:
            raise UsageError("WRN width must be at least 1: %d" % width)
        n = (depth - 4) // per_block
        if inner is not None and len(inner) != stages * n:
            raise UsageError("wrn-%d-%d has %d blocks: %d inner widths given" % (depth, width, stages * n, len(inner)))
        self.name = "wrn-%d-%d" % (depth, width) + ("" if inner is None else "@" + ",".join(map(str, inner)))
        self.stem = nn.Sequential(nn.Conv2d(channels, 16, 3, stride=1, padding=1, bias=False),
                                  nn.BatchNorm2d(16, eps=1e-4, momentum=0.1), nn.ReLU(inplace=True))
        blocks, in_channels = [], 16
        for stage in range(stages):
            filters = (16 * width) << stage
            for b in range(n):
                stride = 2 if stage > 0 and b == 0 else 1
                blocks.append(PreActBlock(in_channels, filters, stride, stage == 0 and b == 0,
                                          None if inner is None else inner[len(blocks)]))
                in_channels = filters
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.BatchNorm2d(in_channels, eps=1e-4, momentum=0.1), nn.ReLU(inplace=True),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(in_channels, classes)
        self.reset_parameters()

    def reset_parameters(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d) and getattr(m, "glorot", False):
                nn.init.xavier_uniform_(m.weight)
            elif isinstance(m, nn.Conv2d):
                fan_in = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
                nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, math.sqrt(1.0 / m.in_features))
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.fc(self.head(self.blocks(self.stem(x))))


def create(name, channels=3, size=32, classes=1000):
    """The network called `name` (only lowres's WRN family here); UsageError for anything else."""
    key = (name or "").strip().lower()
    m = re.fullmatch(r"wrn-(\d+)-(\d+)(?:@(\d+(?:,\d+)*))?", key)
    if m is None:
        raise UsageError("unknown model '%s'; this PyTorch side knows only %s" % (name, MODELS))
    inner = None if m.group(3) is None else [int(c) for c in m.group(3).split(",")]
    return WideResNet(int(m.group(1)), int(m.group(2)), channels, size, classes, inner)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ----------------------------------------------------------------------------------------------- timing

def default_threads():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def benchmark(model_name, size=32, batch=128, classes=1000, threads=None, steps=30, warmup=5, repeats=3,
              channels_last=False, seed=0, mkldnn=True, bf16=False, world=1):
    """Times training steps; returns the result dict (see the top of this file). As one rank of a
    DistributedDataParallel group of `world` (already initialised), on batch / world images, the figure the
    global batch's."""
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    torch.manual_seed(seed)
    model = create(model_name, 3, size, classes)
    parameters = count_parameters(model)
    model.train()
    x = torch.randn(batch // world, 3, size, size)
    y = torch.randint(0, classes, (batch // world,))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    name = model.name
    if world > 1:
        model = torch.nn.parallel.DistributedDataParallel(model)

    def step(phases=None):
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        t1 = time.perf_counter()
        if bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = F.cross_entropy(model(x), y)
        else:
            loss = F.cross_entropy(model(x), y)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        optimizer.step()
        t4 = time.perf_counter()
        if phases is not None:
            phases[0] += t2 - t1
            phases[1] += t3 - t2
            phases[2] += (t1 - t0) + (t4 - t3)
        return loss

    loss = None
    for _ in range(warmup):
        loss = step()
    runs, best, best_phases, best_cpu = [], None, None, None
    for _ in range(repeats):
        phases = [0.0, 0.0, 0.0]
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = step(phases)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
        runs.append(seconds)
        if best is None or seconds < best:
            best, best_phases, best_cpu = seconds, phases, cpu
    last_loss = float(loss.detach()) if loss is not None else None
    return {"tool": "pytorch-train", "torch_version": torch.__version__, "model": name, "nproc": world,
            "parameters": parameters, "size": size, "batch_size": batch, "threads": torch.get_num_threads(),
            "steps": steps, "seconds": round(best, 4), "images_per_second": round(steps * batch / best, 2),
            "ms_per_step": round(1000.0 * best / steps, 2), "classes": classes, "channels_last": channels_last,
            "precision": "bf16" if bf16 else "fp32",
            "mkldnn": bool(torch.backends.mkldnn.is_available()),
            "mkldnn_enabled": bool(torch.backends.mkldnn.enabled), "interop_threads": torch.get_num_interop_threads(),
            "cpu_seconds": round(best_cpu, 4), "warmup_steps": warmup, "repeat_seconds": [round(s, 4) for s in runs],
            "repeat_images_per_second": [round(steps * batch / s, 2) for s in runs],
            "phase_ms_per_step": {k: round(1000.0 * v / steps, 2)
                                  for k, v in zip(("forward", "backward", "optimizer"), best_phases)},
            "loss": last_loss}


# ----------------------------------------------------------------------------------------------- inference

def _median_ms(fn, x, warmup=10, calls=101):
    """Median wall time of one call, in ms, after `warmup` calls (what lowres eval's efficiency section does)."""
    for _ in range(warmup):
        fn(x)
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t0)
    times.sort()
    return 1000.0 * times[calls // 2]


def _rate(fn, x, seconds=2.0):
    """Images per second of back-to-back calls on batch x, for at least `seconds` and 3 calls."""
    fn(x)
    n, t0 = 0, time.perf_counter()
    while n < 3 or time.perf_counter() - t0 < seconds:
        fn(x)
        n += 1
    return n * x.shape[0] / (time.perf_counter() - t0)


def inference(model_name, channels=3, size=32, classes=1000, batch=128, threads=1, int8=False, seed=0):
    """The forward pass as a PyTorch user would deploy it, in each form they would try; see --infer."""
    import copy
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = create(model_name, channels, size, classes).eval()
    one = torch.randn(1, channels, size, size)
    many = torch.randn(batch, channels, size, size)
    forms = []  # (name, module, memory format)
    engine = None
    with torch.no_grad():
        if int8:
            from torch.ao.quantization import get_default_qconfig_mapping
            from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
            engine = next(e for e in ("x86", "fbgemm", "onednn", "qnnpack")
                          if e in torch.backends.quantized.supported_engines)
            torch.backends.quantized.engine = engine
            prepared = prepare_fx(copy.deepcopy(model), get_default_qconfig_mapping(engine), (one,))
            for _ in range(8):  # calibration on random images: the kernels' speed does not depend on the values
                prepared(torch.randn(32, channels, size, size))
            q = convert_fx(prepared)
            forms.append(("int8 FX eager (%s)" % engine, q, torch.contiguous_format))
            forms.append(("int8 FX TorchScript frozen (%s)" % engine, torch.jit.freeze(torch.jit.trace(q, one)),
                          torch.contiguous_format))
        else:
            forms.append(("fp32 eager", model, torch.contiguous_format))
            cl = copy.deepcopy(model).to(memory_format=torch.channels_last)
            forms.append(("fp32 eager channels-last", cl, torch.channels_last))
            forms.append(("fp32 TorchScript optimize_for_inference",
                          torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, one))),
                          torch.contiguous_format))
        results = []
        for name, module, fmt in forms:
            x1 = one.contiguous(memory_format=fmt)
            xb = many.contiguous(memory_format=fmt)
            results.append({"form": name, "latency_ms_batch1": round(_median_ms(module, x1), 3),
                            "images_per_second": round(_rate(module, xb), 1)})
    fastest = min(results, key=lambda r: r["latency_ms_batch1"])
    widest = max(results, key=lambda r: r["images_per_second"])
    return {"tool": "pytorch-infer", "torch_version": torch.__version__, "model": model.name,
            "parameters": count_parameters(model), "channels": channels, "size": size, "classes": classes,
            "batch_size": batch, "threads": torch.get_num_threads(), "int8": int8, "quantized_engine": engine,
            "forms": results, "latency_ms_batch1": fastest["latency_ms_batch1"], "latency_form": fastest["form"],
            "images_per_second": widest["images_per_second"], "throughput_form": widest["form"]}


def _rank(rank, a, threads, store, out):
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    torch.distributed.init_process_group("gloo", init_method="file://" + store, rank=rank, world_size=a.nproc)
    result = benchmark(a.model, a.size, a.batch, a.classes, threads, a.steps, a.warmup, a.repeats,
                       a.channels_last, a.seed, not a.no_mkldnn, a.bf16, a.nproc)
    torch.distributed.destroy_process_group()
    if rank == 0:
        with open(out, "w") as f:
            json.dump(result, f)


def distributed(a, threads):
    """The benchmark as a.nproc spawned DDP ranks (Gloo, a file rendezvous, 127.0.0.1); rank 0's result."""
    import tempfile
    import torch.multiprocessing as mp
    tmp = tempfile.mkdtemp(prefix="torch-train-ddp-")
    out = os.path.join(tmp, "result.json")
    mp.spawn(_rank, args=(a, threads, os.path.join(tmp, "store"), out), nprocs=a.nproc, join=True)
    with open(out) as f:
        return json.load(f)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="The network, the step and the output: see the top of this file.")
    p.add_argument("--model", default="wrn-28-2", help="network: %s (default wrn-28-2)" % MODELS)
    p.add_argument("--size", type=int, default=32, help="input height and width in px (default 32)")
    p.add_argument("--batch", "--batch-size", dest="batch", type=int, default=128, help="batch size (default 128)")
    p.add_argument("--classes", type=int, default=1000, help="output classes (default 1000)")
    p.add_argument("--threads", type=int, default=None,
                   help="torch.set_num_threads (default: the cores this process may use)")
    p.add_argument("--steps", type=int, default=30, help="timed steps per repeat (default 30)")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first (default 5)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs, the best is reported (default 3)")
    p.add_argument("--channels-last", action="store_true", help="model and input in channels-last memory format")
    p.add_argument("--bf16", action="store_true",
                   help="forward and loss under torch.autocast('cpu', dtype=torch.bfloat16), fp32 master weights")
    p.add_argument("--no-mkldnn", action="store_true",
                   help="torch.backends.mkldnn.enabled = False: convolutions without oneDNN (to see what it brings)")
    p.add_argument("--seed", type=int, default=0, help="torch seed for the weights and the batch (default 0)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    p.add_argument("--infer", action="store_true",
                   help="time the forward pass instead (the PyTorch side of `lowres bench latency`): the model in "
                        "eval mode under no_grad, median ms of 101 calls at batch 1 after 10, images/s at --batch "
                        "for >= 2 s, in each form a user would deploy (fp32 eager, eager channels-last, traced + "
                        "frozen + optimize_for_inference; with --int8 FX post-training quantization on the best "
                        "quantized engine, eager and traced + frozen); the fastest form is reported")
    p.add_argument("--int8", action="store_true", help="with --infer: FX int8 post-training quantization")
    p.add_argument("--channels", type=int, default=3, help="input channels (default 3)")
    p.add_argument("--nproc", type=int, default=1,
                   help="DistributedDataParallel over Gloo in N processes on this machine, each with --threads "
                        "threads and batch / N images (default 1)")
    a = p.parse_args()

    if IMPORT_ERROR is not None:
        print("%s needs torch in this Python (%s): %s\n"
              "Debian: apt-get install python3-torch, then run it with /usr/bin/python3."
              % (TOOL, sys.executable, IMPORT_ERROR), file=sys.stderr)
        sys.exit(2)
    threads = a.threads if a.threads is not None else default_threads()
    try:
        if a.size <= 0 or a.batch <= 0 or a.classes <= 0 or a.steps <= 0 or a.repeats <= 0 or a.warmup < 0:
            raise UsageError("--size, --batch, --classes, --steps and --repeats must be positive, --warmup not negative")
        if threads <= 0:
            raise UsageError("--threads must be positive: %d" % threads)
        create(a.model, a.channels, a.size, a.classes)  # fails fast on a bad name or depth, before threads start
    except UsageError as e:
        print("%s: %s" % (TOOL, e), file=sys.stderr)
        sys.exit(2)
    try:
        torch.set_num_interop_threads(1)  # must come before any inter-op parallel work
    except RuntimeError:
        pass
    if a.nproc < 1 or a.batch % a.nproc != 0:
        print("%s: --nproc must be at least 1 and divide --batch" % TOOL, file=sys.stderr)
        sys.exit(2)
    if a.infer:
        result = inference(a.model, a.channels, a.size, a.classes, a.batch, threads, a.int8, a.seed)
        print(json.dumps(result) if a.json else "\n".join(
            "%s: %s, %d threads: %.3f ms at batch 1, %.1f images/s at batch %d" % (
                TOOL, f["form"], result["threads"], f["latency_ms_batch1"], f["images_per_second"], a.batch)
            for f in result["forms"]))
        return
    if a.nproc > 1:
        result = distributed(a, threads)
    else:
        result = benchmark(a.model, a.size, a.batch, a.classes, threads, a.steps, a.warmup, a.repeats,
                           a.channels_last, a.seed, not a.no_mkldnn, a.bf16)
    if result["loss"] is None or not math.isfinite(result["loss"]):
        print("%s: the loss is %s after %d steps" % (TOOL, result["loss"], a.warmup + a.repeats * a.steps),
              file=sys.stderr)
        sys.exit(1)
    if a.json:
        print(json.dumps(result))
    else:
        ph = result["phase_ms_per_step"]
        print("pytorch-train (torch %s, MKLDNN %s%s): %s at %d px, %d classes, %s parameters, batch %d, %d threads%s\n"
              "  best of %d x %d steps %.3f s: %.1f images/s, %.1f ms/step (forward %.1f, backward %.1f, "
              "optimizer %.1f ms)"
              % (result["torch_version"], "available" if result["mkldnn"] else "not available",
                 "" if result["mkldnn_enabled"] else ", disabled", result["model"],
                 a.size, a.classes, "{:,}".format(result["parameters"]), a.batch, result["threads"],
                 (", channels-last" if a.channels_last else "") + (", bf16 autocast" if a.bf16 else ""), a.repeats, a.steps, result["seconds"],
                 result["images_per_second"], result["ms_per_step"], ph["forward"], ph["backward"], ph["optimizer"]))


if __name__ == "__main__":
    main()
