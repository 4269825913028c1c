package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
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
}
