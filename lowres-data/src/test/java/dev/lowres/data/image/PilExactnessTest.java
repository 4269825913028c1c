package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowres.data.store.Npy;
import dev.lowres.data.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default decode + resize gives PIL 9.4's bytes ({@code Image.open(f).convert('RGB').resize((s, s),
 * FILTER)}) for every fixture image, filter and size in {@link Fixtures#reference()} (made by
 * {@code lowres-data/src/test/fixtures/make_fixtures.py}).
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

    /**
     * {@code fixtures.json} names every fixture file, each image has a reference for every filter and size, and
     * the references tell the filters apart (or a decoder resampling with the wrong filter could pass).
     */
    @Test
    void theFixturesAreCompleteAndTellTheFiltersApart() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(Fixtures.manifest().toFile());
        assertTrue(manifest.path("about").asText().contains("PIL 9.4.0"), "the reference pipeline's PIL");
        List<String> images = Fixtures.names(Fixtures.images());
        assertEquals(18, images.size(), images.toString());
        assertEquals(Set.copyOf(images), fieldNames(manifest.path("images")));
        assertEquals(Set.copyOf(Fixtures.names(Fixtures.bad())), fieldNames(manifest.path("bad")));
        List<String> filters = new ArrayList<>();
        manifest.path("filters").forEach(f -> filters.add(f.asText()));
        assertEquals(Arrays.stream(ResampleFilter.values()).map(ResampleFilter::id).sorted().toList(),
                filters.stream().sorted().toList());
        assertEquals("[8,16,32,64]", manifest.path("sizes").toString());
        assertEquals(images.size() * 6 * 4, Fixtures.names(Fixtures.reference()).size());

        int distinct = 0;
        for (String image : images) {
            byte[] input = Fixtures.read(Fixtures.images().resolve(image));
            DecodedImage decoded = DECODERS.values().iterator().next().decode(input, input.length);
            for (int size : new int[] {8, 16, 32, 64}) {
                if (decoded.width() == size && decoded.height() == size) {
                    continue; // PIL copies an image resized to its own size, whatever the filter
                }
                Set<String> outputs = new HashSet<>();
                int compared = 0;
                for (ResampleFilter filter : ResampleFilter.values()) {
                    if (filter == ResampleFilter.BOX && decoded.width() <= size && decoded.height() <= size) {
                        continue; // enlarging on both axes, box is nearest
                    }
                    Path reference = Fixtures.reference().resolve(image + "." + filter.id() + "." + size + ".npy");
                    outputs.add(HexFormat.of().formatHex(Npy.readBytes(reference)));
                    compared++;
                }
                assertEquals(compared, outputs.size(), image + " at " + size + ": two filters give the same bytes");
                distinct++;
            }
        }
        assertEquals(images.size() * 4 - 1, distinct, "every image and size but rgb_08_64x64 at 64 px");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new HashSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
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
