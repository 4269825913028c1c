package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowres.data.image.BadImageException.Reason;
import dev.lowres.data.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized exactness against PIL: {@code pil/random_cases.py} generates, from a fixed seed, about 150
 * images that stress the decoders and the resampler (JPEG: odd, prime, 1xN and Nx1 sizes, qualities,
 * 4:4:4/4:2:2/4:2:0, progressive, optimized Huffman tables, grey and CMYK; PNG: RGB, RGBA, L, LA, P with
 * and without transparency, 1/2/4-bit, 16-bit grey, grey+alpha and colour, Adam7; a few GIF, BMP, TIFF) and
 * PIL's {@code Image.open(f).convert('RGB').resize((w, h), FILTER)} for all six filters at several sizes
 * (non-square, upsampling, one side unchanged, and the unresampled decode). lowres must give the same
 * bytes. The same script cuts some of the files at many points and crafts headers around PIL's
 * decompression-bomb limit; lowres must refuse exactly the files PIL refuses.
 *
 * <p>Seed and count: {@code -Dlowres.pilcheck.seed=N -Dlowres.pilcheck.count=N}.
 */
@Tag("heavy")
class PilRandomizedExactnessTest {
    private static final String SEED = System.getProperty("lowres.pilcheck.seed", "20240611");
    private static final String COUNT = System.getProperty("lowres.pilcheck.count", "150");
    private static final int MAX_LINES = 60;

    @TempDir
    static Path tmp;
    private static Path out;
    private static JsonNode cases;
    private static ImageDecoder decoder;

