"""Deterministic corruptions of Hendrycks & Dietterich, recomputed in numpy + PIL for CorruptionsPythonReferenceTest.

skimage and scipy are not assumed: rgb2hsv / hsv2rgb follow skimage.color's definitions and the Gaussian
filter follows scipy.ndimage.gaussian_filter (mode 'nearest', truncate 4.0), both written out here.

Usage: reference.py DIR. DIR/cases.json lists cases {corruption, c, channels, height, width, offset};
DIR/input.bin holds their planar uint8 images at those offsets. Writes DIR/output.bin, same layout. Where
skimage is importable, also writes DIR/output_skimage.bin with the reference's own calls
(skimage.filters.gaussian, skimage.color.rgb2hsv / hsv2rgb) for gaussian_blur and brightness.
"""
import io
import json
import os
import sys

import numpy as np
from PIL import Image


def rgb_to_hsv(rgb):
    v = rgb.max(axis=-1)
    delta = v - rgb.min(axis=-1)
    with np.errstate(invalid='ignore', divide='ignore'):
        s = np.where(delta == 0, 0.0, delta / np.where(v == 0, 1, v))
        safe = np.where(delta == 0, 1, delta)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        h = np.zeros_like(v)
        # later masks win, as in skimage: red, then green, then blue
        h = np.where(r == v, (g - b) / safe, h)
        h = np.where(g == v, 2.0 + (b - r) / safe, h)
        h = np.where(b == v, 4.0 + (r - g) / safe, h)
    h = (h / 6.0) % 1.0
    h[delta == 0] = 0.0
    return np.stack([h, s, v], axis=-1)


def hsv_to_rgb(hsv):
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    hi = np.floor(h * 6)
    f = h * 6 - hi
    p = v * (1 - s)
    q = v * (1 - f * s)
    t = v * (1 - (1 - f) * s)
    sector = hi.astype(np.uint8) % 6
    options = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.zeros(hsv.shape)
    for k, (a, b, c) in enumerate(options):
        m = sector == k
        out[m, 0], out[m, 1], out[m, 2] = a[m], b[m], c[m]
    return out


def gaussian_1d(img, sigma, axis):
    radius = int(4.0 * sigma + 0.5)
    xs = np.arange(-radius, radius + 1)
    w = np.exp(-0.5 / (sigma * sigma) * xs.astype(float) ** 2)
    w /= w.sum()
    pad = [(0, 0)] * img.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(img, pad, mode='edge')
    n = img.shape[axis]
    out = np.zeros_like(img)
    for k in range(2 * radius + 1):
        out += w[k] * np.take(padded, np.arange(k, k + n), axis=axis)
    return out


def to_uint8(y):
    return np.uint8(np.clip(y, 0, 1) * 255)


def corrupt_skimage(name, c, hwc):
    import skimage.color
    import skimage.filters
    x = hwc / 255.0
    if name == 'gaussian_blur':
        try:
            y = skimage.filters.gaussian(x, sigma=c, channel_axis=-1)
        except TypeError:  # skimage < 0.19
            y = skimage.filters.gaussian(x, sigma=c, multichannel=True)
        return to_uint8(y)
    if name == 'brightness':
        rgb = x if x.shape[2] == 3 else np.repeat(x, 3, axis=2)
        hsv = skimage.color.rgb2hsv(rgb)
        hsv[..., 2] = np.clip(hsv[..., 2] + c, 0, 1)
        out = to_uint8(skimage.color.hsv2rgb(hsv))
        return out if x.shape[2] == 3 else out[..., :1]
    return corrupt(name, c, hwc)


def corrupt(name, c, hwc):
    x = hwc / 255.0
    if name == 'contrast':
        m = np.mean(x, axis=(0, 1), keepdims=True)
        return to_uint8((x - m) * c + m)
    if name == 'brightness':
        rgb = x if x.shape[2] == 3 else np.repeat(x, 3, axis=2)
        hsv = rgb_to_hsv(rgb)
        hsv[..., 2] = np.clip(hsv[..., 2] + c, 0, 1)
        out = to_uint8(hsv_to_rgb(hsv))
        return out if x.shape[2] == 3 else out[..., :1]
    if name == 'gaussian_blur':
        return to_uint8(gaussian_1d(gaussian_1d(x, c, 0), c, 1))
    grey = hwc.shape[2] == 1
    img = Image.fromarray(hwc[..., 0] if grey else hwc)
    if name == 'jpeg_compression':
        buf = io.BytesIO()
        img.save(buf, 'JPEG', quality=int(c))
        out = np.asarray(Image.open(buf))
    elif name == 'pixelate':
        w, h = img.size
        out = np.asarray(img.resize((int(w * c), int(h * c)), Image.BOX).resize((w, h), Image.BOX))
    else:
        raise SystemExit('no reference for ' + name)
    return out[..., np.newaxis] if grey else out


def main():
    d = sys.argv[1]
    with open(os.path.join(d, 'cases.json')) as f:
        cases = json.load(f)
    data = np.fromfile(os.path.join(d, 'input.bin'), dtype=np.uint8)
    try:
        import skimage  # noqa: F401
        variants = [(corrupt, 'output.bin'), (corrupt_skimage, 'output_skimage.bin')]
    except ImportError:
        variants = [(corrupt, 'output.bin')]
    for fn, file_name in variants:
        out = np.zeros_like(data)
        for case in cases:
            ch, h, w, off = case['channels'], case['height'], case['width'], case['offset']
            n = ch * h * w
            hwc = data[off:off + n].reshape(ch, h, w).transpose(1, 2, 0).copy()
            y = fn(case['corruption'], case['c'], hwc)
            assert y.dtype == np.uint8 and y.shape == hwc.shape, (case, y.dtype, y.shape)
            out[off:off + n] = y.transpose(2, 0, 1).reshape(-1)
        out.tofile(os.path.join(d, file_name))
    print(len(cases), 'cases;', ', '.join(f for _, f in variants))


main()
