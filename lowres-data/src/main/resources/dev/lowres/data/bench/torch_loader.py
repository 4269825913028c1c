#!/usr/bin/env python3
"""The PyTorch side of `lowres bench load`: a torch DataLoader with torchvision transforms, timed.

It loads a lowres dataset directory the way a user of the published files would: every shard opened with
np.load(path, mmap_mode='r') and concatenated logically by a map-style Dataset whose __getitem__ turns an
index into (shard, row) and returns (uint8 CHW tensor after the sample transforms, label). A
DataLoader(shuffle=True, num_workers=N, pin_memory=False, drop_last=False, persistent_workers=True) with
torch.set_num_threads(1) in each worker collates the batches; the consumer only touches each batch
(x.shape), so the figure is what the loader alone delivers.

Transforms are torchvision's classic ones applied to uint8 tensors (the installed torchvision has no
transforms.v2 when it is older than 0.15; Debian 12 ships 0.14), per sample, in the Dataset; then
ConvertImageDtype(float32) and Normalize(mean/255, std/255) with the manifest's train mean/std (pixel
units), so a batch is the normalised float NCHW batch lowres produces. By default (--normalize batch)
those two run once per batch in the workers' collate_fn, which is the faster of the two ways on small
images; --normalize sample puts them in the per-sample Compose, as most tutorials do.

Augmentation specs, as lowres writes them (operations separated by ',' or '+', arguments positional or
named), mapped to torchvision:
  none                               nothing
  paper                              = pad-crop(4), flip
  pad-crop(pad=4, fill=mean|black)   RandomCrop((H, W), padding=pad, fill=...): black is 0; mean is the
                                     mean of the channel means rounded (tensor padding takes one value)
  flip(p=0.5)                        RandomHorizontalFlip(p)
  random-resized-crop(scale_min=0.08, scale_max=1, ratio_min=0.75, ratio_max=1.3333)
                                     RandomResizedCrop((H, W), scale, ratio) (bilinear)
  randaugment(n=2, m=9)              RandAugment(num_ops=n, magnitude=m)
  cutout(size=H/4)                   RandomErasing(p=1, scale=(size^2/HW,)*2, ratio=(1, 1), value=0) after
                                     Normalize (torchvision has no Cutout; 0 after Normalize is the mean)
  random-erasing(p=0.5, scale_min=0.02, scale_max=0.33, ratio_min=0.3, ratio_max=3.3)
                                     RandomErasing(p, scale, ratio, value=0) after Normalize
  mixup(alpha=0.2), cutmix(alpha=1)  per batch, in the workers' collate_fn, as torchvision's classification
                                     reference (references/classification/transforms.py RandomMixup,
                                     RandomCutmix; p=1), with one-hot soft targets; last in the spec
Anything else (e.g. gridmask, which torchvision lacks) is an error (exit 2).

With --json, stdout is exactly one JSON object:
  {"tool": "pytorch-dataloader", "torch_version": ..., "torchvision_version": ..., "images": N,
   "batch_size": B, "workers": W, "augment": SPEC, "transforms": repr, "seconds": best epoch,
   "images_per_second": N/seconds, "epoch_seconds": [...], "split": ..., "height": H, "width": W,
   "normalize": "batch"|"sample", "in_memory": bool, "shuffle": bool}
Exit codes: 0 success, 2 bad usage or input (torch/torchvision missing, no manifest, no such split, bad
spec). Needs numpy, torch and torchvision (Debian: apt-get install python3-torch python3-torchvision).
"""
import argparse
import bisect
import json
import math
import os
import sys
import time

try:
    import numpy as np
    import torch
    import torchvision
    import torchvision.transforms as T
    from torch.utils.data import DataLoader, Dataset
    from torch.utils.data.dataloader import default_collate
except ImportError as missing:  # checked again in main() so that --help works without them
    np = torch = torchvision = T = None
    Dataset = object
    IMPORT_ERROR = missing
else:
    IMPORT_ERROR = None

