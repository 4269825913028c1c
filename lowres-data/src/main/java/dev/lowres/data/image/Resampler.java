package dev.lowres.data.image;

import java.util.HashMap;
import java.util.Map;

/**
 * Pillow's {@code Image.resize((w, h), filter)} for 8-bit RGB, reproduced bit for bit (Pillow 9.4,
 * {@code Resample.c} and, for NEAREST, {@code Geometry.c}'s {@code ImagingScaleAffine}).
 *
 * <p>Convolution filters work as Pillow does: kernel weights are computed in double precision,
 * normalised, rounded to 22-bit fixed point; a horizontal pass over only the rows the vertical pass
 * needs is rounded to 8 bits, then a vertical pass produces the output. A pass whose size does not
 * change is skipped. Integer sums are exact, so loop order does not change the result.
 *
 * <p>Not thread-safe: it keeps scratch buffers and a cache of coefficients (ImageNet repeats a few
 * hundred input sizes). Use one per thread.
 */
public final class Resampler {
    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    /** The widest BOX window whose 8-bit sums fit in 16 bits (255 x 257 = 65,535): two channels share an int. */
    static final int MAX_PACKED_TAPS = 257;

    private final Map<Long, Coefficients> cache = new HashMap<>();
    private byte[] red = new byte[0];
    private byte[] green = new byte[0];
    private byte[] blue = new byte[0];