    @BeforeAll
    static void generate() throws IOException {
        Python.require();
        Path script = Python.resource("/pil/random_cases.py", tmp);
        out = tmp.resolve("cases");
        Python.Result r = Python.run(script, List.of(out.toString(), "--seed", SEED, "--count", COUNT),
                Duration.ofMinutes(10)).orThrow("random_cases.py");
        System.out.println("random_cases.py (seed " + SEED + "): " + r.stdout().trim());
        cases = new ObjectMapper().readTree(out.resolve("cases.json").toFile());
        assertEquals("9.4.0", cases.get("pil_version").asText(),
                "the reference is PIL 9.4.0 (the published datasets' PIL); this Python has another");
        decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT);
    }

    @AfterAll
    static void close() {
        if (decoder != null) {
            decoder.close();
        }
    }

    static List<String> backends() {
        return JpegBackends.available();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "JPEG backend {0}")
    @org.junit.jupiter.params.provider.MethodSource("backends")
    void decodeAndResizeMatchPilBitForBit(String backend) throws IOException {
        try (ImageDecoder decoder = JpegBackends.decoder(backend, ImageHeader.PIL_PIXEL_LIMIT)) {
            compareWithPil(decoder, backend);
        }
    }

    private void compareWithPil(ImageDecoder decoder, String backend) throws IOException {
        Resampler resampler = new Resampler();
        List<String> mismatches = new ArrayList<>();
        int images = 0;
        int checked = 0;
        for (JsonNode image : cases.get("images")) {
            images++;
            String file = image.get("file").asText();
            String what = file + " (" + image.get("desc").asText() + ", PIL mode "
                    + image.get("pil_mode").asText() + ")";
            byte[] data = Files.readAllBytes(out.resolve("img").resolve(file));
            byte[] reference = Files.readAllBytes(out.resolve("ref").resolve(file + ".bin"));
            DecodedImage decoded;
            try {
                decoded = decoder.decode(data, data.length);
            } catch (BadImageException e) {
                mismatches.add(what + ": PIL decodes it, lowres refuses it: " + e.reason() + " " + e.getMessage());
                continue;
            }
            if (decoded.width() != image.get("width").asInt() || decoded.height() != image.get("height").asInt()) {
                mismatches.add(what + ": lowres decodes " + decoded.width() + "x" + decoded.height());
                continue;
            }
            for (JsonNode c : image.get("cases")) {
                int w = c.get("w").asInt();
                int h = c.get("h").asInt();
                ResampleFilter filter = ResampleFilter.parse(c.get("filter").asText());
                byte[] actual = new byte[3 * w * h];
                resampler.resize(decoded, w, h, filter, actual, 0);
                int offset = c.get("offset").asInt();
                int differing = 0;
                int maxDiff = 0;
                for (int i = 0; i < actual.length; i++) {
                    int d = Math.abs((actual[i] & 0xFF) - (reference[offset + i] & 0xFF));
                    if (d != 0) {
                        differing++;
                        maxDiff = Math.max(maxDiff, d);
                    }
                }
                checked++;
                if (differing != 0) {
                    String size = w == decoded.width() && h == decoded.height() ? "unresampled decode" : w + "x" + h;
                    mismatches.add(String.format(Locale.ROOT, "%s: %s %s: %d of %d bytes differ, max difference %d",
                            what, filter.id(), size, differing, actual.length, maxDiff));
                }
            }
        }
        System.out.printf(Locale.ROOT, "decode+resize (%s): %d images, %d cases checked, %d mismatches%n",
                backend, images, checked, mismatches.size());
        report("decode-resize-" + backend, mismatches);
        assertTrue(checked > 20 * images, "too few cases: " + checked);
        assertTrue(mismatches.isEmpty(), backend + ": " + mismatches.size() + " of " + checked + " cases differ from PIL "
                + cases.get("pil_version").asText() + " (seed " + SEED + "):\n" + lines(mismatches));
    }

    /**
     * Cut files: where PIL decodes, lowres decodes the same pixels; where PIL says the file is truncated,
     * lowres says {@link Reason#TRUNCATED}; where PIL fails otherwise, lowres refuses the file too, and
     * calls it TRUNCATED only where PIL cannot even identify it (a cut inside the header, which PIL's
     * {@code Image.open} reports as "cannot identify image file"). Two disagreements are known and
     * tolerated (see {@link #knownDisagreement}).
     */
    @Test
    void truncatedFilesAreRefusedExactlyWhenPilRefusesThem() throws IOException {
        List<String> disagreements = new ArrayList<>();
        List<String> tolerated = new ArrayList<>();
        Map<String, Integer> table = new TreeMap<>();
        int total = 0;
        for (JsonNode t : cases.get("truncation")) {
            total++;
            String file = t.get("file").asText();
            String pil = t.get("pil").asText();
            String source = t.get("source").asText();
            int missing = t.get("length").asInt() - t.get("cut").asInt();
            String what = String.format(Locale.ROOT, "%s cut at %d of %d bytes", source, t.get("cut").asInt(),
                    t.get("length").asInt());
            String pilSays = pil.equals("ok") ? "PIL decodes" : "PIL: " + t.get("message").asText();
            byte[] data = Files.readAllBytes(out.resolve("trunc").resolve(file));
            DecodedImage decoded = null;
            BadImageException refused = null;
            try {
                decoded = decoder.decode(data, data.length);
            } catch (BadImageException e) {
                refused = e;
            }
            String lowres = refused == null ? "ok" : refused.reason().name();
            boolean unidentified = pilSays.startsWith("PIL: UnidentifiedImageError");
            table.merge(String.format(Locale.ROOT, "PIL %-12s lowres %s", unidentified ? "unidentified" : pil,
                    lowres), 1, Integer::sum);
            String lowresSays = refused == null ? "lowres decodes"
                    : "lowres: " + refused.reason() + " " + refused.getMessage();
            String problem = null;
            if (pil.equals("ok")) {
                if (refused != null) {
                    problem = pilSays + ", " + lowresSays;
                } else {
                    String diff = comparePixels(decoded, t, Files.readAllBytes(
                            out.resolve("ref").resolve("trunc_" + file + ".bin")));
                    if (diff != null) {
                        problem = "both decode, but " + diff;
                    }
                }
            } else if (refused == null) {
                problem = pilSays + ", " + lowresSays;
            } else if (pil.equals("truncated") != (refused.reason() == Reason.TRUNCATED)
                    && !(unidentified && refused.reason() == Reason.TRUNCATED)) {
                problem = "both refuse it, for different reasons: " + pilSays + "; " + lowresSays;
            }
            if (problem != null) {
                String known = knownDisagreement(source, missing, pil, refused);
                (known == null ? disagreements : tolerated).add(what + ": " + problem
                        + (known == null ? "" : " [known: " + known + "]"));
            }
        }
        System.out.println("truncation: " + total + " cut files (unidentified: PIL's \"cannot identify image file\")");
        table.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %4d%n", k, v));
        System.out.println("known disagreements, tolerated: " + tolerated.size());
        tolerated.forEach(line -> System.out.println("  " + line));
        report("truncation", disagreements);
        assertTrue(disagreements.isEmpty(), disagreements.size() + " of " + total
                + " cut files are judged differently by lowres and PIL:\n" + lines(disagreements));
    }

    /**
     * Disagreements that lowres accepts, or null:
     * <ul>
     *   <li>a JPEG missing only its end-of-image marker (1 or 2 bytes): lowres always refuses it; PIL (whose
     *       libjpeg source suspends when data run out) decodes it when the last MCUs happened to decode
     *       without asking for more bits, and refuses it otherwise: that depends on the entropy-coded
     *       bits, not on anything a decoder with a memory source can see;</li>
     *   <li>a GIF missing only its trailer (and block terminator): PIL decodes it, javax.imageio does not.</li>
     * </ul>
     */
    private static String knownDisagreement(String source, int missing, String pil, BadImageException refused) {
        if (!pil.equals("ok") || refused == null || refused.reason() != Reason.TRUNCATED || missing > 2) {
            return null;
        }
        if (source.endsWith(".jpg")) {
            return "JPEG missing only its EOI marker";
        }
        if (source.endsWith(".gif")) {
            return "GIF missing only its trailer";
        }
        return null;
    }

    /** Headers declaring sizes around PIL's limit: lowres refuses before decoding exactly where PIL does. */
    @Test
    void decompressionBombsAreRefusedExactlyWhenPilRefusesThem() throws IOException {
        assertEquals(ImageHeader.PIL_PIXEL_LIMIT, cases.get("pil_pixel_limit").asLong(), "PIL's limit");
        List<String> disagreements = new ArrayList<>();
        for (JsonNode b : cases.get("bombs")) {
            String file = b.get("file").asText();
            String pil = b.get("pil").asText();
            byte[] data = Files.readAllBytes(out.resolve("bomb").resolve(file));
            String lowres;
            try {
                ImageHeader header = ImageHeader.read(data, data.length, ImageHeader.PIL_PIXEL_LIMIT);
                lowres = header.width() == b.get("width").asInt() && header.height() == b.get("height").asInt()
                        ? "ok" : "ok but reads " + header.width() + "x" + header.height();
            } catch (BadImageException e) {
                lowres = e.reason() == Reason.TOO_MANY_PIXELS ? "bomb" : e.reason() + " " + e.getMessage();
            }
            if (!lowres.equals(pil)) {
                disagreements.add(file + ": PIL " + pil + " " + b.get("message").asText() + "; lowres " + lowres);
            }
            if (pil.equals("bomb")) { // the decoder refuses it too, before allocating anything
                try {
                    decoder.decode(data, data.length);
                    disagreements.add(file + ": ImageDecoder decoded a bomb");
                } catch (BadImageException e) {
                    if (e.reason() != Reason.TOO_MANY_PIXELS) {
                        disagreements.add(file + ": ImageDecoder refused a bomb as " + e.reason());
                    }
                }
            }
        }
        assertTrue(disagreements.isEmpty(), "decompression-bomb verdicts differ from PIL's:\n" + lines(disagreements));
    }

    /** Compares decoded pixels with PIL's interleaved RGB; null when equal. */
    private static String comparePixels(DecodedImage decoded, JsonNode t, byte[] rgb) {
        int w = t.get("width").asInt();
        int h = t.get("height").asInt();
        if (decoded.width() != w || decoded.height() != h) {
            return "lowres decodes " + decoded.width() + "x" + decoded.height() + ", PIL " + w + "x" + h;
        }
        int[] px = decoded.pixels();
        int differing = 0;
        int maxDiff = 0;
        for (int i = 0; i < w * h; i++) {
            int[] mine = {DecodedImage.red(px[i]), DecodedImage.green(px[i]), DecodedImage.blue(px[i])};
            for (int c = 0; c < 3; c++) {
                int d = Math.abs(mine[c] - (rgb[3 * i + c] & 0xFF));
                if (d != 0) {
                    differing++;
                    maxDiff = Math.max(maxDiff, d);
                }
            }
        }
        return differing == 0 ? null : differing + " of " + 3 * w * h + " bytes differ, max difference " + maxDiff;
    }

    /** Writes the full list to target/pil-randomized-NAME.txt (the assertion message shows the first lines). */
    private static void report(String name, List<String> items) throws IOException {
        Path dir = Path.of("target");
        if (Files.isDirectory(dir)) {
            Files.write(dir.resolve("pil-randomized-" + name + ".txt"), items);
        }
    }

    private static String lines(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(items.size(), MAX_LINES); i++) {
            sb.append("  ").append(items.get(i)).append('\n');
        }
        if (items.size() > MAX_LINES) {
            sb.append("  ... and ").append(items.size() - MAX_LINES).append(" more\n");
        }
        return sb.toString();
    }
}
