#!/usr/bin/env python3
"""The reference pipeline: the published Imagenet32/64 scripts, timed, for benchmarks against lowres.

Reproduces Chrabaszcz, Loshchilov & Hutter (2017), github.com/PatrykChrabaszcz/Imagenet32_Scripts (MIT):

 1. image_resizer_imagent.py: a multiprocessing.Pool(processes=J) gets one task per class folder of a
    train tree (<wnid>/*.JPEG); each task does, for every file, Image.open(f), .convert('RGB') when the
    mode is not RGB, .resize((s, s), FILTER), and saves <stem>.png into the class's output folder; files
    PIL cannot read are skipped.
 2. image2numpy_imagenet_train.py: every PNG is read back (with PIL here; the original uses imageio,
    which may be absent, and gives the same array), turned into a planar row of 3*s*s uint8 exactly as
    the original does (np.array(list(r) + list(g) + list(b))), rows are np.row_stack'ed per class and
    concatenated, labels come from map_clsloc.txt (1-based, as published), the mean row is computed,
    rows are shuffled and pickled as dicts {'data', 'labels', 'mean'} into train_data_batch_1..10.

Departures, none of which changes a pixel: the size is passed to the workers (the original reads a
global), a file that fails in any way is skipped and counted (the original catches OSError only, so a
DecompressionBombError silently ends the rest of that class folder's task), files are taken in sorted
order, the shuffle is seeded, and class folders missing from map_clsloc.txt get labels after the last
one instead of being ignored.

Modes, which tell where the time goes (same pool, one task per class folder):
  (default)      resize + PNG write, then pack: "tool": "pil-reference", seconds: resize, pack, total
  --decode-only  Image.open(f), .convert('RGB') when not RGB (decode forced by load()), nothing kept:
                 "tool": "pil-decode-only", seconds: decode, total
  --resize-only  decode + resize in memory, no PNG: "tool": "pil-resize-only", seconds: resize, total

With --json, stdout is exactly one JSON object:
  {"tool": ..., "pil_version": ..., "images": N, "skipped": K, "seconds": {...}, "images_per_second": N/total,
   "processes": J, "size": s, "filter": "box"}
Needs the Python standard library, PIL (Pillow) and numpy; nothing else.
"""
import argparse
import json
import os
import pickle
import shutil
import sys
import time
from multiprocessing import Pool

try:
    import numpy as np
    import PIL
    from PIL import Image
except ImportError as missing:  # checked again in main() so that --help works without them
    np = PIL = Image = None
    IMPORT_ERROR = missing
else:
    IMPORT_ERROR = None

FILTERS = ("box", "nearest", "bilinear", "bicubic", "hamming", "lanczos")
DEFAULT_MAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "lowres-data", "src", "main",
                           "resources", "dev", "lowres", "data", "classes", "map_clsloc.txt")


def pil_filter(name):
    return {"box": Image.BOX, "nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
            "hamming": Image.HAMMING, "lanczos": Image.LANCZOS}[name]


def open_rgb(path):
    """Image.open(f) and .convert('RGB') when the mode is not RGB, as image_resizer_imagent.py does."""
    im = Image.open(path)
    if im.mode != "RGB":
        im = im.convert(mode="RGB")
    else:
        im.load()  # convert() would have decoded; an RGB image is decoded by resize() or here
    return im


def folder_task(args):
    """One class folder, in one pool process: returns (images done, files skipped, skip messages)."""
    mode, in_dir, out_dir, size, filter_name = args
    alg = pil_filter(filter_name)
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    done = skipped = 0
    errors = []
    for filename in sorted(os.listdir(in_dir)):
        path = os.path.join(in_dir, filename)
        if not os.path.isfile(path):
            continue
        try:
            im = open_rgb(path)
            if mode != "decode":
                im_resized = im.resize((size, size), alg)
                if mode == "full":
                    im_resized.save(os.path.join(out_dir, os.path.splitext(filename)[0] + ".png"))
            done += 1
        except Exception as e:  # the published script: "This file couldn't be read as an image"
            skipped += 1
            errors.append("%s: %s: %s" % (path, type(e).__name__, e))
    return done, skipped, errors


def class_folders(tree):
    folders = sorted(d for d in os.listdir(tree) if os.path.isdir(os.path.join(tree, d)))
    if not folders:
        raise SystemExit("reference_pipeline.py: %s has no class folders (expected <wnid>/*.JPEG)" % tree)
    return folders


def run_pool(mode, tree, out_root, folders, size, filter_name, processes):
    tasks = [(mode, os.path.join(tree, f), None if out_root is None else os.path.join(out_root, f), size,
              filter_name) for f in folders]
    with Pool(processes=processes) as pool:
        results = pool.map(folder_task, tasks, chunksize=1)
    done = sum(r[0] for r in results)
    skipped = sum(r[1] for r in results)
    errors = [e for r in results for e in r[2]]
    return done, skipped, errors


def label_dict(map_file, folders):
    """wnid -> label as image2numpy_imagenet_train.py's get_label_dict (1-based, map_clsloc.txt order)."""
    labels, order = {}, []
    if map_file and os.path.isfile(map_file):
        with open(map_file) as f:
            for line in f:
                tok = line.split()
                if len(tok) >= 2:
                    labels[tok[0]] = int(tok[1])
                    order.append(tok[0])
    ordered = [w for w in order if w in set(folders)]
    extra = sorted(w for w in folders if w not in labels)
    top = max(labels.values(), default=0)
    for i, w in enumerate(extra):
        labels[w] = top + 1 + i
    return labels, ordered + extra


