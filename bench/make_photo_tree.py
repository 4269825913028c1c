#!/usr/bin/env python3
"""Make an ImageNet-like class-folder tree of real photographs for `lowres bench build`.

ImageNet train JPEGs are real photos of about 400x350 pixels on average (most 500x375, 375x500 or
500x333; some much larger), baseline 4:2:0, high quality (~110 KB each). Synthetic images compress and
decode differently, so the benchmark in BENCHMARKS.md uses crops of the real photographs that Debian ships
with scikit-image and scikit-learn (apt-get install python3-skimage python3-sklearn), re-encoded as
ImageNet-like JPEGs: random crops, sizes drawn from ImageNet's common sizes, quality 90-95.

    /usr/bin/python3 bench/make_photo_tree.py --output /tmp/photos --classes 10 --per-class 100
"""
import argparse
import glob
import os
import random
import sys

try:
    from PIL import Image
except ImportError:
    sys.exit("make_photo_tree.py needs PIL: apt-get install python3-pil")

SOURCES = [
    "/usr/lib/python3/dist-packages/skimage/data/astronaut.png",
    "/usr/lib/python3/dist-packages/skimage/data/chelsea.png",
    "/usr/lib/python3/dist-packages/skimage/data/coffee.png",
    "/usr/lib/python3/dist-packages/skimage/data/rocket.jpg",
    "/usr/lib/python3/dist-packages/skimage/data/motorcycle_left.png",
    "/usr/lib/python3/dist-packages/skimage/data/motorcycle_right.png",
    "/usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg",
    "/usr/lib/python3/dist-packages/skimage/data/coins.png",
    "/usr/lib/python3/dist-packages/skimage/data/camera.png",
    "/usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg",
    "/usr/lib/python3/dist-packages/sklearn/datasets/images/flower.jpg",
]
# (width, height, weight): ImageNet's most common train sizes, and a tail of others
SIZES = [(500, 375, 40), (375, 500, 12), (500, 333, 14), (333, 500, 5), (500, 500, 4),
         (640, 480, 4), (400, 300, 5), (800, 600, 3), (1024, 768, 2), (300, 225, 5), (450, 338, 6)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--output", required=True)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--per-class", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quality", default="90-95",
                   help="JPEG quality range, e.g. 90-95 (default: ~54 KB a photo) or 97-100 (ImageNet's bytes, ~105 KB)")
    a = p.parse_args()
    sources = [Image.open(s).convert("RGB") for s in SOURCES if os.path.exists(s)]
    if not sources:
        sys.exit("no source photographs found: apt-get install python3-skimage python3-sklearn")
    q_low, q_high = (int(q) for q in a.quality.split("-"))
    rng = random.Random(a.seed)
    weights = [w for _, _, w in SIZES]
    total_bytes = 0
    for c in range(a.classes):
        wnid = "n%08d" % (1000000 + c)
        os.makedirs(os.path.join(a.output, wnid), exist_ok=True)
        for i in range(a.per_class):
            w, h, _ = rng.choices(SIZES, weights)[0]
            src = rng.choice(sources)
            # a random crop with the target's aspect ratio, at least a third of the source's side
            scale = rng.uniform(0.35, 1.0)
            cw = min(src.width, int(src.width * scale))
            ch = min(src.height, int(cw * h / w))
            cw = int(ch * w / h)
            x = rng.randint(0, src.width - cw)
            y = rng.randint(0, src.height - ch)
            img = src.crop((x, y, x + cw, y + ch)).resize((w, h), Image.BICUBIC)
            if rng.random() < 0.5:
                img = img.transpose(Image.FLIP_LEFT_RIGHT)
            if rng.random() < 0.02:
                img = img.convert("L")
            path = os.path.join(a.output, wnid, "%s_%d.JPEG" % (wnid, i))
            img.save(path, quality=rng.randint(q_low, q_high), subsampling=2)
            total_bytes += os.path.getsize(path)
    n = a.classes * a.per_class
    print("wrote %d photos in %d classes to %s, %.0f KB each on average" % (n, a.classes, a.output, total_bytes / n / 1024))


if __name__ == "__main__":
    main()