TOOL = "torch_loader.py"


class UsageError(Exception):
    """Bad input: reported on stderr with exit code 2."""


# ----------------------------------------------------------------------------------------------- dataset

def read_manifest(data):
    path = os.path.join(data, "manifest.json")
    if not os.path.isdir(data):
        raise UsageError("dataset directory not found: %s" % data)
    if not os.path.isfile(path):
        raise UsageError("%s has no manifest.json: not a lowres dataset, or an unfinished build" % data)
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise UsageError("cannot read %s: %s" % (path, e))
    if not isinstance(manifest, dict) or not str(manifest.get("format", "")).startswith("lowres-dataset/"):
        raise UsageError("%s is not a lowres dataset manifest (format %r)" % (
            path, manifest.get("format") if isinstance(manifest, dict) else None))
    return manifest


def split_of(manifest, data, split):
    splits = manifest.get("splits") or {}
    if split not in splits:
        raise UsageError("%s has no split '%s'; its splits: %s" % (data, split, ", ".join(sorted(splits)) or "none"))
    return splits[split]


def channel_stats(manifest, data, split):
    """The train split's per-channel mean and std in pixel units (the split's own when there is no train)."""
    splits = manifest.get("splits") or {}
    for name in ("train", split):
        s = splits.get(name) or {}
        if s.get("mean") is not None and s.get("std") is not None:
            return [float(v) for v in s["mean"]], [float(v) for v in s["std"]]
    raise UsageError("%s: the manifest has no mean/std for split 'train' or '%s'" % (data, split))


class ShardedNpyDataset(Dataset):
    """The shards of one split, memory-mapped (or read into memory) and concatenated logically."""

    def __init__(self, data, split_entry, transform=None, in_memory=False):
        self.images, self.labels, self.starts = [], [], []
        total = 0
        for shard in split_entry.get("shards") or []:
            img_path = os.path.join(data, shard["images"])
            lab_path = os.path.join(data, shard["labels"])
            for p in (img_path, lab_path):
                if not os.path.isfile(p):
                    raise UsageError("shard file missing: %s" % p)
            images = np.load(img_path, mmap_mode=None if in_memory else "r")
            labels = np.load(lab_path)  # small: int16 per record
            if images.dtype != np.uint8 or images.ndim != 4 or len(labels) != len(images):
                raise UsageError("%s: expected uint8 (count, C, H, W) with as many labels, got %s %s and %d labels"
                                 % (img_path, images.dtype, images.shape, len(labels)))
            if len(images) == 0:
                continue
            self.starts.append(total)
            self.images.append(images)
            self.labels.append(labels)
            total += len(images)
        if total == 0:
            raise UsageError("the split has no records")
        self.length = total
        self.transform = transform

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        k = bisect.bisect_right(self.starts, index) - 1
        row = index - self.starts[k]
        image = torch.from_numpy(np.array(self.images[k][row]))  # copies the row out of the page cache
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.labels[k][row])


# ----------------------------------------------------------------------------------------------- spec

def parse_spec(spec):
    """Splits a lowres spec into [(name, positional args, named args)], as lowres's OpCall.parse does."""
    text = (spec or "").strip()
    if not text or text.lower() == "none":
        return []
    calls, i, n = [], 0, len(text)
    while i < n:
        start = i
        while i < n and text[i] not in "(,+":
            i += 1
        name = text[start:i].strip().lower()
        if not name:
            raise UsageError("bad augmentation spec '%s': empty operation at position %d" % (spec, start))
        positional, named = [], {}
        if i < n and text[i] == "(":
            close = text.find(")", i)
            if close < 0:
                raise UsageError("bad augmentation spec '%s': %s: missing ')'" % (spec, name))
            args = text[i + 1:close].strip()
            for arg in args.split(",") if args else []:
                a = arg.strip()
                if "=" in a:
                    key, value = a.split("=", 1)
                    named[key.strip().lower()] = value.strip()
                elif named:
                    raise UsageError("bad augmentation spec '%s': %s: an unnamed argument after a named one"
                                     % (spec, name))
                else:
                    positional.append(a)
            i = close + 1
            while i < n and text[i].isspace():
                i += 1
        calls.append((name, positional, named))
        if i < n:
            if text[i] not in ",+":
                raise UsageError("bad augmentation spec '%s': expected ',' or '+' after %s at position %d"
                                 % (spec, name, i))
            i += 1
            if i >= n:
                raise UsageError("bad augmentation spec '%s': ends with '%s'" % (spec, text[i - 1]))
    return calls


