package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResamplerTest {
    /**
     * When every r x r block of the full image is one colour, the reduced image holds exactly those
     * colours, and resizing it (weights moved onto the reduced grid) must give the exact resize's bytes.
     */
    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void aReducedImageOfConstantBlocksResizesExactlyLikeTheFullImage(ResampleFilter filter) {
        SplittableRandom random = new SplittableRandom(7);
        Resampler resampler = new Resampler();
        for (int reduction : new int[] {2, 4, 8}) {
            for (int[] size : new int[][] {{333, 500}, {500, 375}, {64, 64}, {101, 37}}) {
                int fullW = size[0];
                int fullH = size[1];
                int w = (fullW + reduction - 1) / reduction;
                int h = (fullH + reduction - 1) / reduction;
                int[] reduced = new int[w * h];
                for (int i = 0; i < reduced.length; i++) {
                    reduced[i] = DecodedImage.pack(random.nextInt(256), random.nextInt(256), random.nextInt(256));
                }
                int[] full = new int[fullW * fullH];
                for (int y = 0; y < fullH; y++) {
                    for (int x = 0; x < fullW; x++) {
                        full[y * fullW + x] = reduced[(y / reduction) * w + x / reduction];
                    }
                }
                for (int[] out : new int[][] {{32, 32}, {16, 16}, {17, 9}}) {
                    byte[] expected = new byte[3 * out[0] * out[1]];
                    byte[] actual = new byte[expected.length];
                    resampler.resize(new DecodedImage(fullW, fullH, full), out[0], out[1], filter, expected, 0);
                    resampler.resize(new DecodedImage(w, h, reduced, fullW, fullH, reduction), out[0], out[1],
                            filter, actual, 0);
                    assertArrayEquals(expected, actual, filter + " " + fullW + "x" + fullH + " /" + reduction
                            + " -> " + out[0] + "x" + out[1]);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ResampleFilter.class, names = "BOX")
    void aReducedImageMustHaveTheReducedSize(ResampleFilter filter) {
        assertThrows(IllegalArgumentException.class, () -> new DecodedImage(60, 50, new int[3000], 500, 375, 8));
    }

    /**
     * BOX windows are summed with two channels packed in one int up to {@link Resampler#MAX_PACKED_TAPS} taps and
     * channel by channel beyond: both must give Pillow's weighted sums, for saturated pixels (the largest sums a
     * packed half must hold without carrying) and random ones, at window widths on both sides of the limit.
     */
    @Test
    void boxSumsAreThoseOfPillowsWeightedPassesOnEitherSideOfThePackedLimit() {
        SplittableRandom random = new SplittableRandom(11);
        Resampler resampler = new Resampler();
        int limit = Resampler.MAX_PACKED_TAPS;
        // input widths whose windows at 4 and 3 outputs are below, at and above the limit
        for (int width : new int[] {37, 4 * limit - 2, 4 * limit, 4 * limit + 6, 3 * limit + 3, 1031}) {
            for (boolean saturated : new boolean[] {true, false}) {
                int height = 5;
                int[] px = new int[width * height];
                for (int i = 0; i < px.length; i++) {
                    px[i] = saturated ? DecodedImage.pack(255, 255, 255)
                            : DecodedImage.pack(random.nextInt(256), random.nextInt(256), random.nextInt(256));
                }
                for (int outWidth : new int[] {4, 3}) {
                    byte[] expected = pillowBox(px, width, height, outWidth, 2);
                    byte[] actual = new byte[expected.length];
                    resampler.resize(new DecodedImage(width, height, px), outWidth, 2, ResampleFilter.BOX, actual, 0);
                    assertArrayEquals(expected, actual, width + " -> " + outWidth + (saturated ? ", saturated" : ""));
                }
            }
        }
    }

    /** Pillow's two passes written out with every tap's weight (the oracle: no shortcut for equal weights). */
    private static byte[] pillowBox(int[] px, int width, int height, int outWidth, int outHeight) {
        Resampler.Coefficients kx = Resampler.Coefficients.compute(width, outWidth, ResampleFilter.BOX);
        Resampler.Coefficients ky = Resampler.Coefficients.compute(height, outHeight, ResampleFilter.BOX);
        int half = 1 << (Resampler.PRECISION_BITS - 1);
        int[][] rows = new int[3][height * outWidth];
        for (int y = 0; y < height; y++) {
            for (int xx = 0; xx < outWidth; xx++) {
                for (int c = 0; c < 3; c++) {
                    int sum = half;
                    for (int x = 0; x < kx.bounds[2 * xx + 1]; x++) {
                        int p = px[y * width + kx.bounds[2 * xx] + x];
                        sum += ((p >>> (24 - 8 * c)) & 0xFF) * kx.weights[xx * kx.ksize + x];
                    }
                    rows[c][y * outWidth + xx] = clip(sum);
                }
            }
        }
        byte[] out = new byte[3 * outWidth * outHeight];
        for (int c = 0; c < 3; c++) {
            for (int yy = 0; yy < outHeight; yy++) {
                for (int xx = 0; xx < outWidth; xx++) {
                    int sum = half;
                    for (int y = 0; y < ky.bounds[2 * yy + 1]; y++) {
                        sum += rows[c][(ky.bounds[2 * yy] + y) * outWidth + xx] * ky.weights[yy * ky.ksize + y];
                    }
                    out[c * outWidth * outHeight + yy * outWidth + xx] = (byte) clip(sum);
                }
            }
        }
        return out;
    }

    private static int clip(int sum) {
        return Math.max(0, Math.min(255, sum >> Resampler.PRECISION_BITS));
    }
}
