package dev.lowres.data.image;

import dev.lowres.data.image.BadImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Non-JPEG images (PNG, GIF, BMP, TIFF) through {@code javax.imageio}, converted to RGB with PIL's rules:
 * alpha is dropped, palettes are expanded, grey is replicated, 16-bit colour keeps the high byte, 16-bit
 * grey is clipped at 255 (PIL's {@code I} to {@code RGB}), 16-bit grey with an alpha channel keeps the high
 * byte (PIL opens PNG colour type 4 at 16 bits as {@code RGBA} through its {@code LA;16B} unpacker), and grey
 * below 8 bits is scaled to 0..255.
 * Raster samples are read directly, so no colour management or gamma is applied (PIL applies none).
 */
final class ImageIoReader {
    /** A PNG's IEND chunk: length 0, type, CRC. */
    private static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private ImageIoReader() {
    }

    static DecodedImage decode(byte[] data, int length, ImageHeader header, long maxPixels,
                               ImageDecoder.Buffers buffers) throws BadImageException {
        ImageFormat format = header.format();
        // a file that ends early is TRUNCATED whatever ImageIO's message says
        boolean cut = format == ImageFormat.PNG ? !pngEndsWithIend(data, length)
                : format == ImageFormat.GIF && (data[length - 1] & 0xFF) != 0x3B; // GIF trailer
        if (format == ImageFormat.PNG) {
            byte[] completed = completePngEnd(data, length);
            if (completed != null) {
                data = completed;
                length = completed.length;
            }
        }
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
                // PNG colour type 4 (grey + alpha) is the only header with 2 components
                boolean greyAlphaPng = format == ImageFormat.PNG && header.components() == 2;
                return toRgb(image, greyAlphaPng, buffers);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            String what = format.name().toLowerCase(Locale.ROOT);
            String message = describe(e);
            if (cut || endOfData(e)) {
                throw new BadImageException(Reason.TRUNCATED, "truncated " + what + ": " + message, e);
            }
            throw new BadImageException(Reason.CORRUPT, "corrupt " + what + ": " + message, e);
        }
    }

    /** Whether the failure, or any of its causes, is the input ending early (ImageIO wraps EOFExceptions). */
    private static boolean endOfData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof EOFException || m.contains("EOF") || m.contains("nexpected end")) {
                return true;
            }
        }
        return false;
    }

    /** The message, followed by the innermost cause's where that differs. */
    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root != e) {
            message += " (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        }
        return message;
    }

    /**
     * PIL decodes a PNG whose image data are complete even when what follows them is missing (the last
     * IDAT chunk's CRC, IEND, later chunks): it checks no IDAT CRC and stops reading at the end of the
     * image data. javax.imageio refuses some of these files (palette images, for which it reads every
     * chunk up to IEND first). So when a PNG does not end with a complete IEND chunk, this returns a copy
     * made of its complete chunks, what there is of a cut IDAT chunk (length corrected, CRC zero: ImageIO
     * checks no CRC) and IEND; {@code null} when the file needs nothing or no image data would be kept.
     * The image data are never completed, so a file cut inside them still fails, as TRUNCATED, as in PIL.
     */
    static byte[] completePngEnd(byte[] d, int n) {
        if (pngEndsWithIend(d, n)) {
            return null;
        }
        int pos = 8;
        boolean idat = false; // whether some image data are kept
        while (pos + 12 <= n) {
            long chunkLength = readUInt32(d, pos);
            if (pos + 12 + chunkLength > n) {
                break;
            }
            idat |= isType(d, pos, "IDAT") && chunkLength > 0;
            pos += 12 + (int) chunkLength;
        }
        int kept = pos;
        int partial = 0;
        if (pos + 8 <= n && isType(d, pos, "IDAT")) {
            partial = (int) Math.min(readUInt32(d, pos), n - pos - 8);
            idat |= partial > 0;
        }
        if (!idat) {
            return null;
        }
        byte[] out = new byte[kept + (partial > 0 ? 12 + partial : 0) + IEND.length];
        System.arraycopy(d, 0, out, 0, kept);
        int at = kept;
        if (partial > 0) {
            out[at] = (byte) (partial >>> 24);
            out[at + 1] = (byte) (partial >>> 16);
            out[at + 2] = (byte) (partial >>> 8);
            out[at + 3] = (byte) partial;
            System.arraycopy(d, pos + 4, out, at + 4, 4 + partial);
            at += 12 + partial; // the CRC stays zero
        }
        System.arraycopy(IEND, 0, out, at, IEND.length);
        return out;
    }

    /** Whether the chunks, walked from the signature, reach a complete IEND chunk. */
    static boolean pngEndsWithIend(byte[] d, int n) {
        if (n >= 8 + IEND.length && Arrays.equals(d, n - IEND.length, n, IEND, 0, IEND.length)) {
            return true;
        }
        int pos = 8;
        while (pos + 12 <= n) {
            long chunkLength = readUInt32(d, pos);
            if (pos + 12 + chunkLength > n) {
                return false;
            }
            if (isType(d, pos, "IEND")) {
                return true;
            }
            pos += 12 + (int) chunkLength;
        }
        return false;
    }

    private static boolean isType(byte[] d, int chunk, String type) {
        for (int i = 0; i < 4; i++) {
            if (d[chunk + 4 + i] != type.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long readUInt32(byte[] d, int at) {
        return ((long) (d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8)
                | (d[at + 3] & 0xFF);
    }

    private static DecodedImage toRgb(BufferedImage image, boolean greyAlphaPng, ImageDecoder.Buffers buffers) {
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
                    int v = greyAlphaPng && bits == 16 ? row[base] >>> 8 : greyTo8(row[base], bits);
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
