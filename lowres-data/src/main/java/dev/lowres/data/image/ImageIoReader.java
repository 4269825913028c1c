package dev.lowres.data.image;

import dev.lowres.data.image.BadImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Non-JPEG images (PNG, GIF, BMP, TIFF) through {@code javax.imageio}, converted to RGB with PIL's rules:
 * alpha is dropped, palettes are expanded, grey is replicated, 16-bit colour keeps the high byte, 16-bit
 * grey is clipped at 255 (PIL's {@code I} to {@code RGB}), and grey below 8 bits is scaled to 0..255.
 * Raster samples are read directly, so no colour management or gamma is applied (PIL applies none).
 */
final class ImageIoReader {
    private ImageIoReader() {
    }

    static DecodedImage decode(byte[] data, int length, ImageFormat format, long maxPixels,
                               ImageDecoder.Buffers buffers) throws BadImageException {
        ImageIO.setUseCache(false);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data, 0, length))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadImageException(Reason.UNSUPPORTED,
                        "no reader for " + format.name().toLowerCase(Locale.ROOT) + " images");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                new ImageHeader(format, width, height, 0, -1).checkPixels(maxPixels);
                BufferedImage image = reader.read(0);
                return toRgb(image, buffers);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            String what = format.name().toLowerCase(Locale.ROOT);
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (message.contains("EOF") || message.contains("nexpected end")) {
                throw new BadImageException(Reason.TRUNCATED, "truncated " + what + ": " + message, e);
            }
            throw new BadImageException(Reason.CORRUPT, "corrupt " + what + ": " + message, e);
        }
    }

    private static DecodedImage toRgb(BufferedImage image, ImageDecoder.Buffers buffers) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] out = buffers.get(width * height);
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        int bands = raster.getNumBands();
        int[] row = new int[width * bands];
        if (model instanceof IndexColorModel palette) {
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    int i = row[x];
                    out[y * width + x] = DecodedImage.pack(palette.getRed(i), palette.getGreen(i), palette.getBlue(i));
                }
            }
            return new DecodedImage(width, height, out);
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        boolean grey = bands <= 2;
        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int base = x * bands;
                if (grey) {
                    int v = greyTo8(row[base], bits);
                    out[y * width + x] = DecodedImage.pack(v, v, v);
                } else {
                    out[y * width + x] = DecodedImage.pack(colourTo8(row[base], bits),
                            colourTo8(row[base + 1], bits), colourTo8(row[base + 2], bits));
                }
            }
        }
        return new DecodedImage(width, height, out);
    }

    private static int greyTo8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return Math.min(v, 255); // PIL opens 16-bit grey as mode I; I -> RGB clips
        }
        return v * 255 / ((1 << bits) - 1);
    }

    private static int colourTo8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        return bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1);
    }
}
