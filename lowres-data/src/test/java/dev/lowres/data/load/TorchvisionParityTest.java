package dev.lowres.data.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RandAugment's 14 operations and random-resized-crop's resize give torchvision's bytes: the fixture holds
 * digests of torchvision 0.14.1's outputs (torch 1.13.1; {@code bench/torchvision_augment_fixture.py}) for
 * three images, every operation at seven magnitudes and both signs, and five crops per image.
 */
class TorchvisionParityTest {
    @Test
    void everyOperationMatchesTorchvisionBitForBit() throws Exception {
        Map<String, byte[]> images = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        InputStream in = getClass().getResourceAsStream("torchvision-augment.txt");
        assertNotNull(in, "fixture torchvision-augment.txt");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "image" -> {
                        images.put(f[1], HexFormat.of().parseHex(f[3]));
                        sizes.put(f[1], Integer.parseInt(f[2]));
                    }
                    case "ra" -> {
                        SampleImage image = image(images.get(f[1]), sizes.get(f[1]));
                        RandAugment.Op op = RandAugment.Op.values()[Integer.parseInt(f[2])];
                        RandAugment.apply(image, op, Integer.parseInt(f[3]), f[4].equals("1"), "black");
                        check(failures, line, f[5], image.pixels());
                        checked++;
                    }
                    case "rrc" -> {
                        int size = sizes.get(f[1]);
                        SampleImage image = image(images.get(f[1]), size);
                        RandomResizedCrop.resize(image, Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                                Integer.parseInt(f[4]), Integer.parseInt(f[5]));
                        check(failures, line, f[6], image.pixels());
                        checked++;
                    }
                    default -> { }
                }
            }
        }
        assertTrue(checked > 400, "checked " + checked);
        assertEquals(List.of(), failures);
    }

    private static SampleImage image(byte[] pixels, int size) {
        SampleImage image = new SampleImage(3, size, size, new byte[] {0, 0, 0});
        image.reset(0, 0);
        System.arraycopy(pixels, 0, image.raw(), 0, pixels.length);
        return image;
    }

    private static void check(List<String> failures, String line, String expected, byte[] pixels) throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pixels)).substring(0, 16);
        if (!digest.equals(expected)) {
            failures.add(line);
        }
    }
}
