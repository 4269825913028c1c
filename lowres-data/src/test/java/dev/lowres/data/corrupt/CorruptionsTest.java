package dev.lowres.data.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CorruptionsTest {
    private static final Set<Corruption> RANDOM = EnumSet.of(Corruption.GAUSSIAN_NOISE, Corruption.SHOT_NOISE,
            Corruption.IMPULSE_NOISE, Corruption.SPECKLE_NOISE);
    private static final long SEED = 20240611L;

    private static byte[] photo32;
    private static byte[] grey32;

    @BeforeAll
    static void load() {
        photo32 = TestImages.rgb(TestImages.RGB.get(0), 32, 32);
        grey32 = TestImages.grey(TestImages.GREY, 32, 32);
    }

    private static byte[] apply(Corruption c, int severity, byte[] image, int channels, int size, long record) {
        return Corruptions.apply(c, severity, image, channels, size, size, SEED, record);
    }

    @Test
    void sameCallSameBytesAndRecordsGetDifferentNoise() {
        for (Corruption c : Corruption.values()) {
            for (int s = 1; s <= 5; s++) {
                byte[] a = apply(c, s, photo32, 3, 32, 7);
                byte[] b = apply(c, s, photo32, 3, 32, 7);
                assertArrayEquals(a, b, c + " severity " + s);
                byte[] other = apply(c, s, photo32, 3, 32, 8);
                byte[] otherSeed = Corruptions.apply(c, s, photo32, 3, 32, 32, SEED + 1, 7);
                if (RANDOM.contains(c)) {
                    assertFalse(Arrays.equals(a, other), c + ": records 7 and 8 got the same noise");
                    assertFalse(Arrays.equals(a, otherSeed), c + ": seeds got the same noise");
                } else {
                    assertArrayEquals(a, other, c + " is deterministic: the record must not matter");
                }
            }
        }
        // severities and corruptions draw from different streams: same noise pattern would show as
        // identical salt/pepper positions
        byte[] grey = TestImages.filled(3 * 32 * 32, 128);
        assertFalse(Arrays.equals(flipMask(apply(Corruption.IMPULSE_NOISE, 4, grey, 3, 32, 1)),
                flipMask(apply(Corruption.IMPULSE_NOISE, 5, grey, 3, 32, 1))));
    }

    private static boolean[] flipMask(byte[] y) {
        boolean[] m = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            m[i] = (y[i] & 0xFF) != 128;
        }
        return m;
    }

    @Test
    void sameBytesInAnyThreadAndOrder() throws Exception {
        List<Object[]> jobs = new ArrayList<>();
        for (Corruption c : Corruption.values()) {
            for (long record = 0; record < 12; record++) {
                jobs.add(new Object[] {c, (int) (1 + record % 5), record});
            }
        }
        List<byte[]> sequential = new ArrayList<>();
        for (Object[] j : jobs) {
            sequential.add(apply((Corruption) j[0], (int) j[1], photo32, 3, 32, (long) j[2]));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = jobs.size() - 1; i >= 0; i--) { // reverse order
                Object[] j = jobs.get(i);
                futures.add(pool.submit(() -> apply((Corruption) j[0], (int) j[1], photo32, 3, 32, (long) j[2])));
            }
            for (int i = 0; i < jobs.size(); i++) {
                assertArrayEquals(sequential.get(jobs.size() - 1 - i), futures.get(i).get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void inputIsNotModified() {
        byte[] rgbCopy = photo32.clone();
        byte[] greyCopy = grey32.clone();
        for (Corruption c : Corruption.values()) {
            for (int s = 1; s <= 5; s++) {
                assertTrue(apply(c, s, photo32, 3, 32, 1) != photo32);
                assertEquals(32 * 32 * 3, apply(c, s, photo32, 3, 32, 1).length);
                assertEquals(32 * 32, apply(c, s, grey32, 1, 32, 1).length);
            }
        }
        assertArrayEquals(rgbCopy, photo32);
        assertArrayEquals(greyCopy, grey32);
    }

    /**
     * A grey image as one plane and as three equal planes: the deterministic corruptions give the same
     * grey result (brightness: H = S = 0, so only V = the value moves; JPEG: Cb = Cr = 128 and Y = the value).
     */
    @Test
    void greyPlaneMatchesGreyAsRgb() {
        byte[] asRgb = new byte[3 * grey32.length];
        for (int ch = 0; ch < 3; ch++) {
            System.arraycopy(grey32, 0, asRgb, ch * grey32.length, grey32.length);
        }
        for (Corruption c : EnumSet.complementOf(EnumSet.copyOf(RANDOM))) {
            for (int s = 1; s <= 5; s++) {
                byte[] one = apply(c, s, grey32, 1, 32, 3);
                byte[] three = apply(c, s, asRgb, 3, 32, 3);
                for (int ch = 0; ch < 3; ch++) {
                    assertArrayEquals(one, Arrays.copyOfRange(three, ch * one.length, (ch + 1) * one.length),
                            c + " severity " + s + " plane " + ch);
                }
            }
        }
    }

    /**
     * On real photos (RGB at 32 px: CIFAR-10-C table; at 64 px: Tiny-ImageNet-C table; grey at 32 px), every
     * corruption changes the image at every severity, and the mean absolute difference from the clean image
     * does not decrease from severity 1 to 5.
     */
    @Test
    void everySeverityChangesTheImageAndDamageGrows() {
        StringBuilder report = new StringBuilder();
        for (int size : new int[] {32, 64}) {
            List<String> names = new ArrayList<>(TestImages.RGB);
            names.add(TestImages.GREY);
            for (String name : names) {
                boolean grey = name.equals(TestImages.GREY);
                int channels = grey ? 1 : 3;
                byte[] clean = grey ? TestImages.grey(name, size, size) : TestImages.rgb(name, size, size);
                for (Corruption c : Corruption.values()) {
                    double[] mad = new double[5];
                    for (int s = 1; s <= 5; s++) {
                        mad[s - 1] = TestImages.meanAbsDiff(clean, apply(c, s, clean, channels, size, 11));
                    }
                    String what = c + " on " + name + " at " + size + " px: damage " + Arrays.toString(mad);
                    for (int s = 1; s <= 5; s++) {
                        assertTrue(mad[s - 1] > 0, what + ": severity " + s + " left the image unchanged");
                        if (s > 1 && c == Corruption.PIXELATE) {
                            // 32 px: 30, 28, 27, 24, 20 px grids; 28 and 27 alias differently, so a step may
                            // lose a little (seen: 3.39 -> 3.00 levels); the trend must still be up
                            assertTrue(mad[s - 1] >= 0.8 * mad[s - 2], what + " drops at severity " + s);
                        } else if (s > 1) {
                            assertTrue(mad[s - 1] >= mad[s - 2], what + " decreases at severity " + s);
                        }
                    }
                    assertTrue(mad[4] > mad[0], what + ": severity 5 is not worse than 1");
                    if (name.equals(TestImages.RGB.get(0))) {
                        report.append(String.format(Locale.ROOT, "%d px %-16s %s%n", size, c.id(),
                                Arrays.toString(Arrays.stream(mad).map(m -> Math.round(m * 100) / 100.0).toArray())));
                    }
                }
            }
        }
        System.out.print("mean |corrupted - clean| per severity 1..5 (levels):\n" + report);
    }

    @Test
    void contrastByHand() {
        // 2x2, R = {0, 40, 80, 120} (mean 60/255), G = 200 constant, B = {255, 255, 0, 0}
        byte[] img = bytes(0, 40, 80, 120, 200, 200, 200, 200, 255, 255, 0, 0);
        double c = ParameterTable.CIFAR_10_C.parameter(Corruption.CONTRAST, 2); // 0.5
        assertEquals(0.5, c);
        byte[] y = Corruptions.apply(Corruption.CONTRAST, 2, img, 3, 2, 2, 0, 0);
        // per-channel means: R 60, G 200, B 127.5 (levels)
        int[] expected = new int[12];
        double[] means = {60 / 255.0, 200 / 255.0, 127.5 / 255.0};
        for (int i = 0; i < 12; i++) {
            double x = (img[i] & 0xFF) / 255.0;
            double m = means[i / 4];
            expected[i] = (int) (Math.min(1, Math.max(0, (x - m) * c + m)) * 255);
        }
        // what numpy gives for the reference's formula (90/255 * 255 truncates to 89)
        assertArrayEquals(new int[] {30, 50, 70, 89, 200, 200, 200, 200, 191, 191, 63, 63}, expected);
        assertArrayEquals(expected, ints(y));
    }

    @Test
    void brightnessByHand() {
        // numpy (skimage's rgb2hsv / hsv2rgb) at severity 1, c = 0.05
        assertArrayEquals(new int[] {140, 112, 255, 140, 56, 9, 140, 0, 30}, ints(Corruptions.apply(
                Corruption.BRIGHTNESS, 1, bytes(128, 100, 255, 128, 50, 10, 128, 0, 30), 3, 1, 3, 0, 0)));
        for (int s = 1; s <= 5; s++) {
            double c = ParameterTable.CIFAR_10_C.parameter(Corruption.BRIGHTNESS, s);
            // a grey pixel: S = 0, so R = G = B = V + c
            int grey = (int) ((128 / 255.0 + c) * 255);
            assertArrayEquals(new int[] {grey, grey, grey},
                    ints(Corruptions.apply(Corruption.BRIGHTNESS, s, bytes(128, 128, 128), 3, 1, 1, 0, 0)));
            assertArrayEquals(new int[] {grey},
                    ints(Corruptions.apply(Corruption.BRIGHTNESS, s, bytes(128), 1, 1, 1, 0, 0)));
            // (100, 50, 0): H = 1/12, S = 1, V = 100/255; raising V keeps G = V/2 and B = 0
            double v = 100 / 255.0 + c;
            assertArrayEquals(new int[] {(int) (v * 255), (int) (v / 2 * 255), 0},
                    ints(Corruptions.apply(Corruption.BRIGHTNESS, s, bytes(100, 50, 0), 3, 1, 1, 0, 0)));
            // already at V = 1: the math says unchanged, but 10/255 through HSV and back truncates to 9, as
            // in the reference (numpy gives [255, 9, 30] at every severity)
            assertArrayEquals(new int[] {255, 9, 30},
                    ints(Corruptions.apply(Corruption.BRIGHTNESS, s, bytes(255, 10, 30), 3, 1, 1, 0, 0)));
        }
    }

    @Test
    void pixelateByHand() {
        // 2x2 at severity 1: int(2 * 0.95) = 1, so one BOX mean spread back over 2x2. PIL resizes rows first
        // and rounds to 8 bits between the passes: rows (0+10)/2 = 5, (20+31)/2 = 25.5 -> 26, then
        // (5+26)/2 = 15.5 -> 16 (PIL 9.4 gives 16, not round(15.25) = 15)
        byte[] img = bytes(0, 10, 20, 31, 255, 255, 255, 255, 1, 2, 3, 4);
        assertArrayEquals(new int[] {16, 16, 16, 16, 255, 255, 255, 255, 3, 3, 3, 3},
                ints(Corruptions.apply(Corruption.PIXELATE, 1, img, 3, 2, 2, 0, 0)));
        // 32 px at severity 4 (c = 0.75): alternating columns 0 / 200, sides 32 -> 24 -> 32
        byte[] stripes = new byte[32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                stripes[y * 32 + x] = (byte) (x % 2 == 0 ? 0 : 200);
            }
        }
        byte[] y = Corruptions.apply(Corruption.PIXELATE, 4, stripes, 1, 32, 32, 0, 0);
        // columns mix, rows stay identical, and the mean level is kept to within rounding
        double mean = 0;
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i % 32], y[i]);
            mean += (y[i] & 0xFF);
        }
        assertEquals(100, mean / y.length, 1e-9);
        // PIL 9.4: Image.fromarray(stripes).resize((24, 24), BOX).resize((32, 32), BOX) repeats 0, 100, 100, 200
        for (int x = 0; x < 32; x++) {
            assertEquals(new int[] {0, 100, 100, 200}[x % 4], y[x] & 0xFF, "column " + x);
        }
    }

    @Test
    void gaussianKernelIsScipys() {
        assertEquals(3, GaussianFilter.kernel(0.4).length); // radius int(1.6 + 0.5) = 2
        assertEquals(5, GaussianFilter.kernel(1.0).length); // radius 4
        assertEquals(7, GaussianFilter.kernel(1.5).length); // radius 6
        double[] k = GaussianFilter.kernel(1.0);
        double sum = k[0];
        for (int j = 1; j < k.length; j++) {
            sum += 2 * k[j];
            assertEquals(Math.exp(-0.5 * j * j), k[j] / k[0], 1e-15);
        }
        assertEquals(1.0, sum, 1e-15);
        // a single bright pixel spreads symmetrically; a constant image stays (to truncation) constant
        byte[] dot = new byte[9 * 9];
        dot[4 * 9 + 4] = (byte) 255;
        byte[] y = Corruptions.apply(Corruption.GAUSSIAN_BLUR, 5, dot, 1, 9, 9, 0, 0);
        assertEquals((int) (k[0] * k[0] * 255), y[4 * 9 + 4] & 0xFF);
        assertEquals((int) (k[1] * k[0] * 255), y[4 * 9 + 5] & 0xFF);
        assertEquals(y[4 * 9 + 5], y[3 * 9 + 4]);
        for (int v : new int[] {0, 255}) {
            byte[] flat = Corruptions.apply(Corruption.GAUSSIAN_BLUR, 5, TestImages.filled(64, v), 1, 8, 8, 0, 0);
            for (byte b : flat) {
                assertEquals(v, b & 0xFF, 1);
            }
        }
    }

    @Test
    void gaussianNoiseStatistics() {
        for (ParameterTable table : ParameterTable.values()) {
            for (int s = 1; s <= 5; s++) {
                double c = table.parameter(Corruption.GAUSSIAN_NOISE, s);
                byte[] mid = TestImages.filled(3 * 64 * 64, 128);
                byte[] y = Corruptions.apply(Corruption.GAUSSIAN_NOISE, s, mid, 3, 64, 64, SEED, s, table);
                double[] d = diffs(mid, y);
                // truncation to uint8 shifts the mean by about -0.5 and adds about 1/12 to the variance
                assertEquals(-0.5, mean(d), 4 * c * 255 / Math.sqrt(d.length) + 0.05, table + " " + s);
                double expected = Math.sqrt(Math.pow(c * 255, 2) + 1.0 / 12);
                assertEquals(expected, std(d), 0.03 * expected, table + " severity " + s);
            }
        }
    }

    @Test
    void shotNoiseStatistics() {
        for (int s = 1; s <= 5; s++) {
            double c = ParameterTable.TINY_IMAGENET_C.parameter(Corruption.SHOT_NOISE, s);
            byte[] dark = TestImages.filled(3 * 64 * 64, 64);
            byte[] y = Corruptions.apply(Corruption.SHOT_NOISE, s, dark, 3, 64, 64, SEED, 0);
            double x = 64 / 255.0;
            double[] levels = diffs(new byte[y.length], y);
            // Poisson(x c) / c * 255: mean x * 255 (less ~0.5 for truncation), std sqrt(x / c) * 255
            double expectedStd = Math.sqrt(x / c) * 255;
            assertEquals(64 - 0.5, mean(levels), 4 * expectedStd / Math.sqrt(y.length) + 0.1, "severity " + s);
            assertEquals(expectedStd, std(levels), 0.04 * expectedStd, "severity " + s);
        }
    }

    @Test
    void poissonSamplerMatchesItsMoments() {
        for (double lambda : new double[] {0.3, 3, 9.9, 10, 37.5, 250, 500}) {
            Sampling s = new Sampling(new SplittableRandom(42));
            int n = 200_000;
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                long k = s.poisson(lambda);
                assertTrue(k >= 0);
                sum += k;
                sq += (double) k * k;
            }
            double mean = sum / n;
            double var = sq / n - mean * mean;
            assertEquals(lambda, mean, 5 * Math.sqrt(lambda / n), "mean at " + lambda);
            assertEquals(lambda, var, 0.03 * lambda, "variance at " + lambda);
        }
        assertEquals(0, Sampling.logFactorial(1));
        assertEquals(Math.log(120), Sampling.logFactorial(5), 1e-12);
        // table and series agree where they meet
        double tableSum = 0;
        for (int k = 2; k <= 1500; k++) {
            tableSum += Math.log(k);
        }
        assertEquals(tableSum, Sampling.logFactorial(1500), 1e-9);
    }

    @Test
    void impulseNoiseIsSaltAndPepperAtTheRate() {
        for (int s = 1; s <= 5; s++) {
            double c = ParameterTable.TINY_IMAGENET_C.parameter(Corruption.IMPULSE_NOISE, s);
            byte[] mid = TestImages.filled(3 * 64 * 64, 128);
            byte[] y = Corruptions.apply(Corruption.IMPULSE_NOISE, s, mid, 3, 64, 64, SEED, 5);
            int salt = 0;
            int pepper = 0;
            for (byte b : y) {
                int v = b & 0xFF;
                assertTrue(v == 0 || v == 128 || v == 255, "value " + v);
                salt += v == 255 ? 1 : 0;
                pepper += v == 0 ? 1 : 0;
            }
            int n = y.length;
            double sd = Math.sqrt(n * c * (1 - c));
            assertEquals(c * n, salt + pepper, 4 * sd, "flipped at severity " + s);
            assertEquals(0.5, (double) salt / (salt + pepper), 4 * 0.5 / Math.sqrt(salt + pepper));
        }
    }

    @Test
    void jpegMatchesIjgQualityAndRoundTripsCleanly() {
        // a flat image survives any quality exactly (DC only, no rounding trouble at mid-grey)
        for (int s = 1; s <= 5; s++) {
            assertArrayEquals(TestImages.filled(3 * 16 * 16, 128),
                    apply(Corruption.JPEG_COMPRESSION, s, TestImages.filled(3 * 16 * 16, 128), 3, 16, 0));
        }
        // odd sizes and non-square images go through
        byte[] odd = TestImages.rgb(TestImages.RGB.get(1), 17, 23);
        assertEquals(odd.length, Corruptions.apply(Corruption.JPEG_COMPRESSION, 3, odd, 3, 17, 23, 0, 0).length);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> apply(Corruption.CONTRAST, 0, photo32, 3, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> apply(Corruption.CONTRAST, 6, photo32, 3, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> apply(Corruption.CONTRAST, 1, photo32, 2, 32, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> apply(Corruption.CONTRAST, 1, photo32, 1, 32, 0));
        assertTrue(e.getMessage().contains("3072"), e.getMessage());
    }

    /** Throughput at 32 px RGB, one thread, printed (not asserted). */
    @Test
    void throughputAt32Px() {
        StringBuilder out = new StringBuilder("images/s at 32x32 RGB, one thread:\n");
        for (Corruption c : Corruption.values()) {
            for (int i = 0; i < 300; i++) { // warm-up
                apply(c, 1 + i % 5, photo32, 3, 32, i);
            }
            long start = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - start < 300_000_000L) {
                apply(c, 1 + n % 5, photo32, 3, 32, n);
                n++;
            }
            double perSecond = n / ((System.nanoTime() - start) / 1e9);
            out.append(String.format(Locale.ROOT, "  %-16s %,10.0f%n", c.id(), perSecond));
        }
        System.out.print(out);
        assertNotEquals(0, out.length());
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    private static int[] ints(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    private static double[] diffs(byte[] x, byte[] y) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = (y[i] & 0xFF) - (x[i] & 0xFF);
        }
        return d;
    }

    private static double mean(double[] d) {
        return Arrays.stream(d).average().orElseThrow();
    }

    private static double std(double[] d) {
        double m = mean(d);
        return Math.sqrt(Arrays.stream(d).map(v -> (v - m) * (v - m)).sum() / (d.length - 1));
    }
}
