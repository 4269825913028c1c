#!/usr/bin/env python3
"""Checks that the PyTorch loader of `lowres bench load` (torch_loader.py) gives what lowres gives.

  /usr/bin/python3 bench/check_torch_loader.py --data /tmp/torch-ds

1. --augment none, no shuffle, 1 worker, normalised per batch and per sample: every batch equals the records in file order, normalised with
   numpy as lowres does ((v - mean[c]) / std[c], the manifest's train statistics), labels included.
2. --augment paper, no shuffle: each image of the first batches is the normalised record shifted by some
   (dy, dx) in [-4, 4] (the pad filled with torch_loader's fill value) and maybe mirrored: the same work up
   to the random choices.
3. Bad inputs exit with code 2: no manifest, a missing split, an unknown operation.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "lowres-data", "src", "main", "resources", "dev", "lowres", "data", "bench",
                      "torch_loader.py")


def load_module():
    spec = importlib.util.spec_from_file_location("torch_loader", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def records(data, split="train"):
    with open(os.path.join(data, "manifest.json")) as f:
        manifest = json.load(f)
    shards = manifest["splits"][split]["shards"]
    images = np.concatenate([np.load(os.path.join(data, s["images"]), mmap_mode="r") for s in shards])
    labels = np.concatenate([np.load(os.path.join(data, s["labels"])) for s in shards])
    mean = np.array(manifest["splits"]["train"]["mean"], dtype=np.float64).reshape(1, -1, 1, 1)
    std = np.array(manifest["splits"]["train"]["std"], dtype=np.float64).reshape(1, -1, 1, 1)
    return images, labels, mean, std


def check_none(tl, data, batch_size, normalize):
    images, labels, mean, std = records(data)
    loader, dataset, transforms, _, _ = tl.make_loader(data, augment="none", batch_size=batch_size, workers=1,
                                                      shuffle=False, normalize=normalize)
    worst, start = 0.0, 0
    for x, y in loader:
        n = x.shape[0]
        expected = (images[start:start + n].astype(np.float64) - mean) / std
        assert x.dtype == tl.torch.float32 and tuple(x.shape) == expected.shape, (x.dtype, x.shape)
        worst = max(worst, float(np.abs(x.numpy() - expected).max()))
        assert np.array_equal(y.numpy(), labels[start:start + n].astype(np.int64)), "labels differ at %d" % start
        start += n
    assert start == len(images), (start, len(images))
    assert worst < 1e-5, "max |torch - numpy| = %g" % worst
    print("none:  %d records in %d batches equal numpy's (v - mean) / std, max |diff| %.2e; labels equal\n"
          "       %s" % (start, len(loader), worst, transforms))


def check_paper(tl, data, batch_size, batches=4):
    images, _, mean, std = records(data)
    loader, _, _, _, _ = tl.make_loader(data, augment="paper", batch_size=batch_size, workers=1, shuffle=False)
    fill = int(round(float(mean.mean())))
    pad = 4
    h, w = images.shape[2:]
    start, matched, flips = 0, 0, 0
    for b, (x, _) in enumerate(loader):
        if b == batches:
            break
        for i in range(x.shape[0]):
            rec = images[start + i]
            padded = np.full((rec.shape[0], h + 2 * pad, w + 2 * pad), fill, dtype=np.float64)
            padded[:, pad:pad + h, pad:pad + w] = rec
            got = x[i].numpy()
            found = None
            for flip in (False, True):
                for oy in range(2 * pad + 1):
                    for ox in range(2 * pad + 1):
                        crop = padded[None, :, oy:oy + h, ox:ox + w]
                        if flip:
                            crop = crop[..., ::-1]
                        if np.abs(got - ((crop - mean) / std)[0]).max() < 1e-5:
                            found = (oy - pad, ox - pad, flip)
                            break
                    if found:
                        break
                if found:
                    break
            assert found is not None, "record %d is no shift/flip of the original" % (start + i)
            matched += 1
            flips += found[2]
        start += x.shape[0]
    print("paper: %d of %d images are the normalised record shifted by (dy, dx) in [-4, 4] and mirrored in %d"
          % (matched, start, flips))


def check_errors(data):
    tmp = tempfile.mkdtemp()
    cases = [("no manifest", ["--data", tmp]),
             ("missing split", ["--data", data, "--split", "nosuch"]),
             ("unknown operation", ["--data", data, "--augment", "paper, gridmask"]),
             ("bad argument", ["--data", data, "--augment", "pad-crop(x)"])]
    for name, args in cases:
        p = subprocess.run([sys.executable, SCRIPT] + args, capture_output=True, text=True)
        assert p.returncode == 2 and not p.stdout, (name, p.returncode, p.stdout, p.stderr)
        print("error: %-17s exit 2: %s" % (name, p.stderr.strip().splitlines()[-1]))
    os.rmdir(tmp)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="a lowres dataset directory")
    p.add_argument("--batch-size", type=int, default=128)
    a = p.parse_args()
    tl = load_module()
    if tl.IMPORT_ERROR is not None:
        sys.exit("needs torch and torchvision: %s" % tl.IMPORT_ERROR)
    for normalize in ("batch", "sample"):
        check_none(tl, a.data, a.batch_size, normalize)
    check_paper(tl, a.data, a.batch_size)
    check_errors(a.data)
    print("ok")


if __name__ == "__main__":
    main()
