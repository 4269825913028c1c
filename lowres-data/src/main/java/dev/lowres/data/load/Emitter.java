package dev.lowres.data.load;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Writes a {@link SampleImage} into its row of a batch, applying the pending view (shift, flip, fill) and
 * the normalisation in one pass: each output element is one table lookup (or one subtraction for the mean
 * image) and rows go out with bulk copies. One per worker thread.
 */
final class Emitter {
    private final LoaderConfig.Output output;
    private final Normalization normalization;
    private final int channels;
    private final int height;
    private final int width;
    private final float[][] table;
    private final float[] meanImage;
    private final byte[] meanPixel;
    private final float[] floatRow;
    private final byte[] byteRow;

    /**
     * @param channelMean per-channel mean in pixel units
     * @param channelStd per-channel standard deviation in pixel units
     * @param meanImage the mean image (channels x height x width) in pixel units, for MEAN_IMAGE
     */
    Emitter(LoaderConfig.Output output, Normalization normalization, int channels, int height, int width,
            double[] channelMean, double[] channelStd, float[] meanImage) {
        this.output = output;
        this.normalization = normalization;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.meanImage = meanImage;
        this.table = new float[channels][256];
        this.meanPixel = new byte[channels];
        for (int c = 0; c < channels; c++) {
            meanPixel[c] = (byte) Math.round(channelMean[c]);
            for (int v = 0; v < 256; v++) {
                table[c][v] = switch (normalization) {
                    case UNIT, MEAN_IMAGE -> v / 255f;
                    case CHANNEL -> (float) ((v - channelMean[c]) / channelStd[c]);
                };
            }
        }
        this.floatRow = new float[width];
        this.byteRow = new byte[width];
    }

    /** Bytes one record takes in a batch. */
    int bytesPerImage() {
        return channels * height * width * (output == LoaderConfig.Output.FLOAT32 ? 4 : 1);
    }

    byte[] meanPixel() {
        return meanPixel;
    }

    /** Writes {@code image} as row {@code row} of {@code batch}. */
    void emit(SampleImage image, ByteBuffer batch, FloatBuffer batchFloats, int row) {
        byte[] src = image.source();
        boolean view = image.viewPending();
        int dy = view ? image.dy() : 0;
        int dx = view ? image.dx() : 0;
        boolean flip = view && image.flipped();
        boolean meanFill = !view || image.fill() == SampleImage.Fill.MEAN;
        int plane = height * width;
        // columns whose source lies inside the image
        int x0 = flip ? Math.max(0, dx) : Math.max(0, -dx);
        int x1 = flip ? Math.min(width, width + dx) : Math.min(width, width - dx);
        FloatBuffer floats = output == LoaderConfig.Output.FLOAT32 ? batchFloats : null;
        int base = row * channels * plane;
        for (int c = 0; c < channels; c++) {
            float[] lut = table[c];
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                int out = base + c * plane + y * width;
                boolean inside = sy >= 0 && sy < height && x0 < x1;
                int srcRow = c * plane + sy * width;
                if (floats != null) {
                    if (!inside) {
                        fillFloats(c, y, 0, width, meanFill);
                    } else {
                        fillFloats(c, y, 0, x0, meanFill);
                        fillFloats(c, y, x1, width, meanFill);
                        if (normalization == Normalization.MEAN_IMAGE) {
                            for (int x = x0; x < x1; x++) {
                                int sx = flip ? width - 1 - x + dx : x + dx;
                                floatRow[x] = ((src[srcRow + sx] & 0xFF) - meanImage[srcRow + sx]) * (1f / 255f);
                            }
                        } else if (flip) {
                            for (int x = x0, sx = srcRow + width - 1 - x0 + dx; x < x1; x++, sx--) {
                                floatRow[x] = lut[src[sx] & 0xFF];
                            }
                        } else {
                            for (int x = x0, sx = srcRow + x0 + dx; x < x1; x++, sx++) {
                                floatRow[x] = lut[src[sx] & 0xFF];
                            }
                        }
                    }
                    floats.put(out, floatRow, 0, width);
                } else {
                    byte fillValue = meanFill ? meanPixel[c] : 0;
                    if (!inside) {
                        java.util.Arrays.fill(byteRow, fillValue);
                    } else {
                        for (int x = 0; x < x0; x++) {
                            byteRow[x] = fillValue;
                        }
                        for (int x = x1; x < width; x++) {
                            byteRow[x] = fillValue;
                        }
                        if (flip) {
                            for (int x = x0, sx = srcRow + width - 1 - x0 + dx; x < x1; x++, sx--) {
                                byteRow[x] = src[sx];
                            }
                        } else {
                            System.arraycopy(src, srcRow + x0 + dx, byteRow, x0, x1 - x0);
                        }
                    }
                    batch.put(out, byteRow, 0, width);
                }
            }
        }
    }

    /**
     * Fills {@code floatRow[from, to)} with what a crop puts beyond the image: zero (the mean, after
     * normalisation), or a black pixel normalised (with the mean image, against the mean at the output
     * position).
     */
    private void fillFloats(int c, int y, int from, int to, boolean meanFill) {
        if (meanFill) {
            // zero after mean subtraction; without one (unit scaling), the mean pixel scaled
            float mean = normalization == Normalization.UNIT ? table[c][meanPixel[c] & 0xFF] : 0f;
            java.util.Arrays.fill(floatRow, from, to, mean);
        } else if (normalization == Normalization.MEAN_IMAGE) {
            int rowStart = c * height * width + y * width;
            for (int x = from; x < to; x++) {
                floatRow[x] = -meanImage[rowStart + x] / 255f;
            }
        } else {
            java.util.Arrays.fill(floatRow, from, to, table[c][0]);
        }
    }
}
