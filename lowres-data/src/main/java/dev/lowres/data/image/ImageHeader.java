package dev.lowres.data.image;

import dev.lowres.data.image.BadImageException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * What a file's header says about the image, read without decoding any pixel.
 *
 * @param format the container format
 * @param width width in pixels, or 0 where the header was not parsed (formats other than JPEG and PNG)
 * @param height height in pixels, or 0 where the header was not parsed
 * @param components colour components (1 grey, 3 colour, 4 CMYK), or 0 where unknown
 * @param scanOffset for JPEG, the offset of the first start-of-scan marker; -1 otherwise
 */
public record ImageHeader(ImageFormat format, int width, int height, int components, int scanOffset) {

    /**
     * PIL's decompression-bomb limit: {@code Image.open} refuses images with more than
     * {@code 2 * MAX_IMAGE_PIXELS} pixels, and the reference pipeline therefore never contains them.
     */
    public static final long PIL_PIXEL_LIMIT = 2L * (1024L * 1024L * 1024L / 4L / 3L);

    /** Number of pixels the header declares. */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * Reads the header of an in-memory file and refuses it when it declares more than {@code maxPixels}
     * pixels, before anything else is looked at.
     *
     * @throws BadImageException when the file is empty, not an image, too large, or its header is damaged
     */
    public static ImageHeader read(byte[] data, int length, long maxPixels) throws BadImageException {
        if (length == 0) {
            throw new BadImageException(Reason.EMPTY, "empty file (0 bytes)");
        }
        ImageFormat format = ImageFormat.sniff(data, length);
        return switch (format) {
            case JPEG -> readJpeg(data, length, maxPixels);
            case PNG -> readPng(data, length, maxPixels);
            case UNKNOWN -> throw new BadImageException(Reason.NOT_AN_IMAGE,
                    "not an image: unknown signature " + hexPrefix(data, length));
            default -> new ImageHeader(format, 0, 0, 0, -1);
        };
    }

    /**
     * Refuses an image whose declared size exceeds {@code maxPixels}.
     *
     * @throws BadImageException with {@link Reason#TOO_MANY_PIXELS}
     */
    public void checkPixels(long maxPixels) throws BadImageException {
        if (pixels() > maxPixels) {
            throw new BadImageException(Reason.TOO_MANY_PIXELS, String.format(java.util.Locale.ROOT,
                    "decompression bomb refused: header declares %dx%d = %,d pixels, limit %,d",
                    width, height, pixels(), maxPixels));
        }
    }