ALIASES = {"paper": "pad-crop(4), flip"}


class Args:
    """Typed access to one call's arguments: positional ones fill the parameters in the order asked."""

    def __init__(self, spec, name, positional, named):
        self.spec, self.name, self.positional, self.named = spec, name, list(positional), dict(named)
        self.used, self.asked = 0, []

    def _take(self, key):
        self.asked.append(key)
        if key in self.named:
            return self.named[key]
        if self.used < len(self.positional):
            self.used += 1
            return self.positional[self.used - 1]
        return None

    def error(self, message):
        return UsageError("bad augmentation spec '%s': %s %s" % (self.spec, self.name, message))

    def number(self, key, default, lo, hi):
        text = self._take(key)
        if text is None:
            return default
        try:
            v = float(text)
        except ValueError:
            raise self.error("%s must be a number, not '%s'" % (key, text))
        if not lo <= v <= hi:
            raise self.error("%s must be between %g and %g, not %s" % (key, lo, hi, text))
        return v

    def integer(self, key, default, lo, hi):
        v = self.number(key, default, lo, hi)
        if v != int(v):
            raise self.error("%s must be a whole number, not %g" % (key, v))
        return int(v)

    def choice(self, key, *choices):
        text = self._take(key)
        if text is None:
            return choices[0]
        if text.lower() not in choices:
            raise self.error("%s must be one of %s, not '%s'" % (key, ", ".join(choices), text))
        return text.lower()

    def done(self):
        if self.used < len(self.positional):
            raise self.error("takes at most %d unnamed arguments (%s), got %d"
                             % (self.used, ", ".join(self.asked), len(self.positional)))
        for key in self.named:
            if key not in self.asked:
                raise self.error("has no parameter '%s'; its parameters: %s" % (key, ", ".join(self.asked)))


class MixupCutmixCollate:
    """default_collate, then Mixup or CutMix on the batch with one-hot targets (torchvision's classification
    reference, references/classification/transforms.py, with p=1), then the batch normalisation, if any."""

    def __init__(self, num_classes, batch_ops, normalize):
        self.num_classes, self.batch_ops, self.normalize = num_classes, batch_ops, normalize

    def __call__(self, samples):
        x, y = default_collate(samples)
        if self.normalize is not None:
            x = self.normalize(x)
        if self.batch_ops:
            y = torch.nn.functional.one_hot(y, num_classes=self.num_classes).to(dtype=x.dtype)
            for kind, alpha in self.batch_ops:
                x, y = mix(kind, alpha, x, y)
        return x, y

    def __repr__(self):
        parts = ["default_collate"]
        if self.normalize is not None:
            parts.append(one_line(self.normalize))
        parts += ["%s(alpha=%g)" % kv for kv in self.batch_ops]
        return "collate_fn(%s)" % " -> ".join(parts)


