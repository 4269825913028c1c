package dev.lowres.data.corrupt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deterministic corruptions against {@code corrupt/reference.py}, the reference's formulas in numpy and
 * PIL (skimage and scipy are not assumed: rgb2hsv / hsv2rgb and the 'nearest' Gaussian filter are written out
 * there): contrast, brightness, gaussian blur, JPEG (PIL's encoder and decoder) and pixelate (PIL's BOX),
 * at every severity, on fixture photos (RGB and grey) at 32 px (CIFAR-10-C table), 64 px (Tiny-ImageNet-C
 * table) and a non-square 17x24. Every value must be within 1 level (JPEG and pixelate: equal); the counts of
 * differing values are printed. Where the Python also has skimage, the same is checked against the
 * reference's own skimage calls. Skipped where no Python with numpy and PIL is found.
 */
class CorruptionsPythonReferenceTest {
    private static final Set<Corruption> CHECKED = EnumSet.of(Corruption.CONTRAST, Corruption.BRIGHTNESS,
            Corruption.GAUSSIAN_BLUR, Corruption.JPEG_COMPRESSION, Corruption.PIXELATE);

    @TempDir
    Path tmp;

    private record Case(Corruption corruption, int severity, int channels, int height, int width, int offset,
                        byte[] image) {
    }

    @Test
    void deterministicCorruptionsMatchNumpyAndPil() throws IOException {
        Python.require();
        List<Case> cases = new ArrayList<>();
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        int[][] sizes = {{32, 32}, {64, 64}, {17, 24}};
        List<String> names = new ArrayList<>(TestImages.RGB);
        names.add(TestImages.GREY);
        for (int[] hw : sizes) {
            for (String name : names) {
                boolean grey = name.equals(TestImages.GREY);
                byte[] image = grey ? TestImages.grey(name, hw[0], hw[1]) : TestImages.rgb(name, hw[0], hw[1]);
                for (Corruption c : CHECKED) {
                    for (int s = 1; s <= 5; s++) {
                        cases.add(new Case(c, s, grey ? 1 : 3, hw[0], hw[1], input.size(), image));
                        input.write(image);
                    }
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        ArrayNode list = json.createArrayNode();
        for (Case k : cases) {
            ObjectNode o = list.addObject();
            o.put("corruption", k.corruption.id());
            o.put("c", ParameterTable.forSize(k.height, k.width).parameter(k.corruption, k.severity));
            o.put("channels", k.channels);
            o.put("height", k.height);
            o.put("width", k.width);
            o.put("offset", k.offset);
        }
        Files.write(tmp.resolve("input.bin"), input.toByteArray());
        json.writeValue(tmp.resolve("cases.json").toFile(), list);
        Path script = Python.resource("/corrupt/reference.py", tmp);
        Python.run(script, List.of(tmp.toString()), Duration.ofMinutes(5)).orThrow("corrupt/reference.py");
        byte[] expected = Files.readAllBytes(tmp.resolve("output.bin"));
        assertEquals(input.size(), expected.length);
        compare(cases, expected, "numpy/PIL");
        Path skimage = tmp.resolve("output_skimage.bin");
        if (Files.exists(skimage)) {
            compare(cases, Files.readAllBytes(skimage), "skimage (filters.gaussian, color.rgb2hsv/hsv2rgb)");
        } else {
            System.out.println("no skimage in this Python: compared with the numpy re-statement only");
        }
    }

    /** Within 1 level everywhere; JPEG and pixelate (integer pipelines of libjpeg and PIL) exactly. */
    private static void compare(List<Case> cases, byte[] expected, String what) {
        StringBuilder report = new StringBuilder("lowres vs " + what + " (values off by 1 / total):\n");
        for (Corruption c : CHECKED) {
            long off = 0;
            long total = 0;
            int worst = 0;
            for (Case k : cases) {
                if (k.corruption != c) {
                    continue;
                }
                byte[] got = Corruptions.apply(c, k.severity, k.image, k.channels, k.height, k.width, 1, 2);
                for (int i = 0; i < got.length; i++) {
                    int d = Math.abs((got[i] & 0xFF) - (expected[k.offset + i] & 0xFF));
                    int tolerance = c == Corruption.JPEG_COMPRESSION || c == Corruption.PIXELATE ? 0 : 1;
                    assertTrue(d <= tolerance, () -> what + ": " + c + " severity " + k.severity + " " + k.channels + "x" + k.height
                            + "x" + k.width + ": lowres and the reference differ by " + d + " levels");
                    worst = Math.max(worst, d);
                    off += d > 0 ? 1 : 0;
                }
                total += got.length;
            }
            report.append(String.format(Locale.ROOT, "  %-16s %d / %d (max %d)%n", c.id(), off, total, worst));
        }
        System.out.print(report);
    }
}
