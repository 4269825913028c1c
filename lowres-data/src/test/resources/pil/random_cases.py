#!/usr/bin/env python3
"""Random PIL reference cases for PilRandomizedExactnessTest (lowres-data, tag "heavy").

Usage: random_cases.py OUTDIR [--seed N] [--count N]

From a fixed seed, writes into OUTDIR:
  img/<name>        ~COUNT random images (JPEG, PNG, a few GIF/BMP/TIFF) that stress decoders and resamplers
  ref/<name>.bin    PIL's Image.open(f).convert('RGB').resize((w, h), FILTER) for every case of the
                    image, each as planar uint8 (3, h, w), concatenated (offsets in cases.json)
  trunc/<name>      the same files cut at several points, and ref/trunc_<name>.bin with PIL's
                    convert('RGB') pixels (interleaved h*w*3) where PIL decodes the cut file
  bomb/<name>       headers that declare sizes around PIL's decompression-bomb limit
  cases.json        what all of the above are, and what PIL did with each

Needs only the standard library, PIL and numpy. The content is image-like: gradients, blobs, waves,
noise and drawn shapes, never pure noise.
"""
import argparse
import io
import json
import os
import random
import struct
import sys
import warnings
import zlib

try:
    import numpy as np
    import PIL
    from PIL import Image, ImageDraw
except ImportError as e:  # pragma: no cover
    sys.exit("random_cases.py needs PIL (Pillow) and numpy: %s" % e)

FILTERS = {
    "nearest": Image.NEAREST,
    "box": Image.BOX,
    "bilinear": Image.BILINEAR,
    "hamming": Image.HAMMING,
    "bicubic": Image.BICUBIC,
    "lanczos": Image.LANCZOS,
}

PRIMES = [2, 3, 5, 7, 11, 13, 17, 31, 61, 127, 251, 509, 997, 1009, 1187]
EDGE_SIZES = [(1, 1), (1, 2), (2, 1), (1, 37), (41, 1), (1, 600), (700, 1), (2, 2), (3, 5), (7, 7),
              (8, 8), (9, 9), (15, 17), (16, 16), (17, 15), (31, 33), (63, 65), (1, 1187), (1200, 3),
              (1187, 1009)]


# ----------------------------------------------------------------------------------------------- content

def random_size(rng, limit=1200):
    r = rng.random()
    if r < 0.2:
        return rng.choice(PRIMES), rng.choice(PRIMES)
    if r < 0.3:
        return rng.randint(1, 24), rng.randint(1, 24)
    # log-uniform sides from 4 to the limit (about 1.4 megapixels at most)
    w = int(round(2 ** rng.uniform(2, 10.25)))
    h = int(round(2 ** rng.uniform(2, 10.25)))
    return max(1, min(w, limit)), max(1, min(h, limit))


