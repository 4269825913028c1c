package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.store.Npy;
import dev.lowres.data.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default decode + resize gives PIL 9.4's bytes ({@code Image.open(f).convert('RGB').resize((s, s),
 * FILTER)}) for every fixture image, filter and size in {@code ../shared/fixtures/reference}.
 */
class PilExactnessTest {
    private static final java.util.Map<String, ImageDecoder> DECODERS = new java.util.HashMap<>();
    private static Resampler resampler;

    @BeforeAll
    static void open() {
        for (String backend : JpegBackends.available()) {
            DECODERS.put(backend, JpegBackends.decoder(backend, ImageHeader.PIL_PIXEL_LIMIT));
        }
        resampler = new Resampler();
    }

    @AfterAll
    static void close() {
        DECODERS.values().forEach(ImageDecoder::close);
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : JpegBackends.available()) {
            for (String image : Fixtures.names(Fixtures.images())) {
                for (ResampleFilter filter : ResampleFilter.values()) {
                    for (int size : new int[] {8, 16, 32, 64}) {
                        cases.add(Arguments.of(backend, image, filter, size));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}: {1} {2} {3}")
    @MethodSource("cases")
    void matchesPilBitForBit(String backend, String image, ResampleFilter filter, int size) throws Exception {
        ImageDecoder decoder = DECODERS.get(backend);
        Path reference = Fixtures.reference().resolve(image + "." + filter.id() + "." + size + ".npy");
        assertTrue(reference.toFile().isFile(), "missing reference " + reference);
        byte[] expected = Npy.readBytes(reference);
        byte[] input = Fixtures.read(Fixtures.images().resolve(image));
        DecodedImage decoded = decoder.decode(input, input.length);
        byte[] actual = new byte[3 * size * size];
        resampler.resize(decoded, size, size, filter, actual, 0);
        int differing = 0;
        int maxDiff = 0;
        for (int i = 0; i < actual.length; i++) {
            int d = Math.abs((actual[i] & 0xFF) - (expected[i] & 0xFF));
            if (d != 0) {
                differing++;
                maxDiff = Math.max(maxDiff, d);
            }
        }
        assertEquals(0, differing, backend + ": " + image + " " + filter + " " + size + ": " + differing
                + " bytes differ from PIL, max difference " + maxDiff);
    }
}