def mix(kind, alpha, x, y):
    """One RandomMixup / RandomCutmix step of torchvision's reference: pair each sample with the batch rolled by 1."""
    x_rolled, y_rolled = x.roll(1, 0), y.roll(1, 0)
    lam = float(torch._sample_dirichlet(torch.tensor([alpha, alpha]))[0])
    if kind == "mixup":
        x = x.mul(lam).add_(x_rolled, alpha=1.0 - lam)
    else:
        h, w = x.shape[-2:]
        r_x, r_y = int(torch.randint(w, (1,))), int(torch.randint(h, (1,)))
        r = 0.5 * math.sqrt(1.0 - lam)
        r_w_half, r_h_half = int(r * w), int(r * h)
        x1, y1 = max(r_x - r_w_half, 0), max(r_y - r_h_half, 0)
        x2, y2 = min(r_x + r_w_half, w), min(r_y + r_h_half, h)
        x = x.clone()
        x[:, :, y1:y2, x1:x2] = x_rolled[:, :, y1:y2, x1:x2]
        lam = 1.0 - float((x2 - x1) * (y2 - y1)) / (w * h)
    y = y.mul(lam).add_(y_rolled, alpha=1.0 - lam)
    return x, y


def contiguous(t):
    """A contiguous copy of a tensor view (a module-level function, so worker processes can pickle it)."""
    return t.contiguous()


