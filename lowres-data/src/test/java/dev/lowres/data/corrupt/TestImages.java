package dev.lowres.data.corrupt;

import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.image.Resampler;
import dev.lowres.data.testing.Fixtures;
import java.util.List;

/** The photo-like fixture images ({@link Fixtures#images()}), decoded and BOX-resized as the dataset builder does. */
final class TestImages {
    /** Colour photos of several shapes, and the grey JPEG. */
    static final List<String> RGB = List.of("rgb_00_500x375.JPEG", "rgb_03_333x500.JPEG", "rgb_04_640x480.JPEG",
            "rgb_06_1024x683.JPEG", "rgb_11_500x500.JPEG");
    static final String GREY = "gray.JPEG";

    private TestImages() {
    }

    /** Planar RGB {@code (3, height, width)}. */
    static byte[] rgb(String name, int height, int width) {
        byte[] data = Fixtures.read(Fixtures.images().resolve(name));
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            DecodedImage img = decoder.decode(data, data.length);
            byte[] out = new byte[3 * height * width];
            new Resampler().resize(img, width, height, ResampleFilter.BOX, out, 0);
            return out;
        } catch (BadImageException e) {
            throw new IllegalStateException(name, e);
        }
    }

    /** One grey plane {@code (1, height, width)}: the R plane of a grey JPEG (R = G = B there). */
    static byte[] grey(String name, int height, int width) {
        byte[] rgb = rgb(name, height, width);
        byte[] out = new byte[height * width];
        System.arraycopy(rgb, 0, out, 0, out.length);
        return out;
    }

    /** Mean absolute difference in levels. */
    static double meanAbsDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }

    static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) value);
        return out;
    }
}