    /**
     * Resizes {@code src} to {@code outWidth x outHeight} and writes planar RGB (all red, then green,
     * then blue, each row-major) into {@code dst} starting at {@code offset}.
     *
     * <p>An image decoded at {@code 1/reduction} of its size (fast mode) is resized as if it were the
     * full-size image: the filter's weights are computed on the full-size grid, exactly as for an exact
     * resize, and each full-size tap's weight goes to the reduced pixel that covers it. Boxes therefore keep
     * their exact extent instead of snapping to the reduced grid; what remains of the difference from the
     * exact result comes from the DCT-domain reduction itself.
     */
    public void resize(DecodedImage src, int outWidth, int outHeight, ResampleFilter filter, byte[] dst,
                       int offset) {
        int fullWidth = src.fullWidth();
        int fullHeight = src.fullHeight();
        int reduction = src.reduction();
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive: " + outWidth + "x" + outHeight);
        }
        if (dst.length - offset < 3 * outWidth * outHeight) {
            throw new IllegalArgumentException("destination too small");
        }
        if (filter == ResampleFilter.NEAREST) {
            nearest(src, fullWidth, fullHeight, reduction, outWidth, outHeight, dst, offset);
            return;
        }
        boolean horizontal = outWidth != fullWidth || reduction != 1;
        boolean vertical = outHeight != fullHeight || reduction != 1;
        Coefficients rows = coefficients(fullHeight, outHeight, filter, reduction);
        int firstRow = rows.bounds[0];
        int lastRow = rows.bounds[2 * outHeight - 2] + rows.bounds[2 * outHeight - 1];
        int tempRows = lastRow - firstRow;
        ensureScratch(outWidth * tempRows);
        if (horizontal) {
            horizontalPass(src, coefficients(fullWidth, outWidth, filter, reduction), outWidth, firstRow, tempRows);
        } else {
            unpackRows(src, firstRow, tempRows);
        }
        int plane = outWidth * outHeight;
        if (vertical) {
            verticalPass(rows, firstRow, outWidth, outHeight, red, dst, offset);
            verticalPass(rows, firstRow, outWidth, outHeight, green, dst, offset + plane);
            verticalPass(rows, firstRow, outWidth, outHeight, blue, dst, offset + 2 * plane);
        } else {
            System.arraycopy(red, 0, dst, offset, plane);
            System.arraycopy(green, 0, dst, offset + plane, plane);
            System.arraycopy(blue, 0, dst, offset + 2 * plane, plane);
        }
    }

    private void horizontalPass(DecodedImage src, Coefficients k, int outWidth, int firstRow, int rowCount) {
        int[] px = src.pixels();
        int inWidth = src.width();
        int ksize = k.ksize;
        int[] bounds = k.bounds;
        int[] weights = k.weights;
        int[] uniform = k.uniform;
        for (int y = 0; y < rowCount; y++) {
            int rowBase = (y + firstRow) * inWidth;
            int outBase = y * outWidth;
            for (int xx = 0; xx < outWidth; xx++) {
                int r;
                int g;
                int b;
                if (uniform != null) {
                    // BOX: every non-zero tap of a window has the same weight, so the weighted sum is that
                    // weight times the plain sum: the same integer with a third of the multiplications
                    int begin = rowBase + uniform[3 * xx];
                    int end = rowBase + uniform[3 * xx + 1];
                    int w = uniform[3 * xx + 2];
                    if (end - begin <= MAX_PACKED_TAPS) {
                        // red and blue summed in the two halves of one int (bits 16-31 and 0-15), green shifted
                        // by 8 in another: 255 x 257 fits in 16 bits, so no half carries into the next
                        int rb = 0;
                        int g8 = 0;
                        for (int i = begin; i < end; i++) {
                            int p = px[i] >>> 8;
                            rb += p & 0x00FF00FF;
                            g8 += p & 0x0000FF00;
                        }
                        r = rb >>> 16;
                        g = g8 >>> 8;
                        b = rb & 0xFFFF;
                    } else {
                        r = 0;
                        g = 0;
                        b = 0;
                        for (int i = begin; i < end; i++) {
                            int p = px[i];
                            r += p >>> 24;
                            g += (p >>> 16) & 0xFF;
                            b += (p >>> 8) & 0xFF;
                        }
                    }
                    r = HALF + r * w;
                    g = HALF + g * w;
                    b = HALF + b * w;
                } else {
                    int start = rowBase + bounds[2 * xx];
                    int count = bounds[2 * xx + 1];
                    int kBase = xx * ksize;
                    r = HALF;
                    g = HALF;
                    b = HALF;
                    for (int x = 0; x < count; x++) {
                        int p = px[start + x];
                        int w = weights[kBase + x];
                        r += (p >>> 24) * w;
                        g += ((p >>> 16) & 0xFF) * w;
                        b += ((p >>> 8) & 0xFF) * w;
                    }
                }
                red[outBase + xx] = clip8(r);
                green[outBase + xx] = clip8(g);
                blue[outBase + xx] = clip8(b);
            }
        }
    }

    private void unpackRows(DecodedImage src, int firstRow, int rowCount) {
        int[] px = src.pixels();
        int width = src.width();
        for (int i = 0, n = rowCount * width, base = firstRow * width; i < n; i++) {
            int p = px[base + i];
            red[i] = (byte) (p >>> 24);
            green[i] = (byte) (p >>> 16);
            blue[i] = (byte) (p >>> 8);
        }
    }

    private static void verticalPass(Coefficients k, int firstRow, int width, int outHeight, byte[] in,
                                     byte[] dst, int offset) {
        int ksize = k.ksize;
        int[] bounds = k.bounds;
        int[] weights = k.weights;
        for (int yy = 0; yy < outHeight; yy++) {
            int start = bounds[2 * yy] - firstRow;
            int count = bounds[2 * yy + 1];
            int kBase = yy * ksize;
            int outBase = offset + yy * width;
            for (int xx = 0; xx < width; xx++) {
                int s = HALF;
                for (int y = 0; y < count; y++) {
                    s += (in[(start + y) * width + xx] & 0xFF) * weights[kBase + y];
                }
                dst[outBase + xx] = clip8(s);
            }
        }
    }

    /**
     * Pillow's NEAREST: an affine scale with pixel centres accumulated in double precision, on the full-size
     * grid; a reduced image supplies the pixel that covers the chosen full-size one.
     */
    private static void nearest(DecodedImage src, int fullWidth, int fullHeight, int reduction, int outWidth,
                                int outHeight, byte[] dst, int offset) {
        int[] px = src.pixels();
        int width = src.width();
        double ax = (double) (float) fullWidth / outWidth;
        double ay = (double) (float) fullHeight / outHeight;
        int[] xin = new int[outWidth];
        double xo = ax * 0.5;
        for (int x = 0; x < outWidth; x++) {
            xin[x] = xo < 0.0 ? -1 : (int) xo;
            xo += ax;
        }
        int plane = outWidth * outHeight;
        double yo = ay * 0.5;
        for (int y = 0; y < outHeight; y++) {
            int yi = yo < 0.0 ? -1 : (int) yo;
            yo += ay;
            for (int x = 0; x < outWidth; x++) {
                int o = offset + y * outWidth + x;
                if (yi < 0 || yi >= fullHeight || xin[x] < 0 || xin[x] >= fullWidth) {
                    dst[o] = 0;
                    dst[o + plane] = 0;
                    dst[o + 2 * plane] = 0;
                    continue;
                }
                int p = px[(yi / reduction) * width + xin[x] / reduction];
                dst[o] = (byte) (p >>> 24);
                dst[o + plane] = (byte) (p >>> 16);
                dst[o + 2 * plane] = (byte) (p >>> 8);
            }
        }
    }

    private static byte clip8(int v) {
        int s = v >> PRECISION_BITS;
        return (byte) (s < 0 ? 0 : Math.min(s, 255));
    }

    private void ensureScratch(int size) {
        if (red.length < size) {
            red = new byte[size];
            green = new byte[size];
            blue = new byte[size];
        }
    }

    private Coefficients coefficients(int inSize, int outSize, ResampleFilter filter, int reduction) {
        long key = ((long) inSize << 32) | ((long) outSize << 8) | ((long) reduction << 3) | filter.ordinal();
        return cache.computeIfAbsent(key, unused -> reduction == 1 ? Coefficients.compute(inSize, outSize, filter)
                : Coefficients.compute(inSize, outSize, filter).reduced(reduction));
    }

    /**
     * Fixed-point kernel weights of one axis: for output index i, input range
     * {@code [bounds[2i], bounds[2i] + bounds[2i+1])} with weights {@code weights[i*ksize ...]}.
     */
    static final class Coefficients {
        final int ksize;
        final int[] bounds;
        final int[] weights;
        /**
         * When every window's non-zero weights are equal (BOX): per output, the first and last+1 input index
         * of its non-zero taps and their common weight; null otherwise.
         */
        final int[] uniform;

        private Coefficients(int ksize, int[] bounds, int[] weights) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.weights = weights;
            this.uniform = uniformWindows(ksize, bounds, weights);
        }

        private static int[] uniformWindows(int ksize, int[] bounds, int[] weights) {
            int outSize = bounds.length / 2;
            int[] uniform = new int[3 * outSize];
            for (int xx = 0; xx < outSize; xx++) {
                int first = -1;
                int last = -1;
                int weight = 0;
                for (int x = 0; x < bounds[2 * xx + 1]; x++) {
                    int w = weights[xx * ksize + x];
                    if (w == 0) {
                        continue;
                    }
                    if (first >= 0 && (w != weight || last != x - 1)) {
                        return null; // unequal weights, or a zero inside the window
                    }
                    if (first < 0) {
                        first = x;
                    }
                    weight = w;
                    last = x;
                }
                int start = bounds[2 * xx];
                uniform[3 * xx] = first < 0 ? start : start + first;
                uniform[3 * xx + 1] = first < 0 ? start : start + last + 1;
                uniform[3 * xx + 2] = weight;
            }
            return uniform;
        }

        /**
         * These weights moved onto a grid reduced by {@code reduction}: each full-size tap's weight is added
         * to the reduced pixel {@code x / reduction} that covers it, so the fixed-point sums are unchanged.
         */
        Coefficients reduced(int reduction) {
            int outSize = bounds.length / 2;
            int[] newBounds = new int[outSize * 2];
            int newKsize = 1;
            for (int xx = 0; xx < outSize; xx++) {
                int first = bounds[2 * xx] / reduction;
                int last = (bounds[2 * xx] + Math.max(bounds[2 * xx + 1], 1) - 1) / reduction;
                newBounds[2 * xx] = first;
                newBounds[2 * xx + 1] = bounds[2 * xx + 1] == 0 ? 0 : last - first + 1;
                newKsize = Math.max(newKsize, newBounds[2 * xx + 1]);
            }
            int[] newWeights = new int[outSize * newKsize];
            for (int xx = 0; xx < outSize; xx++) {
                for (int x = 0; x < bounds[2 * xx + 1]; x++) {
                    int reducedIndex = (bounds[2 * xx] + x) / reduction - newBounds[2 * xx];
                    newWeights[xx * newKsize + reducedIndex] += weights[xx * ksize + x];
                }
            }
            return new Coefficients(newKsize, newBounds, newWeights);
        }

        /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
        static Coefficients compute(int inSize, int outSize, ResampleFilter filter) {
            double scale = (double) (float) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ww = 0.0;
                double ss = 1.0 / filterScale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                for (int x = 0; x < xmax; x++) {
                    double w = filter.weight((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    if (ww != 0.0) {
                        k[x] /= ww;
                    }
                    double scaled = k[x] * (1 << PRECISION_BITS);
                    weights[xx * ksize + x] = (int) (k[x] < 0 ? -0.5 + scaled : 0.5 + scaled);
                }
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(ksize, bounds, weights);
        }
    }
}
