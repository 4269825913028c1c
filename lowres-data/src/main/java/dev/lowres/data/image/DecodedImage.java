package dev.lowres.data.image;

/**
 * A decoded image as PIL's {@code convert('RGB')} gives it: 8-bit RGB, grey replicated to three channels.
 *
 * <p>Pixels are packed one per {@code int}, row-major, red in bits 24-31, green in 16-23 and blue in
 * 8-15 (the layout of leptonica's 32-bit images, so JPEG pixels are copied without repacking). The
 * array may be longer than {@code width * height}: decoders reuse their buffers, so an instance is
 * valid only until its decoder decodes the next image.
 */
public final class DecodedImage {
    private final int width;
    private final int height;
    private final int[] pixels;
    private final int fullWidth;
    private final int fullHeight;
    private final int reduction;

    public DecodedImage(int width, int height, int[] pixels) {
        this(width, height, pixels, width, height, 1);
    }

    /**
     * An image decoded at {@code 1/reduction} of its full size (fast mode): {@code width} is
     * {@code ceil(fullWidth / reduction)}, and so on.
     */
    public DecodedImage(int width, int height, int[] pixels, int fullWidth, int fullHeight, int reduction) {
        if (width <= 0 || height <= 0 || pixels.length < (long) width * height) {
            throw new IllegalArgumentException("bad image geometry " + width + "x" + height);
        }
        if (reduction < 1 || width != (fullWidth + reduction - 1) / reduction
                || height != (fullHeight + reduction - 1) / reduction) {
            throw new IllegalArgumentException(width + "x" + height + " is not " + fullWidth + "x" + fullHeight
                    + " reduced by " + reduction);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
        this.fullWidth = fullWidth;
        this.fullHeight = fullHeight;
        this.reduction = reduction;
    }

    /** The full width of the image this was decoded from (equals {@link #width()} unless reduced). */
    public int fullWidth() {
        return fullWidth;
    }

    /** The full height of the image this was decoded from. */
    public int fullHeight() {
        return fullHeight;
    }

    /** 1, or the DCT-domain reduction (2, 4, 8) it was decoded at. */
    public int reduction() {
        return reduction;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The packed pixels; see the class comment for the layout. */
    public int[] pixels() {
        return pixels;
    }

    /** Packs one pixel in this class's layout. */
    public static int pack(int r, int g, int b) {
        return (r << 24) | (g << 16) | (b << 8);
    }

    public static int red(int packed) {
        return packed >>> 24;
    }

    public static int green(int packed) {
        return (packed >>> 16) & 0xFF;
    }

    public static int blue(int packed) {
        return (packed >>> 8) & 0xFF;
    }
}
