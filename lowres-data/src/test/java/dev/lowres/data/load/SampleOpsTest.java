package dev.lowres.data.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-record augmentations one by one: determinism, what they change and what they leave alone. */
class SampleOpsTest {
    static final byte[] MEAN = {100, 110, 120};

    /** Record {@code record} of the test datasets, {@code size} x {@code size}, RGB. */
    static SampleImage record(int record, int size) {
        SampleImage image = new SampleImage(3, size, size, MEAN);
        image.reset(record, 0);
        byte[] raw = image.raw();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    raw[c * size * size + y * size + x] = (byte) LoaderTestData.pixel(record, c, y, x);
                }
            }
        }
        return image;
    }

    static SampleOp op(String spec, int size) {
        Augmentations.Pipeline p = Augmentations.parse(spec, new Augmentations.Context(3, size, size, 10));
        assertEquals(1, p.sampleOps().size(), spec);
        return p.sampleOps().get(0);
    }

    /** The pixels of record {@code record} after {@code op} with a generator seeded {@code seed}. */
    static byte[] run(SampleOp op, int record, int size, long seed) {
        SampleImage image = record(record, size);
        op.apply(image, new SplittableRandom(seed));
        return image.pixels().clone();
    }

    static byte[] original(int record, int size) {
        return record(record, size).pixels().clone();
    }

    static int at(byte[] p, int size, int c, int y, int x) {
        return p[c * size * size + y * size + x] & 0xFF;
    }

    @Test
    void everyOperationIsAPureFunctionOfItsGeneratorAndChangesSomething() {
        for (String spec : new String[] {"random-resized-crop", "randaugment", "gridmask", "cutout",
            "random-erasing"}) {
            for (int size : new int[] {8, 32}) {
                SampleOp op = op(spec, size);
                int changed = 0;
                for (long seed = 0; seed < 20; seed++) {
                    byte[] a = run(op, 3, size, seed);
                    assertArrayEquals(a, run(op, 3, size, seed), spec + " seed " + seed);
                    changed += Arrays.equals(a, original(3, size)) ? 0 : 1;
                }
                assertTrue(changed >= 5, spec + " at " + size + " px changed only " + changed + " of 20");
            }
        }
    }

    @Test
    void describeGivesTheFullSpecAndItParsesBackToTheSameOperation() {
        assertEquals("random-resized-crop(scale_min=0.08, scale_max=1, ratio_min=0.75, ratio_max=1.3333333333333333)",
                op("random-resized-crop", 32).describe());
        assertEquals("randaugment(n=2, m=9, fill=mean)", op("randaugment", 32).describe());
        assertEquals("gridmask(d_min=14, d_max=32, ratio=0.6, rotate=360, p=0.8)", op("gridmask", 32).describe());
        assertEquals("gridmask(d_min=27, d_max=64, ratio=0.6, rotate=360, p=0.8)", op("gridmask", 64).describe());
        assertEquals("cutout(size=16, p=1)", op("cutout", 32).describe());
        assertEquals("cutout(size=8, p=1)", op("cutout", 16).describe());
        assertEquals("random-erasing(p=0.5, scale_min=0.02, scale_max=0.33, ratio_min=0.3, value=random)",
                op("random-erasing", 32).describe());
        for (String spec : new String[] {"random-resized-crop(0.35)", "randaugment(1, 5, fill=black)",
            "gridmask(d_min=5, d_max=9, p=1)", "cutout(8, p=0.5)", "random-erasing(1, value=mean)"}) {
            String canonical = op(spec, 32).describe();
            assertEquals(canonical, op(canonical, 32).describe(), spec);
        }
        String help = Augmentations.help();
        for (String name : new String[] {"random-resized-crop", "randaugment", "gridmask", "cutout", "random-erasing",
            "mixup", "cutmix"}) {
            assertTrue(help.contains("  " + name + "("), name + " in help:\n" + help);
        }
        assertTrue(help.contains("Cubuk et al. 2020") && help.contains("Chen et al. 2020")
                && help.contains("DeVries & Taylor 2017") && help.contains("Zhong et al. 2020")
                && help.contains("Zhang et al. 2018") && help.contains("Yun et al. 2019"), help);
    }

    @Test
    void argumentsAreValidatedWithClearMessages() {
        assertMessage("random-resized-crop(scale_min=0)", "random-resized-crop scale_min must be above 0");
        assertMessage("random-resized-crop(scale_min=0.5, scale_max=0.2)",
                "random-resized-crop scale_min (0.5) must be at most scale_max (0.2)");
        assertMessage("random-resized-crop(ratio_min=2, ratio_max=1)", "ratio_min (2.0) must be at most ratio_max");
        assertMessage("random-resized-crop(scale_max=1.5)", "scale_max must be between 0 and 1, not 1.5");
        assertMessage("randaugment(m=31)", "randaugment m must be between 0 and 30, not 31");
        assertMessage("randaugment(n=1.5)", "randaugment n must be a whole number, not 1.5");
        assertMessage("randaugment(fill=white)", "randaugment fill must be one of mean, grey, black, not 'white'");
        assertMessage("gridmask(d_min=20, d_max=20)", "gridmask d_min (20) must be below d_max (20");
        assertMessage("gridmask(ratio=2)", "gridmask ratio must be between 0 and 1, not 2");
        assertMessage("gridmask(rotate=0)", "gridmask rotate must be between 1 and 360, not 0");
        assertMessage("cutout(size=0)", "cutout size must be between 1 and 64, not 0");
        assertMessage("cutout(p=-1)", "cutout p must be between 0 and 1, not -1");
        assertMessage("random-erasing(value=noise)", "value must be one of random, zero, mean, not 'noise'");
        assertMessage("random-erasing(ratio_min=0)", "random-erasing ratio_min must be above 0");
        assertMessage("random-erasing(scale_min=0.5, scale_max=0.1)", "scale_min (0.5) must be at most scale_max (0.1)");
        assertMessage("mixup(alpha=0)", "mixup alpha must be above 0");
        assertMessage("cutmix(alpha=-1)", "cutmix alpha must be between 0 and 1000, not -1");
        assertMessage("cutmix(beta=1)", "cutmix has no parameter 'beta'; its parameters: alpha, p");
        assertMessage("mixup, cutout", "cutout comes after a batch-level operation (mixup(alpha=0.2))");
    }

    static void assertMessage(String spec, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentations.parse(spec, new Augmentations.Context(3, 32, 32, 10)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad augmentation spec '" + spec + "'"), e.getMessage());
    }

    // --- random-resized-crop

    @Test
    void randomResizedCropOfTheWholeImageIsTheIdentity() {
        SampleOp op = op("random-resized-crop(scale_min=1, scale_max=1, ratio_min=1, ratio_max=1)", 32);
        for (long seed = 0; seed < 10; seed++) {
            assertArrayEquals(original(5, 32), run(op, 5, 32, seed));
        }
    }

    @Test
    void randomResizedCropResizesTheSampledCropBilinearlyWithAlignedPixelCentres() {
        SampleOp op = op("random-resized-crop(scale_min=0.25, scale_max=0.25, ratio_min=1, ratio_max=1)", 32);
        for (long seed = 0; seed < 5; seed++) {
            byte[] out = run(op, 2, 32, seed);
            SplittableRandom r = new SplittableRandom(seed);
            r.nextDouble();
            r.nextDouble();
            int top = r.nextInt(17);
            int left = r.nextInt(17);
            assertResized(original(2, 32), out, 32, top, left, 16, 16);
        }
        // no crop of ratio 4 fits in 10 attempts: the centre crop of the whole width, 8 rows, stretched
        SampleOp wide = op("random-resized-crop(scale_min=1, scale_max=1, ratio_min=4, ratio_max=4)", 32);
        assertResized(original(2, 32), run(wide, 2, 32, 7), 32, 12, 0, 8, 32);
    }

    /** Compares with an independent bilinear reference (double arithmetic; off by at most 1 from rounding). */
    static void assertResized(byte[] src, byte[] out, int size, int top, int left, int h, int w) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double sy = Math.max(0, (y + 0.5) * h / size - 0.5);
                    double sx = Math.max(0, (x + 0.5) * w / size - 0.5);
                    int y0 = (int) sy;
                    int x0 = (int) sx;
                    int y1 = Math.min(y0 + 1, h - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    double ly = sy - y0;
                    double lx = sx - x0;
                    double v = (1 - ly) * ((1 - lx) * at(src, size, c, top + y0, left + x0)
                            + lx * at(src, size, c, top + y0, left + x1))
                            + ly * ((1 - lx) * at(src, size, c, top + y1, left + x0)
                            + lx * at(src, size, c, top + y1, left + x1));
                    assertEquals(v, at(out, size, c, y, x), 0.5 + 1e-3, "c" + c + " (" + y + "," + x + ")");
                }
            }
        }
    }

    // --- randaugment

    @Test
    void randAugmentAtMagnitudeZeroLeavesTheImageAsThePaperSays() {
        for (int size : new int[] {8, 32}) {
            byte[] original = original(1, size);
            for (RandAugment.Op o : RandAugment.Op.values()) {
                for (boolean negate : new boolean[] {false, true}) {
                    SampleImage image = record(1, size);
                    RandAugment.apply(image, o, 0, negate, "mean");
                    byte[] out = image.pixels();
                    switch (o) {
                        case SOLARIZE -> {
                            // threshold 255 (torchvision, PIL): only pixels of 255 are inverted
                            for (int i = 0; i < out.length; i++) {
                                int v = original[i] & 0xFF;
                                assertEquals(v == 255 ? 0 : v, out[i] & 0xFF);
                            }
                        }
                        case AUTO_CONTRAST, EQUALIZE -> { } // no magnitude: checked below
                        default -> assertArrayEquals(original, out, o + " at m=0, " + size + " px");
                    }
                }
            }
        }
        SampleOp none = op("randaugment(n=0, m=30)", 32);
        assertArrayEquals(original(4, 32), run(none, 4, 32, 1));
        SampleOp zero = op("randaugment(n=3, m=0)", 32);
        for (long seed = 0; seed < 30; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            boolean identityOnly = true;
            for (int i = 0; i < 3; i++) {
                RandAugment.Op o = RandAugment.Op.values()[r.nextInt(14)];
                if (o.signed) {
                    r.nextInt(2);
                }
                identityOnly &= o != RandAugment.Op.SOLARIZE && o != RandAugment.Op.AUTO_CONTRAST
                        && o != RandAugment.Op.EQUALIZE;
            }
            if (identityOnly) {
                assertArrayEquals(original(4, 32), run(zero, 4, 32, seed), "seed " + seed);
            }
        }
    }

    @Test
    void randAugmentOperationsDoWhatTheirNamesSay() {
        int size = 32;
        byte[] src = original(6, size);
        // TranslateX at m=30: int(150/331 * 32) = 14 px, content moves right, the mean comes in on the left
        SampleImage image = record(6, size);
        RandAugment.apply(image, RandAugment.Op.TRANSLATE_X, 30, false, "mean");
        byte[] out = image.pixels();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int expected = x < 14 ? MEAN[c] : at(src, size, c, y, x - 14);
                    assertEquals(expected, at(out, size, c, y, x));
                }
            }
        }
        // TranslateY negative at m=9: 4 px up, grey fill at the bottom
        image = record(6, size);
        RandAugment.apply(image, RandAugment.Op.TRANSLATE_Y, 9, true, "grey");
        out = image.pixels();
        assertEquals(at(src, size, 1, 10, 3), at(out, size, 1, 6, 3));
        assertEquals(128, at(out, size, 2, 29, 5));
        // Posterize at m=30 keeps 4 bits
        image = record(6, size);
        RandAugment.apply(image, RandAugment.Op.POSTERIZE, 30, false, "mean");
        out = image.pixels();
        for (int i = 0; i < out.length; i++) {
            assertEquals(src[i] & 0xF0, out[i] & 0xFF);
        }
        // AutoContrast stretches each channel to 0..255, order kept
        image = record(9, size);
        byte[] narrow = image.raw();
        for (int i = 0; i < narrow.length; i++) {
            narrow[i] = (byte) (60 + (i * 7 % 50));
        }
        RandAugment.apply(image, RandAugment.Op.AUTO_CONTRAST, 9, false, "mean");
        out = image.pixels();
        for (int i = 0; i < out.length; i++) {
            assertEquals((int) ((float) (i * 7 % 50) * (255f / 49f)), out[i] & 0xFF, "pixel " + i);
        }
        // Rotate by 30 degrees keeps the centre pixel and brings the fill into the corners
        image = record(6, size);
        RandAugment.apply(image, RandAugment.Op.ROTATE, 30, false, "black");
        out = image.pixels();
        assertEquals(0, at(out, size, 0, 0, 0));
        assertEquals(0, at(out, size, 2, 31, 31));
        // Brightness at m=30, darker: factor 0.1, truncated
        image = record(6, size);
        RandAugment.apply(image, RandAugment.Op.BRIGHTNESS, 30, true, "mean");
        out = image.pixels();
        for (int i = 0; i < out.length; i++) {
            assertEquals((int) ((float) (1 - 0.9) * (src[i] & 0xFF)), out[i] & 0xFF);
        }
        // Color at m=30, negative: factor 0.1 towards the grey of each pixel
        image = record(6, size);
        RandAugment.apply(image, RandAugment.Op.COLOR, 30, true, "mean");
        out = image.pixels();
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int spread = Math.max(Math.abs((out[i] & 0xFF) - (out[plane + i] & 0xFF)),
                    Math.abs((out[i] & 0xFF) - (out[2 * plane + i] & 0xFF)));
            int before = Math.max(Math.abs((src[i] & 0xFF) - (src[plane + i] & 0xFF)),
                    Math.abs((src[i] & 0xFF) - (src[2 * plane + i] & 0xFF)));
            assertTrue(spread <= before / 10 + 2, "pixel " + i + ": " + spread + " vs " + before);
        }
    }

    @Test
    void equalizeMatchesPilsLookupTable() {
        // one channel of 64 pixels: values 0..3 with counts 40, 10, 10, 4 -> step = (64 - 4) / 255 = 0: kept
        SampleImage small = new SampleImage(1, 8, 8, new byte[] {0});
        small.reset(0, 0);
        for (int i = 0; i < 64; i++) {
            small.raw()[i] = (byte) (i < 40 ? 0 : i < 50 ? 1 : i < 60 ? 2 : 3);
        }
        byte[] before = small.raw().clone();
        RandAugment.apply(small, RandAugment.Op.EQUALIZE, 0, false, "mean");
        assertArrayEquals(before, small.pixels());
        // 32 x 32: values 10 (512 px), 20 (256), 30 (256): step = (1024 - 256) / 255 = 3,
        // lut[10] = (0 + 1) / 3 = 0, lut[20] = (512 + 1) / 3 = 171, lut[30] = (768 + 1) / 3 = 256 -> 255
        SampleImage image = new SampleImage(1, 32, 32, new byte[] {0});
        image.reset(0, 0);
        for (int i = 0; i < 1024; i++) {
            image.raw()[i] = (byte) (i < 512 ? 10 : i < 768 ? 20 : 30);
        }
        RandAugment.apply(image, RandAugment.Op.EQUALIZE, 0, false, "mean");
        assertEquals(0, image.pixels()[0] & 0xFF);
        assertEquals(171, image.pixels()[600] & 0xFF);
        assertEquals(255, image.pixels()[1000] & 0xFF);
    }

    // --- gridmask

    @Test
    void gridMaskRemovesSquaresOfTheGridAndKeepsTheBands() {
        int size = 32;
        SampleOp op = op("gridmask(d_min=10, d_max=11, ratio=0.6, rotate=1, p=1)", size);
        for (long seed = 0; seed < 10; seed++) {
            byte[] out = run(op, 7, size, seed);
            byte[] src = original(7, size);
            SplittableRandom r = new SplittableRandom(seed);
            r.nextDouble();
            r.nextInt(1); // d = 10
            int startY = r.nextInt(10);
            int startX = r.nextInt(10);
            // the 48 px mask is centred: image pixel (x, y) is mask pixel (x + 8, y + 8); band l = 6
            int removed = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean erase = Math.floorMod(y + 8 - startY, 10) >= 6 && Math.floorMod(x + 8 - startX, 10) >= 6;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(erase ? MEAN[c] : at(src, size, c, y, x), at(out, size, c, y, x));
                    }
                    removed += erase ? 1 : 0;
                }
            }
            // squares of 4 on a 10 px grid: about 16% of the image
            assertTrue(removed >= 100 && removed <= 220, "removed " + removed);
        }
        SampleOp never = op("gridmask(p=0)", size);
        assertArrayEquals(original(7, size), run(never, 7, size, 3));
        // rotated masks still remove about (1 - 0.6)^2 of the image
        SampleOp rotated = op("gridmask(p=1)", size);
        double total = 0;
        for (long seed = 0; seed < 200; seed++) {
            byte[] out = run(rotated, 7, size, seed);
            byte[] src = original(7, size);
            int removed = 0;
            for (int i = 0; i < size * size; i++) {
                removed += out[i] != src[i] && out[i] == MEAN[0] ? 1 : 0;
            }
            total += removed / (double) (size * size);
        }
        assertEquals(0.16, total / 200, 0.04);
    }

    // --- cutout

    @Test
    void cutoutSetsExactlyOneClippedSquareToTheMean() {
        int size = 32;
        SampleOp op = op("cutout", size);
        boolean clipped = false;
        for (long seed = 0; seed < 40; seed++) {
            byte[] out = run(op, 8, size, seed);
            byte[] src = original(8, size);
            SplittableRandom r = new SplittableRandom(seed);
            r.nextDouble();
            int cy = r.nextInt(size);
            int cx = r.nextInt(size);
            int y0 = Math.max(0, cy - 8);
            int y1 = Math.min(size, cy + 8);
            int x0 = Math.max(0, cx - 8);
            int x1 = Math.min(size, cx + 8);
            clipped |= (y1 - y0) * (x1 - x0) < 256;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        boolean in = y >= y0 && y < y1 && x >= x0 && x < x1;
                        assertEquals(in ? MEAN[c] : at(src, size, c, y, x), at(out, size, c, y, x));
                    }
                }
            }
        }
        assertTrue(clipped, "some squares reach past the border");
        assertArrayEquals(original(8, size), run(op("cutout(p=0)", size), 8, size, 1));
    }

    // --- random-erasing

    @Test
    void randomErasingErasesOneRectangleOfTheRequestedAreaWithTheRequestedValue() {
        int size = 32;
        for (String value : new String[] {"zero", "mean", "random"}) {
            SampleOp op = op("random-erasing(p=1, value=" + value + ")", size);
            int erased = 0;
            for (long seed = 0; seed < 50; seed++) {
                byte[] out = run(op, 11, size, seed);
                byte[] src = original(11, size);
                SplittableRandom r = new SplittableRandom(seed);
                r.nextDouble();
                int top = -1;
                int left = -1;
                int h = 0;
                int w = 0;
                for (int attempt = 0; attempt < 10 && top < 0; attempt++) {
                    double area = 1024 * (0.02 + 0.31 * r.nextDouble());
                    double ratio = Math.exp(Math.log(0.3) - 2 * Math.log(0.3) * r.nextDouble());
                    h = (int) Math.rint(Math.sqrt(area * ratio));
                    w = (int) Math.rint(Math.sqrt(area / ratio));
                    if (h < size && w < size) {
                        top = r.nextInt(size - h + 1);
                        left = r.nextInt(size - w + 1);
                    }
                }
                if (top < 0) {
                    assertArrayEquals(src, out);
                    continue;
                }
                erased++;
                assertTrue(h * w >= 0.02 * 1024 - 2 * size && h * w <= 0.33 * 1024 + 2 * size, h + "x" + w);
                int differ = 0;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            boolean in = y >= top && y < top + h && x >= left && x < left + w;
                            int v = at(out, size, c, y, x);
                            if (!in) {
                                assertEquals(at(src, size, c, y, x), v);
                            } else if (value.equals("zero")) {
                                assertEquals(0, v);
                            } else if (value.equals("mean")) {
                                assertEquals(MEAN[c], v);
                            } else {
                                differ += v != at(src, size, c, y, x) ? 1 : 0;
                            }
                        }
                    }
                }
                if (value.equals("random")) {
                    assertTrue(differ >= 3 * h * w * 0.9, "random values: " + differ + " of " + 3 * h * w);
                }
            }
            assertTrue(erased >= 45, value + ": erased " + erased);
        }
        int untouched = 0;
        SampleOp half = op("random-erasing", size);
        for (long seed = 0; seed < 200; seed++) {
            untouched += Arrays.equals(original(11, size), run(half, 11, size, seed)) ? 1 : 0;
        }
        assertEquals(100, untouched, 25, "p = 0.5");
    }
}