    /**
     * Whether a JPEG's data ends before its end-of-image marker. PIL refuses such files ("image file is
     * truncated"), so the reference datasets never contain them.
     */
    public boolean jpegTruncated(byte[] data, int length) {
        for (int i = length - 2; i > scanOffset; i--) {
            if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == 0xD9) {
                return false;
            }
        }
        return true;
    }

    private static ImageHeader readJpeg(byte[] d, int n, long maxPixels) throws BadImageException {
        int pos = 2;
        int width = -1;
        int height = -1;
        int components = 0;
        while (true) {
            // find the next marker, skipping fill bytes
            if (pos >= n) {
                throw new BadImageException(Reason.TRUNCATED, "truncated JPEG: ends inside its header");
            }
            if ((d[pos] & 0xFF) != 0xFF) {
                throw new BadImageException(Reason.CORRUPT, String.format(java.util.Locale.ROOT,
                        "corrupt JPEG header: expected a marker at byte %d, found 0x%02x", pos, d[pos] & 0xFF));
            }
            while (pos < n && (d[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= n) {
                throw new BadImageException(Reason.TRUNCATED, "truncated JPEG: ends inside its header");
            }
            int marker = d[pos++] & 0xFF;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                continue; // stand-alone markers
            }
            if (marker == 0xD9) {
                throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: end-of-image before any scan");
            }
            if (pos + 2 > n) {
                throw new BadImageException(Reason.TRUNCATED, "truncated JPEG: ends inside its header");
            }
            int segmentLength = ((d[pos] & 0xFF) << 8) | (d[pos + 1] & 0xFF);
            if (segmentLength < 2) {
                throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: bad segment length " + segmentLength);
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (pos + 8 > n || segmentLength < 8) {
                    throw new BadImageException(Reason.TRUNCATED, "truncated JPEG: ends inside its frame header");
                }
                int precision = d[pos + 2] & 0xFF;
                height = ((d[pos + 3] & 0xFF) << 8) | (d[pos + 4] & 0xFF);
                width = ((d[pos + 5] & 0xFF) << 8) | (d[pos + 6] & 0xFF);
                components = d[pos + 7] & 0xFF;
                new ImageHeader(ImageFormat.JPEG, width, height, components, -1).checkPixels(maxPixels);
                if (precision != 8) {
                    throw new BadImageException(Reason.UNSUPPORTED, precision + "-bit JPEG is not supported");
                }
                if (marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF) {
                    throw new BadImageException(Reason.UNSUPPORTED, "lossless JPEG is not supported");
                }
                if (width == 0 || height == 0) {
                    throw new BadImageException(Reason.UNSUPPORTED,
                            "JPEG with a zero dimension in its frame header (DNL) is not supported");
                }
                if (components != 1 && components != 3 && components != 4) {
                    throw new BadImageException(Reason.UNSUPPORTED,
                            "JPEG with " + components + " components is not supported");
                }
            }
            if (marker == 0xDA) {
                if (width < 0) {
                    throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: scan before frame header");
                }
                return new ImageHeader(ImageFormat.JPEG, width, height, components, pos - 2);
            }
            pos += segmentLength;
        }
    }

    private static ImageHeader readPng(byte[] d, int n, long maxPixels) throws BadImageException {
        if (n < 33) {
            throw new BadImageException(Reason.TRUNCATED, "truncated PNG: ends inside its header");
        }
        if (d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            throw new BadImageException(Reason.CORRUPT, "corrupt PNG: first chunk is not IHDR");
        }
        long width = readUInt32(d, 16);
        long height = readUInt32(d, 20);
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new BadImageException(Reason.CORRUPT, "corrupt PNG: size " + width + "x" + height);
        }
        int colorType = d[25] & 0xFF;
        int components = switch (colorType) {
            case 0 -> 1;
            case 2, 3 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new BadImageException(Reason.CORRUPT, "corrupt PNG: colour type " + colorType);
        };
        ImageHeader header = new ImageHeader(ImageFormat.PNG, (int) width, (int) height, components, -1);
        header.checkPixels(maxPixels);
        checkPngChunksBeforeImageData(d, n);
        return header;
    }

    /**
     * Walks the chunk headers up to the first IDAT chunk and reports a file that ends before it. (PIL
     * refuses these too: "Truncated File Read" when a chunk's data are cut, "cannot identify image file"
     * when a chunk header or CRC is.)
     */
    private static void checkPngChunksBeforeImageData(byte[] d, int n) throws BadImageException {
        int pos = 8;
        while (true) {
            if (pos + 8 > n) {
                throw new BadImageException(Reason.TRUNCATED, "truncated PNG: ends before its image data");
            }
            long chunkLength = readUInt32(d, pos);
            String type = new String(d, pos + 4, 4, StandardCharsets.ISO_8859_1).replaceAll("[^A-Za-z]", "?");
            if (type.equals("IDAT")) {
                return;
            }
            if (pos + 12 + chunkLength > n) {
                throw new BadImageException(Reason.TRUNCATED,
                        "truncated PNG: ends inside its " + type + " chunk, before its image data");
            }
            pos += 12 + (int) chunkLength;
        }
    }

    private static long readUInt32(byte[] d, int at) {
        return ((long) (d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8)
                | (d[at + 3] & 0xFF);
    }

    private static String hexPrefix(byte[] data, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, length); i++) {
            sb.append(String.format(java.util.Locale.ROOT, "%02x", data[i] & 0xFF));
        }
        return sb.toString();
    }
}