def content(nrng, rng, h, w, channels, peak=255.0):
    """Float image (h, w, channels) in about [0, peak]: gradients + blobs + waves + noise."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.empty((h, w, channels))
    for c in range(channels):
        a, b = nrng.uniform(-1, 1, 2)
        g = nrng.uniform(0, 255) + (a * xx / max(w, 1) + b * yy / max(h, 1)) * nrng.uniform(0, 255)
        for _ in range(rng.randint(0, 4)):
            cx, cy = nrng.uniform(0, w), nrng.uniform(0, h)
            s = nrng.uniform(1, max(w, h) / 2 + 1)
            g += nrng.uniform(-160, 160) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s))
        img[..., c] = g
    if rng.random() < 0.5:
        wave = np.sin(xx * nrng.uniform(0.02, 1.5) + yy * nrng.uniform(0.02, 1.5))
        img += nrng.uniform(5, 50) * wave[..., None]
    sigma = rng.choice([0, 1, 3, 8, 25])
    if sigma:
        img += nrng.normal(0, sigma, img.shape)
    return np.clip(img, 0, 255) * (peak / 255.0)


def draw_shapes(rng, im):
    """Draws a few random rectangles, ellipses and lines (sharp edges) onto a PIL image in place."""
    w, h = im.size
    d = ImageDraw.Draw(im)
    bands = len(im.getbands())

    def colour():
        if im.mode in ("I", "I;16"):
            return rng.randint(0, 65535) if rng.random() < 0.3 else rng.randint(0, 400)
        if bands == 1:
            return rng.randint(0, 255)
        return tuple(rng.randint(0, 255) for _ in range(bands))

    for _ in range(rng.randint(0, 6)):
        x0, x1 = sorted(rng.randint(0, max(w - 1, 0)) for _ in range(2))
        y0, y1 = sorted(rng.randint(0, max(h - 1, 0)) for _ in range(2))
        kind = rng.random()
        if kind < 0.4:
            d.rectangle([x0, y0, x1, y1], fill=colour())
        elif kind < 0.7:
            d.ellipse([x0, y0, x1, y1], fill=colour())
        else:
            d.line([x0, y0, x1, y1], fill=colour(), width=rng.randint(1, 4))
    return im


def u8(a):
    return np.round(a).astype(np.uint8)


def make_rgb(nrng, rng, w, h):
    return draw_shapes(rng, Image.fromarray(u8(content(nrng, rng, h, w, 3)), "RGB"))


def make_l(nrng, rng, w, h):
    return draw_shapes(rng, Image.fromarray(u8(content(nrng, rng, h, w, 1))[..., 0], "L"))


# --------------------------------------------------------------------------------- hand-made PNG encoder

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_filter_row(rng, row, prev, bpp):
    """Applies a random PNG filter type to one row (bytes); returns filter byte + filtered row."""
    ft = rng.randint(0, 4)
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i] if prev is not None else 0
        c = prev[i - bpp] if prev is not None and i >= bpp else 0
        if ft == 0:
            p = 0
        elif ft == 1:
            p = a
        elif ft == 2:
            p = b
        elif ft == 3:
            p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (row[i] - p) & 0xFF
    return bytes([ft]) + bytes(out)


def pack_samples(samples, depth):
    """samples: (h, w*channels) int array -> list of row byte strings at the given bit depth."""
    rows = []
    for r in samples:
        if depth == 16:
            rows.append(r.astype(">u2").tobytes())
        elif depth == 8:
            rows.append(r.astype(np.uint8).tobytes())
        else:
            bits = np.unpackbits(r.astype(np.uint8)[:, None], axis=1)[:, 8 - depth:].reshape(-1)
            rows.append(np.packbits(bits).tobytes())
    return rows


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def encode_png(rng, samples, colour_type, depth, palette=None, trns=None, interlace=False):
    """samples: (h, w, channels) ints. Writes a PNG with random row filters (and Adam7 if asked)."""
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        prev = None
        for row in pack_samples(sub.reshape(sub.shape[0], -1), depth):
            raw += png_filter_row(rng, row, prev, bpp)
            prev = row
    out = b"\x89PNG\r\n\x1a\n"
    out += png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        out += png_chunk(b"PLTE", bytes(palette))
    if trns is not None:
        out += png_chunk(b"tRNS", trns)
    z = zlib.compress(bytes(raw), rng.randint(0, 9))
    split = rng.randint(1, 3)  # several IDAT chunks
    step = max(1, -(-len(z) // split))
    for i in range(0, len(z), step):
        out += png_chunk(b"IDAT", z[i:i + step])
    return out + png_chunk(b"IEND", b"")


# ------------------------------------------------------------------------------------------- generators

def gen_jpeg(nrng, rng, i, size=None):
    w, h = size or random_size(rng)
    mode = ["RGB", "RGB", "L", "RGB", "CMYK", "RGB", "RGB", "L", "RGB", "CMYK"][i % 10]
    kw = {"quality": rng.choice([1, 5, 20, 50, 75, 85, 90, 95, 100, rng.randint(1, 100)])}
    desc = []
    if mode == "RGB":
        sub = rng.choice([0, 1, 2])
        kw["subsampling"] = sub
        desc.append(["4:4:4", "4:2:2", "4:2:0"][sub])
        im = make_rgb(nrng, rng, w, h)
    elif mode == "L":
        im = make_l(nrng, rng, w, h)
    else:
        im = Image.fromarray(u8(content(nrng, rng, h, w, 4)), "CMYK")
        draw_shapes(rng, im)
        if rng.random() < 0.5:  # PIL subsamples the first component only: C 2x2 or 2x1, M, Y, K 1x1
            kw["subsampling"] = rng.choice([0, 1, 2])
            desc.append("C-%s" % ["1x1", "2x1", "2x2"][kw["subsampling"]])
    if rng.random() < 0.35:
        kw["progressive"] = True
        desc.append("progressive")
    if rng.random() < 0.4:
        kw["optimize"] = True
        desc.append("optimize")
    if rng.random() < 0.1:
        kw["comment"] = b"lowres random case"
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kw)
    data = buf.getvalue()
    if mode == "CMYK":  # PIL writes an Adobe marker with transform 0 (CMYK)
        variant = ["adobe-cmyk", "adobe-ycck", "no-adobe", "adobe-cmyk", "adobe-ycck"][(i // 10) % 5]
        data = adobe_variant(data, variant)
        desc.append(variant)
    name = "%03d_jpeg_%s_%dx%d.jpg" % (i, mode.lower(), w, h)
    return name, data, "JPEG %s %dx%d q%d %s" % (mode, w, h, kw["quality"], " ".join(desc))


def adobe_variant(data, variant):
    """Rewrites a CMYK JPEG's Adobe APP14 segment: transform 2 (decoders then read the same samples as
    YCCK and convert them to CMYK), or no segment at all (decoders assume plain CMYK)."""
    pos = 2
    while data[pos + 1] != 0xEE:
        if data[pos + 1] == 0xDA:
            raise ValueError("no Adobe marker")
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
    if variant == "adobe-ycck":
        d = bytearray(data)
        d[pos + 4 + 11] = 2
        return bytes(d)
    if variant == "no-adobe":
        return data[:pos] + data[pos + 2 + length:]
    return data


def gen_png_pil(nrng, rng, i):
    w, h = random_size(rng, 900)
    mode = ["RGB", "RGBA", "L", "LA", "P", "P+trns", "PA-trns-bytes", "1", "I;16", "I"][i % 10]
    kw = {"compress_level": rng.randint(0, 9)}
    if mode in ("RGB", "RGBA"):
        im = Image.fromarray(u8(content(nrng, rng, h, w, len(mode))), mode)
    elif mode in ("L", "1"):
        im = make_l(nrng, rng, w, h)
        if mode == "1":
            im = im.convert("1")  # Floyd-Steinberg dither
    elif mode == "LA":
        im = Image.fromarray(u8(content(nrng, rng, h, w, 2)), "LA")
    elif mode.startswith("P"):
        colours = rng.choice([2, 4, 16, 100, 256])
        im = make_rgb(nrng, rng, w, h).quantize(colours)
        if mode == "P+trns":
            kw["transparency"] = rng.randint(0, colours - 1)
        elif mode == "PA-trns-bytes":
            kw["transparency"] = bytes(rng.randint(0, 255) for _ in range(colours))
        if colours <= 16 and rng.random() < 0.5:
            kw["bits"] = 4 if colours > 4 else 2
    else:  # 16-bit grey: often near the 0..255 clip of I -> RGB
        peak = rng.choice([300.0, 600.0, 65535.0])
        arr = np.round(content(nrng, rng, h, w, 1, peak)[..., 0]).astype(np.int32)
        im = Image.fromarray(arr.astype(np.uint16) if mode == "I;16" else arr, "I;16" if mode == "I;16" else "I")
        draw_shapes(rng, im)
    if rng.random() < 0.3:
        kw["optimize"] = True
    buf = io.BytesIO()
    im.save(buf, "PNG", **kw)
    label = mode + ("" if "bits" not in kw else " %d-bit" % kw["bits"])
    return "%03d_png_%s_%dx%d.png" % (i, mode.replace(";", "").replace("+", "_").lower(), w, h), \
        buf.getvalue(), "PNG (PIL) %s %dx%d" % (label, w, h)


def gen_png_raw(nrng, rng, i):
    """PNG types PIL does not write: 16-bit RGB/RGBA/LA, 2/4-bit grey, grey/RGB with tRNS, interlaced."""
    w, h = random_size(rng, 300)
    kinds = ["rgb16", "rgba16", "la16", "l16", "l16trns", "rgb16trns", "l2", "l4", "l8trns", "rgb8trns", "p1",
             "p8short", "rgb8", "la8"]
    kind = kinds[i % len(kinds)]
    interlace = rng.random() < 0.5
    palette = trns = None
    if kind in ("rgb16", "rgba16", "la16", "l16", "l16trns", "rgb16trns"):
        ch = {"rgb16": 3, "rgba16": 4, "la16": 2, "l16": 1, "l16trns": 1, "rgb16trns": 3}[kind]
        peak = rng.choice([65535.0, 700.0])
        s = np.round(content(nrng, rng, h, w, ch, peak)).astype(np.int64)
        ct, depth = {"rgb16": 2, "rgba16": 6, "la16": 4, "l16": 0, "l16trns": 0, "rgb16trns": 2}[kind], 16
        if kind.endswith("trns"):  # a colour that occurs in the image
            trns = struct.pack(">" + "H" * ch, *(int(v) for v in s[h // 2, w // 2]))
    elif kind in ("l2", "l4"):
        depth = int(kind[1])
        s = np.round(content(nrng, rng, h, w, 1) * ((1 << depth) - 1) / 255.0).astype(np.int64)
        ct = 0
    elif kind == "l8trns":
        s, ct, depth = np.round(content(nrng, rng, h, w, 1)).astype(np.int64), 0, 8
        trns = struct.pack(">H", rng.randint(0, 255))
    elif kind == "rgb8trns":
        s, ct, depth = np.round(content(nrng, rng, h, w, 3)).astype(np.int64), 2, 8
        trns = struct.pack(">HHH", *(rng.randint(0, 255) for _ in range(3)))
    elif kind in ("p1", "p8short"):
        entries = 2 if kind == "p1" else rng.randint(3, 200)
        palette = [rng.randint(0, 255) for _ in range(3 * entries)]
        g = content(nrng, rng, h, w, 1)[..., 0]
        s = np.minimum((g * entries / 256.0).astype(np.int64), entries - 1)[..., None]
        ct, depth = 3, 1 if kind == "p1" else 8
    elif kind == "rgb8":
        s, ct, depth = np.round(content(nrng, rng, h, w, 3)).astype(np.int64), 2, 8
    else:
        s, ct, depth = np.round(content(nrng, rng, h, w, 2)).astype(np.int64), 4, 8
    data = encode_png(rng, s, ct, depth, palette, trns, interlace)
    label = kind + (" interlaced" if interlace else "")
    return "%03d_pngraw_%s_%dx%d.png" % (i, kind, w, h), data, "PNG (hand-made) %s %dx%d" % (label, w, h)


def gen_other(nrng, rng, i):
    w, h = random_size(rng, 500)
    fmt = ["GIF", "BMP", "BMP-P", "TIFF"][i % 4]
    im = make_rgb(nrng, rng, w, h)
    buf = io.BytesIO()
    if fmt == "GIF":
        im.quantize(rng.choice([2, 16, 256])).save(buf, "GIF")
    elif fmt == "BMP-P":
        im.quantize(256).save(buf, "BMP")
    elif fmt == "BMP":
        im.save(buf, "BMP")
    else:
        im.save(buf, "TIFF")
    ext = {"GIF": "gif", "BMP": "bmp", "BMP-P": "bmp", "TIFF": "tif"}[fmt]
    return "%03d_%s_%dx%d.%s" % (i, fmt.lower().replace("-", ""), w, h, ext), buf.getvalue(), \
        "%s %dx%d" % (fmt, w, h)


# -------------------------------------------------------------------------------------------- reference

def targets(rng, w, h):
    t = [(32, 32), (rng.randint(1, 97), rng.randint(1, 97)), (w, rng.randint(1, 64)), (rng.randint(1, 64), h)]
    if w * h <= 40000:  # upsample both sides
        t.append((min(w * rng.randint(2, 4) + rng.randint(0, 3), 640), min(h * rng.randint(2, 4) + rng.randint(0, 3), 640)))
    else:  # upsample one side, downsample the other
        t.append((w + rng.randint(1, 9), rng.randint(1, 48)))
        t.append((rng.randint(1, 48), h + rng.randint(1, 9)))
    if rng.random() < 0.3:
        t.append((1, 1))
    if rng.random() < 0.3:
        t.append((rng.randint(1, 3), rng.randint(50, 200)))
    seen, out = set(), []
    for s in t:
        if s not in seen and s != (w, h):
            seen.add(s)
            out.append(s)
    return out


def planar(im):
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8).transpose(2, 0, 1)).tobytes()


def reference(outdir, rng, name, data, desc):
    with open(os.path.join(outdir, "img", name), "wb") as f:
        f.write(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Palette images with Transparency expressed in bytes ..."
        src = Image.open(io.BytesIO(data))
        mode = src.mode
        rgb = src.convert("RGB")
    w, h = rgb.size
    cases = []
    offset = 0
    with open(os.path.join(outdir, "ref", name + ".bin"), "wb") as out:
        sizes = targets(rng, w, h)
        for fname, f in FILTERS.items():
            for tw, th in sizes:
                b = planar(rgb.resize((tw, th), f))
                out.write(b)
                cases.append({"filter": fname, "w": tw, "h": th, "offset": offset})
                offset += len(b)
        if w * h <= 300000 or mode == "CMYK":  # the decode itself, unresampled (resize to the same size is a copy in PIL)
            b = planar(rgb.resize((w, h), Image.BOX))
            out.write(b)
            cases.append({"filter": "box", "w": w, "h": h, "offset": offset})
    return {"file": name, "desc": desc, "pil_mode": mode, "width": w, "height": h, "cases": cases}


def pil_outcome(data):
    """What PIL's reference pipeline does with a file: ('ok', rgb) or ('truncated'|'error', message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data))
            rgb = im.convert("RGB")
        return "ok", rgb
    except Exception as e:  # the published scripts skip any file PIL cannot read
        msg = "%s: %s" % (type(e).__name__, e)
        return ("truncated" if "truncated" in str(e).lower() else "error"), msg


