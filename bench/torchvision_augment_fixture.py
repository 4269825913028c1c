#!/usr/bin/env python3
"""Writes the torchvision reference outputs that lowres's RandAugment and random-resized-crop tests compare with.

Run with a Python that has torch and torchvision (Debian bookworm: python3-torchvision 0.14.1, torch 1.13.1):
    /usr/bin/python3 bench/torchvision_augment_fixture.py > \
        lowres-data/src/test/resources/dev/lowres/data/load/torchvision-augment.txt
Each output is recorded as the first 16 hex digits of the SHA-256 of its planar uint8 bytes.
"""
import hashlib

import numpy as np
import torch
import torchvision
from torchvision.transforms import InterpolationMode, autoaugment, functional as F

NAMES = ["Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color", "Contrast",
         "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize"]


def digest(t):
    return hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()[:16]


def main():
    print(f"# torchvision {torchvision.__version__}, torch {torch.__version__}: RandAugment ops on uint8 tensors "
          "(fill None = black, nearest) and resized_crop (bilinear, antialias off)")
    rng = np.random.RandomState(7)
    images = {
        "noise16": rng.randint(0, 256, size=(3, 16, 16)).astype(np.uint8),
        "smooth32": (80 + np.arange(32)[None, None, :] * 2 + rng.randint(0, 20, size=(3, 32, 32))).astype(np.uint8),
        "noise8": rng.randint(0, 256, size=(3, 8, 8)).astype(np.uint8),
    }
    for name, a in images.items():
        print(f"image {name} {a.shape[1]} {a.tobytes().hex()}")
    for name, a in images.items():
        img = torch.from_numpy(a.copy())
        size = a.shape[1]
        space = autoaugment.RandAugment()._augmentation_space(31, (size, size))
        for op, op_name in enumerate(NAMES):
            magnitudes, signed = space[op_name]
            for m in (0, 4, 9, 13, 20, 27, 30):
                for neg in ((0, 1) if signed else (0,)):
                    mag = float(magnitudes[m].item()) if magnitudes.ndim > 0 else 0.0
                    if neg:
                        mag = -mag
                    out = autoaugment._apply_op(img, op_name, mag, InterpolationMode.NEAREST, None)
                    print(f"ra {name} {op} {m} {neg} {digest(out)}")
        crops = [(0, 0, size // 2, size // 2), (1, 3, size - 3, size // 2 + 1), (size // 4, 0, size // 2, size),
                 (2, 2, 3, 5), (0, 1, size, size - 1)]
        for top, left, h, w in crops:
            out = F.resized_crop(img, top, left, h, w, [size, size], InterpolationMode.BILINEAR, antialias=False)
            print(f"rrc {name} {top} {left} {h} {w} {digest(out)}")


if __name__ == "__main__":
    main()