def pack(png_root, out_dir, folders, map_file, seed):
    """image2numpy_imagenet_train.py's process_folder, reading PNGs with PIL instead of imageio."""
    labels, ordered = label_dict(map_file, folders)
    data_list_train, labels_list_train = [], []
    unreadable = 0
    for folder in ordered:
        label = labels[folder]
        folder_dir = os.path.join(png_root, folder)
        images = []
        for image_name in sorted(os.listdir(folder_dir)) if os.path.isdir(folder_dir) else []:
            try:
                img = np.asarray(Image.open(os.path.join(folder_dir, image_name)))
                r = img[:, :, 0].flatten()
                g = img[:, :, 1].flatten()
                b = img[:, :, 2].flatten()
            except Exception:
                unreadable += 1
                continue
            arr = np.array(list(r) + list(g) + list(b), dtype=np.uint8)
            images.append(arr)
        if not images:
            continue
        data = np.row_stack(images)
        labels_list_train.extend([label] * data.shape[0])
        data_list_train.append(data)
    if not data_list_train:
        raise SystemExit("reference_pipeline.py: no image could be resized, nothing to pack")
    x = np.concatenate(data_list_train, axis=0)
    y = labels_list_train
    os.makedirs(out_dir, exist_ok=True)
    x_mean = np.mean(x, axis=0)
    train_indices = np.arange(x.shape[0])
    np.random.RandomState(seed).shuffle(train_indices)
    curr_index = 0
    size = x.shape[0] // 10
    for i in range(1, 11):
        end = curr_index + size if i < 10 else x.shape[0]
        d = {"data": x[train_indices[curr_index:end], :],
             "labels": np.array(y)[train_indices[curr_index:end]].tolist(),
             "mean": x_mean}
        with open(os.path.join(out_dir, "train_data_batch_%d" % i), "wb") as f:
            pickle.dump(d, f)
        curr_index = end
    return x.shape[0], unreadable


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Modes and output: see the top of this file.")
    p.add_argument("--input", required=True, help="train tree: one folder per class (<wnid>/*.JPEG)")
    p.add_argument("--work", required=True,
                   help="work folder; its png/ and batches/ subfolders are replaced on each full run")
    p.add_argument("--size", type=int, default=32, help="output side in pixels (default 32)")
    p.add_argument("--processes", "-j", type=int, default=2, help="pool processes (default 2)")
    p.add_argument("--filter", default="box", choices=FILTERS, help="resampling filter (default box)")
    p.add_argument("--labels", default=DEFAULT_MAP, help="map_clsloc.txt (default: the one lowres ships)")
    p.add_argument("--seed", type=int, default=0, help="shuffle seed for the batches (default 0)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--decode-only", action="store_true", help="time PIL decoding alone")
    mode.add_argument("--resize-only", action="store_true", help="time decode + resize, no PNG written")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    a = p.parse_args()

    if IMPORT_ERROR is not None:
        sys.exit("reference_pipeline.py needs PIL (Pillow) and numpy in this Python (%s): %s\n"
                 "Debian: apt-get install python3-pil python3-numpy, or run it with a Python that has them "
                 "(e.g. /usr/bin/python3)." % (sys.executable, IMPORT_ERROR))
    if a.size <= 0 or a.processes <= 0:
        sys.exit("reference_pipeline.py: --size and --processes must be positive")
    if not os.path.isdir(a.input):
        sys.exit("reference_pipeline.py: input tree not found: %s" % a.input)

    folders = class_folders(a.input)
    seconds = {}
    t0 = time.perf_counter()
    if a.decode_only or a.resize_only:
        mode = "decode" if a.decode_only else "resize"
        done, skipped, errors = run_pool(mode, a.input, None, folders, a.size, a.filter, a.processes)
        seconds[mode] = time.perf_counter() - t0
        tool = "pil-decode-only" if a.decode_only else "pil-resize-only"
    else:
        png_root = os.path.join(a.work, "png")
        batches = os.path.join(a.work, "batches")
        for owned in (png_root, batches):
            if os.path.isdir(owned):
                shutil.rmtree(owned)
        os.makedirs(png_root)
        done, skipped, errors = run_pool("full", a.input, png_root, folders, a.size, a.filter, a.processes)
        t1 = time.perf_counter()
        seconds["resize"] = t1 - t0
        packed, unreadable = pack(png_root, batches, folders, a.labels, a.seed)
        seconds["pack"] = time.perf_counter() - t1
        skipped += unreadable
        done = packed
        tool = "pil-reference"
    seconds["total"] = time.perf_counter() - t0

    result = {"tool": tool, "pil_version": PIL.__version__, "images": done, "skipped": skipped,
              "seconds": {k: round(v, 4) for k, v in seconds.items()},
              "images_per_second": round(done / seconds["total"], 2) if seconds["total"] > 0 else None,
              "processes": a.processes, "size": a.size, "filter": a.filter}
    for e in errors:
        print("skipped " + e, file=sys.stderr)
    if a.json:
        print(json.dumps(result))
    else:
        print("%s (PIL %s): %d images, %d skipped, %s, %.1f images/s" % (
            tool, PIL.__version__, done, skipped,
            ", ".join("%s %.2fs" % kv for kv in seconds.items()), result["images_per_second"] or 0))


if __name__ == "__main__":
    main()