def build_pipeline(spec, height, width, mean, std, num_classes, normalize="batch"):
    """The torchvision pipeline for a lowres spec: (per-sample transform, collate_fn or None)."""
    calls = []
    for name, pos, named in parse_spec(spec):
        if name in ALIASES:
            if pos or named:
                raise UsageError("bad augmentation spec '%s': %s takes no arguments" % (spec, name))
            calls.extend(parse_spec(ALIASES[name]))
        else:
            calls.append((name, pos, named))
    uint8_ops, float_ops, batch_ops = [], [], []
    for name, pos, named in calls:
        a = Args(spec, name, pos, named)
        if batch_ops and name not in ("mixup", "cutmix"):
            raise a.error("comes after a batch-level operation; put Mixup and CutMix last")
        if name == "pad-crop":
            pad = a.integer("pad", 4, 0, max(height, width))
            fill = a.choice("fill", "mean", "black")
            fill_value = int(round(sum(mean) / len(mean))) if fill == "mean" else 0
            uint8_ops.append(T.RandomCrop((height, width), padding=pad, fill=fill_value))
        elif name == "flip":
            uint8_ops.append(T.RandomHorizontalFlip(p=a.number("p", 0.5, 0, 1)))
        elif name == "random-resized-crop":
            s0, s1 = a.number("scale_min", 0.08, 0, 1), a.number("scale_max", 1.0, 0, 1)
            r0, r1 = a.number("ratio_min", 3 / 4, 0, 100), a.number("ratio_max", 4 / 3, 0, 100)
            if s0 > s1 or r0 > r1 or s1 <= 0 or r0 <= 0:
                raise a.error("needs 0 < scale_min <= scale_max <= 1 and 0 < ratio_min <= ratio_max")
            uint8_ops.append(T.RandomResizedCrop((height, width), scale=(s0, s1), ratio=(r0, r1)))
        elif name == "randaugment":
            if uint8_ops:
                # torchvision 0.14's equalize fails on the non-contiguous views flips and crops return
                uint8_ops.append(T.Lambda(contiguous))
            uint8_ops.append(T.RandAugment(num_ops=a.integer("n", 2, 0, 100), magnitude=a.integer("m", 9, 0, 30)))
        elif name == "cutout":
            size = a.integer("size", max(1, height // 2), 1, max(height, width))
            a.number("p", 1.0, 0, 1)
            area = min(1.0, size * size / float(height * width))
            float_ops.append(T.RandomErasing(p=1.0, scale=(area, area), ratio=(1.0, 1.0), value=0))
        elif name == "random-erasing":
            p = a.number("p", 0.5, 0, 1)
            s0, s1 = a.number("scale_min", 0.02, 0, 1), a.number("scale_max", 0.33, 0, 1)
            r0, r1 = a.number("ratio_min", 0.3, 0, 100), a.number("ratio_max", 3.3, 0, 100)
            if s0 > s1 or r0 > r1 or r0 <= 0:
                raise a.error("needs scale_min <= scale_max and 0 < ratio_min <= ratio_max")
            value = a.choice("value", "random", "zero", "mean")
            float_ops.append(T.RandomErasing(p=p, scale=(s0, s1), ratio=(r0, r1),
                                             value="random" if value == "random" else 0))
        elif name in ("mixup", "cutmix"):
            batch_ops.append((name, a.number("alpha", 0.2 if name == "mixup" else 1.0, 1e-6, 1e6)))
        else:
            known = ["none"] + sorted(ALIASES) + ["pad-crop", "flip", "random-resized-crop", "randaugment", "cutout",
                                                  "random-erasing", "mixup", "cutmix"]
            why = " (torchvision has no equivalent)" if name == "gridmask" else ""
            raise UsageError("bad augmentation spec '%s': operation '%s' is not mapped to torchvision%s; mapped: %s"
                             % (spec, name, why, ", ".join(known)))
        a.done()
    norm = T.Compose([T.ConvertImageDtype(torch.float32),
                      T.Normalize([m / 255.0 for m in mean], [s / 255.0 for s in std])])
    if float_ops and normalize == "batch":
        normalize = "sample"  # RandomErasing works per sample, after Normalize
    if normalize == "sample":
        sample = T.Compose(uint8_ops + list(norm.transforms) + float_ops)
        collate = MixupCutmixCollate(num_classes, batch_ops, None) if batch_ops else None
    else:
        sample = T.Compose(uint8_ops) if uint8_ops else None
        collate = MixupCutmixCollate(num_classes, batch_ops, norm)
    return sample, collate, normalize


def one_line(transform):
    """A transform's repr on one line; a Compose as Compose([a, b, ...])."""
    if isinstance(transform, T.Compose):
        return "Compose([%s])" % ", ".join(one_line(t) for t in transform.transforms)
    text = " ".join(repr(transform).split())
    if isinstance(transform, T.RandomCrop) and transform.fill and "fill=" not in text:
        text = text[:-1] + ", fill=%s)" % (transform.fill,)  # torchvision 0.14's repr leaves it out
    return text


def describe(sample, collate):
    parts = []
    if sample is not None:
        parts.append("per sample: " + one_line(sample))
    if collate is not None:
        parts.append("per batch: " + one_line(collate))
    return "; ".join(parts) if parts else "none"


# ----------------------------------------------------------------------------------------------- loader

def worker_init(_):
    torch.set_num_threads(1)


def make_loader(data, split="train", augment="none", batch_size=128, workers=None, shuffle=True, in_memory=False,
                normalize="batch", seed=0):
    """(DataLoader, dataset, description of the pipeline, normalisation actually used, (H, W))."""
    manifest = read_manifest(data)
    entry = split_of(manifest, data, split)
    mean, std = channel_stats(manifest, data, split)
    image = manifest.get("image") or {}
    height, width = int(image.get("height", 0)), int(image.get("width", 0))
    num_classes = len(manifest.get("classes") or []) or None
    sample, collate, normalize = build_pipeline(augment, height, width, mean, std, num_classes, normalize)
    dataset = ShardedNpyDataset(data, entry, sample, in_memory)
    first = dataset.images[0]
    if first.shape[1:] != (len(mean), height, width):
        raise UsageError("%s: shards hold %s images, the manifest says %dx%d with %d channels"
                         % (data, "x".join(map(str, first.shape[1:])), height, width, len(mean)))
    if workers is None:
        workers = os.cpu_count() or 1
    generator = torch.Generator()
    generator.manual_seed(seed)
    torch.manual_seed(seed)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, num_workers=workers, pin_memory=False,
                        drop_last=False, persistent_workers=workers > 0, collate_fn=collate,
                        worker_init_fn=worker_init if workers > 0 else None, generator=generator)
    return loader, dataset, describe(sample, collate), normalize, (height, width)


def run_epoch(loader, limit=None):
    """Iterates the loader (at most `limit` batches), touching each batch; returns (records, seconds)."""
    records = 0
    t0 = time.perf_counter()
    for i, (x, _y) in enumerate(loader):
        records += x.shape[0]  # the consumer: touch the batch
        if limit is not None and i + 1 >= limit:
            break
    return records, time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Augmentation specs and output: see the top of this file.")
    p.add_argument("--data", required=True, help="a lowres dataset directory (with manifest.json)")
    p.add_argument("--split", default="train", help="split to load (default train)")
    p.add_argument("--augment", default="none", help="augmentation spec, as lowres's (default none)")
    p.add_argument("--threads", "--workers", dest="threads", type=int, default=None,
                   help="DataLoader workers (default: the number of cores; 0 loads in this process)")
    p.add_argument("--batch-size", type=int, default=128, help="batch size (default 128)")
    p.add_argument("--epochs", type=int, default=2, help="timed epochs, the best is reported (default 2)")
    p.add_argument("--warmup-batches", type=int, default=None,
                   help="batches before timing (default: 10%% of an epoch, at least 1)")
    p.add_argument("--normalize", choices=("batch", "sample"), default="batch",
                   help="ConvertImageDtype + Normalize once per batch in the workers' collate_fn (default, "
                        "faster) or per sample in the Compose")
    p.add_argument("--in-memory", action="store_true", help="read the shards into memory instead of mmap")
    p.add_argument("--no-shuffle", action="store_true", help="sequential order (for checking batches)")
    p.add_argument("--seed", type=int, default=0, help="torch seed for the order and augmentations (default 0)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    a = p.parse_args()

    if IMPORT_ERROR is not None:
        print("%s needs numpy, torch and torchvision in this Python (%s): %s\n"
              "Debian: apt-get install python3-torch python3-torchvision, then run it with /usr/bin/python3."
              % (TOOL, sys.executable, IMPORT_ERROR), file=sys.stderr)
        sys.exit(2)
    try:
        if a.batch_size <= 0 or a.epochs <= 0 or (a.threads is not None and a.threads < 0):
            raise UsageError("--batch-size and --epochs must be positive and --threads not negative")
        loader, dataset, transforms, normalize, (h, w) = make_loader(
            a.data, a.split, a.augment, a.batch_size, a.threads, not a.no_shuffle, a.in_memory, a.normalize, a.seed)
    except UsageError as e:
        print("%s: %s" % (TOOL, e), file=sys.stderr)
        sys.exit(2)

    per_epoch = len(loader)
    warmup = a.warmup_batches if a.warmup_batches is not None else max(1, math.ceil(per_epoch / 10))
    if warmup > 0:
        run_epoch(loader, min(warmup, per_epoch))  # starts the workers, fills the page cache
    epochs = []
    images = len(dataset)
    for _ in range(a.epochs):
        n, seconds = run_epoch(loader)
        if n != images:
            print("%s: an epoch gave %d records, expected %d" % (TOOL, n, images), file=sys.stderr)
            sys.exit(1)
        epochs.append(seconds)
    best = min(epochs)
    result = {"tool": "pytorch-dataloader", "torch_version": torch.__version__,
              "torchvision_version": torchvision.__version__, "images": images, "batch_size": a.batch_size,
              "workers": loader.num_workers, "augment": a.augment, "transforms": transforms,
              "seconds": round(best, 4), "images_per_second": round(images / best, 2) if best > 0 else None,
              "epoch_seconds": [round(s, 4) for s in epochs], "split": a.split, "height": h, "width": w,
              "normalize": normalize, "in_memory": a.in_memory, "shuffle": not a.no_shuffle}
    if a.json:
        print(json.dumps(result))
    else:
        print("pytorch-dataloader (torch %s, torchvision %s): %d %dx%d images, batch %d, %d workers, augment '%s'\n"
              "  %s\n  best of %d epochs %.3f s: %.1f images/s"
              % (torch.__version__, torchvision.__version__, images, h, w, a.batch_size, loader.num_workers,
                 a.augment, transforms, len(epochs), best, result["images_per_second"] or 0))


if __name__ == "__main__":
    main()