def jpeg_scan_offset(data):
    pos = 2
    while pos + 4 <= len(data):
        while data[pos] == 0xFF and data[pos + 1] == 0xFF:
            pos += 1
        marker = data[pos + 1]
        if marker == 0xDA:
            return pos
        if marker == 0xD8 or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    return -1


def cut_points(data, is_jpeg):
    n = len(data)
    cuts = {1, 2, 3, 8, 16, 20, 33, 60, n // 4, n // 2, (3 * n) // 4, n - 64, n - 16, n - 12, n - 8, n - 4,
            n - 3, n - 2, n - 1}
    if is_jpeg:
        sos = jpeg_scan_offset(data)
        if sos > 0:
            cuts |= {sos, sos + 2, sos + 10, sos + (n - sos) // 2, sos + (n - sos) * 9 // 10}
    else:
        # just after each chunk header and half-way through each chunk
        pos = 8
        while pos + 8 <= n:
            length = struct.unpack(">I", data[pos:pos + 4])[0]
            cuts |= {pos + 8, pos + 8 + length // 2, pos + 8 + length}
            pos += 12 + length
    return sorted(c for c in cuts if 0 < c < n)


def truncation(outdir, sources):
    out = []
    for name, data in sources:
        for cut in cut_points(data, data[:2] == b"\xff\xd8"):
            piece = data[:cut]
            tname = "%s.cut%07d" % (name, cut)
            with open(os.path.join(outdir, "trunc", tname), "wb") as f:
                f.write(piece)
            kind, result = pil_outcome(piece)
            entry = {"file": tname, "source": name, "cut": cut, "length": len(data), "pil": kind}
            if kind == "ok":
                entry["width"], entry["height"] = result.size
                with open(os.path.join(outdir, "ref", "trunc_" + tname + ".bin"), "wb") as f:
                    f.write(np.asarray(result, dtype=np.uint8).tobytes())
            else:
                entry["message"] = result
            out.append(entry)
    return out


def bombs(outdir, rng, nrng):
    limit = 2 * Image.MAX_IMAGE_PIXELS
    jpeg = io.BytesIO()
    make_rgb(nrng, rng, 16, 16).save(jpeg, "JPEG", quality=90)
    jpeg = bytearray(jpeg.getvalue())
    sof = next(i for i in range(2, len(jpeg) - 1) if jpeg[i] == 0xFF and jpeg[i + 1] in (0xC0, 0xC2))
    png = io.BytesIO()
    make_rgb(nrng, rng, 16, 16).save(png, "PNG")
    png = bytearray(png.getvalue())
    # 12470 * 14351 == 2 * MAX_IMAGE_PIXELS exactly (PIL refuses only more than that)
    jpeg_sizes = [(12470, 14351), (12470, 14352), (12471, 14351), (14351, 12470), (65535, 65535),
                  (65535, 2730), (65535, 2731), (9000, 9000), (13378, 13377)]
    png_sizes = [(1, limit), (1, limit + 1), (2, limit // 2), (3, limit // 3 + 1), (12470, 14351),
                 (14352, 12470), (100000, 100000), (2 ** 31 - 1, 1), (40000, 4473)]
    out = []
    for w, h in jpeg_sizes:
        d = bytearray(jpeg)
        d[sof + 5:sof + 9] = struct.pack(">HH", h, w)
        out.append(("bomb_jpeg_%dx%d.jpg" % (w, h), bytes(d), w, h))
    for w, h in png_sizes:
        d = bytearray(png)
        d[16:24] = struct.pack(">II", w, h)
        d[29:33] = struct.pack(">I", zlib.crc32(bytes(d[12:29])) & 0xFFFFFFFF)
        out.append(("bomb_png_%dx%d.png" % (w, h), bytes(d), w, h))
    entries = []
    for name, d, w, h in out:
        with open(os.path.join(outdir, "bomb", name), "wb") as f:
            f.write(d)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                Image.open(io.BytesIO(d))  # the bomb check is in open(); nothing is decoded
            verdict, msg = "ok", ""
        except Image.DecompressionBombError as e:
            verdict, msg = "bomb", str(e)
        except Exception as e:
            verdict, msg = "error", "%s: %s" % (type(e).__name__, e)
        entries.append({"file": name, "width": w, "height": h, "pil": verdict, "message": msg})
    return entries


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=20240611)
    p.add_argument("--count", type=int, default=150)
    a = p.parse_args()
    for sub in ("img", "ref", "trunc", "bomb"):
        os.makedirs(os.path.join(a.outdir, sub), exist_ok=True)
    rng = random.Random(a.seed)
    nrng = np.random.RandomState(a.seed % (2 ** 32))

    n_edge = len(EDGE_SIZES)
    n_jpeg = int(a.count * 0.5)
    n_pil_png = int(a.count * 0.2)
    n_raw_png = int(a.count * 0.12)
    images = []
    generated = []
    for i in range(a.count):
        if i < n_edge:
            g = gen_jpeg(nrng, rng, i, EDGE_SIZES[i])
        elif i < n_edge + n_jpeg:
            g = gen_jpeg(nrng, rng, i)
        elif i < n_edge + n_jpeg + n_pil_png:
            g = gen_png_pil(nrng, rng, i)
        elif i < n_edge + n_jpeg + n_pil_png + n_raw_png:
            g = gen_png_raw(nrng, rng, i)
        else:
            g = gen_other(nrng, rng, i)
        images.append(reference(a.outdir, rng, *g))
        generated.append(g)

    # truncation: one medium-sized file of each kind (format, mode, progressive / interlaced)
    by_kind = {}
    for name, data, desc in generated:
        if not 1500 <= len(data) <= 400000:
            continue
        words = desc.split()
        key = (words[0], words[1] if words[1] != "(PIL)" and words[1] != "(hand-made)" else words[2],
               "progressive" in words, "interlaced" in words)
        by_kind.setdefault(key, (name, data))
    trunc = truncation(a.outdir, sorted(by_kind.values()))

    json.dump({"pil_version": PIL.__version__, "numpy_version": np.__version__, "seed": a.seed,
               "filters": list(FILTERS), "images": images, "truncation": trunc,
               "bombs": bombs(a.outdir, rng, nrng), "pil_pixel_limit": 2 * Image.MAX_IMAGE_PIXELS},
              open(os.path.join(a.outdir, "cases.json"), "w"), indent=1)
    print("%d images, %d resize cases, %d truncated files, PIL %s" % (
        len(images), sum(len(i["cases"]) for i in images), len(trunc), PIL.__version__))


if __name__ == "__main__":
    main()
