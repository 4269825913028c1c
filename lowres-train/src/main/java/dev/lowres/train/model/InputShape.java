package dev.lowres.train.model;

/**
 * The shape of one input image.
 *
 * @param channels colour channels
 * @param height rows
 * @param width columns
 */
public record InputShape(int channels, int height, int width) {
    /** The shape of a batch of {@code n} such images, (N, C, H, W). */
    public long[] batch(long n) {
        return new long[] {n, channels, height, width};
    }

    /** Values in one image. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return "(" + channels + ", " + height + ", " + width + ")";
    }
}
