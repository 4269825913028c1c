package dev.lowres.data.corrupt;

/**
 * {@code scipy.ndimage.gaussian_filter} on one 2-D plane of doubles, as {@code skimage.filters.gaussian(x,
 * sigma, multichannel=True)} calls it for each channel of the reference's gaussian blur: mode
 * {@code 'nearest'} (the edge value repeats), {@code truncate = 4.0}, so the radius is
 * {@code int(4 * sigma + 0.5)} and the weights {@code exp(-x^2 / (2 sigma^2))} normalised to sum 1. Rows
 * (axis 0) are filtered first, then columns, and each output sums symmetric pairs from the outermost tap
 * inwards, as scipy's {@code correlate1d} does, so the result agrees with scipy to the last bits.
 */
final class GaussianFilter {
    static final double TRUNCATE = 4.0;

    private GaussianFilter() {
    }

    /** Half of the kernel: {@code w[0]} is the centre weight, {@code w[j]} the weight at distance j. */
    static double[] kernel(double sigma) {
        int radius = (int) (TRUNCATE * sigma + 0.5);
        double[] full = new double[2 * radius + 1];
        double sum = 0;
        double scale = -0.5 / (sigma * sigma);
        for (int i = -radius; i <= radius; i++) {
            full[i + radius] = Math.exp(scale * i * i);
        }
        for (double w : full) {
            sum += w;
        }
        double[] half = new double[radius + 1];
        for (int j = 0; j <= radius; j++) {
            half[j] = full[radius + j] / sum;
        }
        return half;
    }

    /**
     * Filters {@code plane[offset .. offset + h*w)} in place; {@code tmp} holds at least
     * {@code max(h, w) + 2 * radius} doubles.
     */
    static void filter(double[] plane, int offset, int h, int w, double[] k, double[] tmp) {
        int r = k.length - 1;
        // axis 0 (down each column)
        for (int x = 0; x < w; x++) {
            for (int i = -r; i < h + r; i++) {
                tmp[i + r] = plane[offset + clamp(i, h) * w + x];
            }
            for (int y = 0; y < h; y++) {
                plane[offset + y * w + x] = correlate(tmp, y + r, k);
            }
        }
        // axis 1 (along each row)
        for (int y = 0; y < h; y++) {
            int row = offset + y * w;
            for (int i = -r; i < w + r; i++) {
                tmp[i + r] = plane[row + clamp(i, w)];
            }
            for (int x = 0; x < w; x++) {
                plane[row + x] = correlate(tmp, x + r, k);
            }
        }
    }

    private static double correlate(double[] line, int centre, double[] k) {
        double acc = line[centre] * k[0];
        for (int j = k.length - 1; j >= 1; j--) {
            acc += (line[centre - j] + line[centre + j]) * k[j];
        }
        return acc;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : (i >= n ? n - 1 : i);
    }
}
