package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.image.BadImageException.Reason;
import dev.lowres.data.testing.Fixtures;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    static ImageDecoder decoder;

    @BeforeAll
    static void open() {
        decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT);
    }

    @AfterAll
    static void close() {
        decoder.close();
    }

    static Reason refusal(ImageDecoder d, byte[] data) {
        return assertThrows(BadImageException.class, () -> d.decode(data, data.length)).reason();
    }

    @Test
    void everyBadFixtureIsRefusedWithItsReason() {
        Map<String, Reason> expected = Map.of(
                "truncated.JPEG", Reason.TRUNCATED,
                "empty.JPEG", Reason.EMPTY,
                "random_bytes.JPEG", Reason.NOT_AN_IMAGE,
                "text.JPEG", Reason.NOT_AN_IMAGE,
                "bomb_60000x60000.JPEG", Reason.TOO_MANY_PIXELS);
        assertEquals(expected.keySet(), Set.copyOf(Fixtures.names(Fixtures.bad())));
        expected.forEach((name, reason) ->
                assertEquals(reason, refusal(decoder, Fixtures.read(Fixtures.bad().resolve(name))), name));
    }

    @Test
    void theHeaderIsCheckedBeforeAnyPixelIsDecoded() throws Exception {
        // the bomb's entropy-coded data are garbage: only a header check can call it too large
        byte[] bomb = Fixtures.read(Fixtures.bad().resolve("bomb_60000x60000.JPEG"));
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(bomb, bomb.length));
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
        // a valid image over a lower limit is refused the same way, without being decoded
        byte[] photo = Fixtures.read(Fixtures.images().resolve("rgb_00_500x375.JPEG"));
        try (ImageDecoder strict = new ImageDecoder(500 * 375 - 1)) {
            assertEquals(Reason.TOO_MANY_PIXELS, refusal(strict, photo));
        }
        try (ImageDecoder exact = new ImageDecoder(500 * 375)) {
            assertEquals(500, exact.decode(photo, photo.length).width());
        }
    }

    @Test
    void aPngNamedJpegIsDecodedByItsContent() throws Exception {
        byte[] png = Fixtures.read(Fixtures.images().resolve("png_named_jpeg.JPEG"));
        assertEquals(ImageFormat.PNG, ImageFormat.sniff(png, png.length));
        DecodedImage d = decoder.decode(png, png.length);
        assertEquals(300, d.width());
        assertEquals(200, d.height());
    }

    @Test
    void aJpegCutAnywhereAfterItsHeaderIsTruncated() {
        byte[] photo = Fixtures.read(Fixtures.images().resolve("rgb_progressive.JPEG"));
        for (int keep : new int[] {photo.length - 2, photo.length - 1000, photo.length / 2, 700}) {
            byte[] cut = Arrays.copyOf(photo, keep);
            assertEquals(Reason.TRUNCATED, refusal(decoder, cut), "cut at " + keep);
        }
        byte[] withTrailingGarbage = Arrays.copyOf(photo, photo.length + 100);
        assertTrue(assertDoesNotThrowDecode(withTrailingGarbage), "trailing bytes after the EOI are fine, as in PIL");
    }

    private static boolean assertDoesNotThrowDecode(byte[] data) {
        try {
            decoder.decode(data, data.length);
            return true;
        } catch (BadImageException e) {
            return false;
        }
    }

    @Test
    void fastDecodeReducesInTheDctDomainAndStaysCloseToExact() throws Exception {
        assertEquals(4, ImageDecoder.reductionFor(500, 375, 64));
        assertEquals(8, ImageDecoder.reductionFor(500, 375, 32));
        assertEquals(1, ImageDecoder.reductionFor(100, 60, 64));
        byte[] photo = Fixtures.read(Fixtures.images().resolve("rgb_00_500x375.JPEG"));
        DecodedImage reduced = decoder.decodeReduced(photo, photo.length, 64);
        assertEquals(125, reduced.width());
        assertEquals(94, reduced.height());

        // both sides kept >= 2x the output (4x reduction for most photos: fast mode) and >= 1x (8x); on the
        // fixtures (make_fixtures.py) these measure 0.35 and 1.08 levels, BENCHMARKS.md's fixture column
        double twice = meanAbsDiffAt32(64);
        double once = meanAbsDiffAt32(32);
        assertTrue(twice < 0.4, "fast mode, sides >= 64 px: " + twice);
        assertTrue(once < 1.25, "sides >= 32 px: " + once);
        assertTrue(twice < 0.5 * once, "keeping twice the output size halves the difference: " + twice + " vs " + once);
    }

    /** Mean absolute difference of fast from exact 32x32 BOX records over the fixture images. */
    private static double meanAbsDiffAt32(int minSide) throws BadImageException {
        Resampler resampler = new Resampler();
        long diff = 0;
        long count = 0;
        for (String name : Fixtures.names(Fixtures.images())) {
            byte[] b = Fixtures.read(Fixtures.images().resolve(name));
            byte[] exact = new byte[3 * 32 * 32];
            byte[] fast = new byte[3 * 32 * 32];
            resampler.resize(decoder.decode(b, b.length), 32, 32, ResampleFilter.BOX, exact, 0);
            resampler.resize(decoder.decodeReduced(b, b.length, minSide), 32, 32, ResampleFilter.BOX, fast, 0);
            for (int i = 0; i < exact.length; i++) {
                diff += Math.abs((exact[i] & 0xFF) - (fast[i] & 0xFF));
            }
            count += exact.length;
        }
        return (double) diff / count;
    }
}
