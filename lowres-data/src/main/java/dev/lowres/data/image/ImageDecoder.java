package dev.lowres.data.image;

import dev.lowres.data.image.BadImageException.Reason;

/**
 * Decodes image files exactly as the reference pipeline does ({@code PIL.Image.open(f).convert('RGB')}):
 * the format is recognised from content, the header is checked before any pixel is decoded, JPEGs go
 * through libjpeg-turbo ({@link JpegBackend}: islow IDCT, fancy upsampling, EXIF orientation ignored), except CMYK/YCCK JPEGs
 * ({@link CmykJpegReader}), and other formats through {@code javax.imageio} with PIL's mode conversions.
 *
 * <p>Not thread-safe: use one decoder per thread. It reuses its native and pixel buffers, so a
 * {@link DecodedImage} is valid only until the next call. Close it to free native memory.
 */
public final class ImageDecoder implements AutoCloseable {
    private final long maxPixels;
    private final JpegBackend jpeg = JpegBackend.create();
    private int[] pixels = new int[0];

    /**
     * @param maxPixels images whose header declares more pixels are refused before decoding
     *                  ({@link ImageHeader#PIL_PIXEL_LIMIT} reproduces PIL)
     */
    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /** Decodes at full resolution, as the reference pipeline does. */
    public DecodedImage decode(byte[] data, int length) throws BadImageException {
        return decode(data, length, 1);
    }

    /**
     * Decodes an image.
     *
     * @param reduction 1 for full size; 2, 4 or 8 to let a JPEG decode at that fraction of its size in
     *                  the DCT domain (fast mode, not identical to the reference); other formats and CMYK
     *                  JPEGs decode at full size whatever this says
     * @throws BadImageException when the input is empty, not an image, truncated, corrupt or too large
     */
    public DecodedImage decode(byte[] data, int length, int reduction) throws BadImageException {
        if (reduction != 1 && reduction != 2 && reduction != 4 && reduction != 8) {
            throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8: " + reduction);
        }
        return decode(data, length, ImageHeader.read(data, length, maxPixels), reduction);
    }

    /**
     * Fast mode: decodes a JPEG at the largest DCT-domain reduction (1/8, 1/4 or 1/2) that keeps both
     * sides at least {@code minSide} pixels; other formats at full size.
     */
    public DecodedImage decodeReduced(byte[] data, int length, int minSide) throws BadImageException {
        ImageHeader header = ImageHeader.read(data, length, maxPixels);
        int reduction = header.format() == ImageFormat.JPEG
                ? reductionFor(header.width(), header.height(), minSide) : 1;
        return decode(data, length, header, reduction);
    }

    /** The largest of 8, 4, 2 whose reduced size (rounded up, as libjpeg does) keeps both sides >= minSide. */
    public static int reductionFor(int width, int height, int minSide) {
        for (int r = 8; r > 1; r /= 2) {
            if ((width + r - 1) / r >= minSide && (height + r - 1) / r >= minSide) {
                return r;
            }
        }
        return 1;
    }

    private DecodedImage decode(byte[] data, int length, ImageHeader header, int reduction)
            throws BadImageException {
        if (header.format() == ImageFormat.JPEG) {
            if (header.jpegTruncated(data, length)) {
                throw new BadImageException(Reason.TRUNCATED,
                        "truncated JPEG: no end-of-image marker after the scan data");
            }
            if (header.components() == 4) {
                return CmykJpegReader.decode(data, length, header, this::buffer); // full size, see there
            }
            DecodedImage decoded = jpeg.decode(data, length, reduction, this::buffer);
            return reduction == 1 ? decoded : new DecodedImage(decoded.width(), decoded.height(), decoded.pixels(),
                    header.width(), header.height(), reduction);
        }
        if (header.format() == ImageFormat.WEBP) {
            throw new BadImageException(Reason.UNSUPPORTED, "WebP images are not supported");
        }
        return ImageIoReader.decode(data, length, header, maxPixels, this::buffer);
    }

    /** The JPEG decoder this lowres uses (see {@link JpegBackend}), as recorded in manifests. */
    public static String jpegDecoder() {
        return JpegBackend.describe();
    }

    /** Returns the reusable pixel buffer, grown to at least {@code size} ints. */
    private int[] buffer(int size) {
        if (pixels.length < size) {
            pixels = new int[size];
        }
        return pixels;
    }

    @Override
    public void close() {
        jpeg.close();
    }

    /** Supplies a pixel buffer of at least the given size. */
    @FunctionalInterface
    interface Buffers {
        int[] get(int size);
    }
}
