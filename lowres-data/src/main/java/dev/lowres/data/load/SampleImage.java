package dev.lowres.data.load;

/**
 * One record on its way into a batch: planar uint8 pixels (channel, row, column) of a fixed size, plus a
 * pending geometric view. Crops and flips only change the view; the pixels move once, when the record is
 * written into the batch (or when an operation that needs pixels calls {@link #pixels()}). Owned by one
 * worker thread and reused record after record.
 */
public final class SampleImage {
    /** What a crop puts where it reaches past the image. */
    public enum Fill {
        /** Zero after normalisation: the channel mean (the paper pads after mean subtraction). */
        MEAN,
        /** Black pixels (torchvision pads the uint8 image, then normalises). */
        BLACK
    }

    private final int channels;
    private final int height;
    private final int width;
    private final byte[] meanPixel;
    private byte[] pixels;
    private byte[] spare;
    private int dy;
    private int dx;
    private boolean flip;
    private boolean viewPending;
    private Fill fill = Fill.MEAN;
    private int record;
    private int label;

    /**
     * @param meanPixel the per-channel mean rounded to a pixel value, used where a MEAN fill must become
     *                  pixels
     */
    public SampleImage(int channels, int height, int width, byte[] meanPixel) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.meanPixel = meanPixel.clone();
        this.pixels = new byte[channels * height * width];
        this.spare = new byte[pixels.length];
    }

    /** Starts a new record: its bytes must be written into {@link #raw()} next. */
    void reset(int record, int label) {
        this.record = record;
        this.label = label;
        dy = 0;
        dx = 0;
        flip = false;
        viewPending = false;
        fill = Fill.MEAN;
    }

    /** The buffer the record's bytes are read into (no view applied). */
    byte[] raw() {
        return pixels;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /**
     * The channel's mean as a pixel value (0..255): what a {@link Fill#MEAN} fill becomes in pixels, zero
     * after per-channel normalisation up to rounding. Operations that erase regions fill with it.
     */
    public int meanPixel(int channel) {
        return meanPixel[channel] & 0xFF;
    }

    /** The record's index in the split. */
    public int record() {
        return record;
    }

    /** The record's label. */
    public int label() {
        return label;
    }

    /**
     * Shifts the view: output pixel (y, x) shows what was at (y + dy, x + dx); beyond the image, {@code fill}.
     * A pad-by-p-then-crop is a shift by (dy, dx) in [-p, p].
     */
    public void shift(int dy, int dx, Fill fill) {
        if (viewPending && this.fill != fill) {
            materialize();
        }
        this.dy += dy;
        this.dx += flip ? -dx : dx;
        this.fill = fill;
        viewPending = true;
    }

    /** Mirrors the view left to right. */
    public void flipHorizontally() {
        flip = !flip;
        viewPending = true;
    }

    /** The pixels with the view applied, for operations that change pixel values; writable. */
    public byte[] pixels() {
        if (viewPending) {
            materialize();
        }
        return pixels;
    }

    /** A second buffer of the same size that operations may use as scratch; swap with {@link #swap()}. */
    public byte[] spare() {
        if (viewPending) {
            materialize();
        }
        return spare;
    }

    /** Makes {@link #spare()} the image (after an operation wrote its result there). */
    public void swap() {
        byte[] t = pixels;
        pixels = spare;
        spare = t;
    }

    private void materialize() {
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            byte padValue = fill == Fill.MEAN ? meanPixel[c] : 0;
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                int out = c * plane + y * width;
                for (int x = 0; x < width; x++) {
                    int sx = flip ? width - 1 - x + dx : x + dx;
                    spare[out + x] = sy < 0 || sy >= height || sx < 0 || sx >= width ? padValue
                            : pixels[c * plane + sy * width + sx];
                }
            }
        }
        swap();
        dy = 0;
        dx = 0;
        flip = false;
        viewPending = false;
    }

    // the pending view, for the emitter's fused copy
    boolean viewPending() {
        return viewPending;
    }

    int dy() {
        return dy;
    }

    int dx() {
        return dx;
    }

    boolean flipped() {
        return flip;
    }

    Fill fill() {
        return fill;
    }

    /** The current pixels without applying the view (the emitter applies it itself). */
    byte[] source() {
        return pixels;
    }
}
