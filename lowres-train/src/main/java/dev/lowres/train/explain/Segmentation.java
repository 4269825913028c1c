package dev.lowres.train.explain;

import java.util.Arrays;

/**
 * Felzenszwalb & Huttenlocher 2004, "Efficient Graph-Based Image Segmentation", on the 8-connected pixel grid:
 * edges weighted by the RGB distance of Gaussian-smoothed pixels, merged in increasing weight while the weight
 * is within both components' internal difference plus {@code k / size}, then components under {@code minSize}
 * merged into a neighbour. The segments XRAI ranks (as scikit-image's {@code felzenszwalb}, which XRAI's
 * reference implementation uses).
 */
public final class Segmentation {
    /** The side XRAI's reference implementation segments at. */
    public static final int XRAI_SIDE = 224;

    private Segmentation() {
    }

    /**
     * XRAI's segmentations, as its reference implementation makes them: the image resized to 224 x 224
     * (bilinearly), segmented at each of {@code scales} with sigma 0.8 and minimum size 150 (scikit-image's
     * parameters on an image in [-1, 1], which are {@code k = scale / 2} in pixel units), the labels taken back
     * to the image's size at each pixel's centre. One label map (row-major, labels 0..n-1) per scale.
     */
    public static java.util.List<int[]> xraiSegments(float[] chw, int channels, int height, int width, double[] scales) {
        int side = XRAI_SIDE;
        int n = height * width;
        float[] big = new float[channels * side * side];
        for (int c = 0; c < channels; c++) {
            float[] plane = Explainer.bilinear(Arrays.copyOfRange(chw, c * n, (c + 1) * n), height, width, side, side);
            System.arraycopy(plane, 0, big, c * side * side, side * side);
        }
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (double scale : scales) {
            int[] labels = felzenszwalb(big, channels, side, side, scale / 2, 0.8, 150);
            int[] small = new int[n];
            int[] id = new int[side * side];
            Arrays.fill(id, -1);
            int next = 0;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int by = Math.min(side - 1, (int) ((y + 0.5) * side / height));
                    int bx = Math.min(side - 1, (int) ((x + 0.5) * side / width));
                    int l = labels[by * side + bx];
                    if (id[l] < 0) {
                        id[l] = next++;
                    }
                    small[y * width + x] = id[l];
                }
            }
            out.add(small);
        }
        return out;
    }

    /**
     * @param chw planar pixels (channels, height, width), 0..255
     * @return a component label per pixel, 0..n-1, row-major
     */
    public static int[] felzenszwalb(float[] chw, int channels, int height, int width, double k, double sigma,
                                     int minSize) {
        int n = height * width;
        float[][] smooth = new float[channels][];
        for (int c = 0; c < channels; c++) {
            smooth[c] = blur(Arrays.copyOfRange(chw, c * n, (c + 1) * n), height, width, sigma);
        }
        int[][] offsets = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};
        int edges = 0;
        long[] a = new long[n * 4];
        double[] w = new double[n * 4];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int[] o : offsets) {
                    int yy = y + o[0];
                    int xx = x + o[1];
                    if (yy >= height || xx < 0 || xx >= width) {
                        continue;
                    }
                    int p = y * width + x;
                    int q = yy * width + xx;
                    double d = 0;
                    for (int c = 0; c < channels; c++) {
                        double diff = smooth[c][p] - smooth[c][q];
                        d += diff * diff;
                    }
                    a[edges] = ((long) p << 32) | q;
                    w[edges] = Math.sqrt(d);
                    edges++;
                }
            }
        }
        // edges in increasing weight (ties by position): non-negative floats order as their bits do
        long[] keys = new long[edges];
        for (int i = 0; i < edges; i++) {
            keys[i] = ((long) Float.floatToIntBits((float) w[i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[edges];
        for (int i = 0; i < edges; i++) {
            order[i] = (int) keys[i];
        }
        int[] parent = new int[n];
        int[] size = new int[n];
        double[] internal = new double[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            size[i] = 1;
        }
        for (int e : order) {
            int p = find(parent, (int) (a[e] >>> 32));
            int q = find(parent, (int) a[e]);
            if (p == q) {
                continue;
            }
            if (w[e] <= Math.min(internal[p] + k / size[p], internal[q] + k / size[q])) {
                int r = union(parent, size, p, q);
                internal[r] = w[e];
            }
        }
        for (int e : order) {
            int p = find(parent, (int) (a[e] >>> 32));
            int q = find(parent, (int) a[e]);
            if (p != q && (size[p] < minSize || size[q] < minSize)) {
                union(parent, size, p, q);
            }
        }
        int[] label = new int[n];
        int[] id = new int[n];
        Arrays.fill(id, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            int r = find(parent, i);
            if (id[r] < 0) {
                id[r] = next++;
            }
            label[i] = id[r];
        }
        return label;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static int union(int[] parent, int[] size, int p, int q) {
        if (size[p] < size[q]) {
            int t = p;
            p = q;
            q = t;
        }
        parent[q] = p;
        size[p] += size[q];
        return p;
    }

    /** A separable Gaussian blur (edges clamped); sigma 0 returns the plane as it is. */
    static float[] blur(float[] plane, int height, int width, double sigma) {
        if (sigma <= 0) {
            return plane;
        }
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        float[] tmp = new float[plane.length];
        float[] out = new float[plane.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = 0;
                for (int i = -radius; i <= radius; i++) {
                    int xx = Math.min(width - 1, Math.max(0, x + i));
                    v += kernel[i + radius] * plane[y * width + xx];
                }
                tmp[y * width + x] = (float) v;
            }
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = 0;
                for (int i = -radius; i <= radius; i++) {
                    int yy = Math.min(height - 1, Math.max(0, y + i));
                    v += kernel[i + radius] * tmp[yy * width + x];
                }
                out[y * width + x] = (float) v;
            }
        }
        return out;
    }
}
