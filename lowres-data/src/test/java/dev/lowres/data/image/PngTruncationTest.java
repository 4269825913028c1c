package dev.lowres.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lowres.data.image.BadImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cut PNGs are judged as PIL 9.4 judges them (PilRandomizedExactnessTest checks this against PIL itself):
 * a file whose image data are complete decodes even without its last CRC and IEND chunk; a file cut inside
 * its image data, or before them, is {@link Reason#TRUNCATED}. A palette image is used because
 * javax.imageio reads every chunk of those up to IEND before decoding.
 */
class PngTruncationTest {
    private static byte[] png;
    private static int[] pixels;

    @BeforeAll
    static void write() throws Exception {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16);
            g[i] = (byte) (255 - i * 9);
            b[i] = (byte) (i * i);
        }
        BufferedImage image = new BufferedImage(37, 23, BufferedImage.TYPE_BYTE_BINARY,
                new IndexColorModel(4, 16, r, g, b));
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                image.getRaster().setSample(x, y, 0, (x * 7 + y * 3 + x * y) % 16);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        png = out.toByteArray();
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            pixels = Arrays.copyOf(decoder.decode(png, png.length).pixels(), 37 * 23);
        }
    }

    @Test
    void decodesWhenOnlyTheLastCrcAndIendAreMissing() throws Exception {
        for (int missing : new int[] {1, 4, 8, 12, 13, 16}) {
            assertArrayEquals(pixels, decode(png.length - missing),
                    "PIL decodes a PNG missing its last " + missing + " bytes; lowres must too");
        }
    }

    @Test
    void isTruncatedWhenCutInsideOrBeforeTheImageData() throws IOException {
        int idat = indexOf("IDAT") - 4;
        for (int cut : new int[] {20, 33, 40, idat, idat + 4, idat + 8, idat + 9, (idat + png.length) / 2,
                png.length - 30}) {
            BadImageException e = assertThrows(BadImageException.class, () -> decode(cut), "cut at " + cut);
            assertEquals(Reason.TRUNCATED, e.reason(), "cut at " + cut + " of " + png.length + ": " + e.getMessage());
        }
    }

    private static int[] decode(int length) throws BadImageException {
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            DecodedImage image = decoder.decode(Arrays.copyOf(png, length), length);
            return Arrays.copyOf(image.pixels(), image.width() * image.height());
        }
    }

    private static int indexOf(String type) {
        for (int i = 8; i + 4 <= png.length; i++) {
            if (png[i] == type.charAt(0) && png[i + 1] == type.charAt(1) && png[i + 2] == type.charAt(2)
                    && png[i + 3] == type.charAt(3)) {
                return i;
            }
        }
        throw new AssertionError(type + " not found");
    }
}
