package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * Cutout (DeVries &amp; Taylor 2017, "Improved Regularization of Convolutional Neural Networks with Cutout"):
 * with probability {@code p}, a square of side {@code size} centred at a uniformly random pixel, clipped at
 * the borders (so it may be partly outside), is set to zero after normalisation, i.e. to the channel mean.
 * As the authors' code: the centre (y, x) is uniform over the image and the square covers rows
 * {@code [y - size/2, y - size/2 + size)} (for odd sizes the authors' square is one pixel smaller). The default
 * side is half the image's (16 px at 32 px, the paper's CIFAR-10 value; it used 8 for CIFAR-100), p = 1.
 */
final class Cutout implements SampleOp {
    static final String HELP = "cutout(size=side/2, p=1)  Cutout (DeVries & Taylor 2017): a size x size square "
            + "of the channel mean (zero after normalisation) at a uniform centre, clipped; 16 at 32 px";

    private final int size;
    private final double p;

    Cutout(int size, double p) {
        this.size = size;
        this.p = p;
    }

    static Cutout of(OpCall call, Augmentations.Context context) {
        int side = Math.min(context.height(), context.width());
        int size = call.integer("size", Math.max(1, side / 2), 1, 2 * Math.max(context.height(), context.width()));
        double p = call.number("p", 1, 0, 1);
        return new Cutout(size, p);
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        if (random.nextDouble() >= p) {
            return;
        }
        int height = image.height();
        int width = image.width();
        int cy = random.nextInt(height);
        int cx = random.nextInt(width);
        int y0 = Math.max(0, cy - size / 2);
        int y1 = Math.min(height, cy - size / 2 + size);
        int x0 = Math.max(0, cx - size / 2);
        int x1 = Math.min(width, cx - size / 2 + size);
        fill(image, y0, y1, x0, x1);
    }

    /** Sets rows [y0, y1) x columns [x0, x1) to the channel mean. */
    static void fill(SampleImage image, int y0, int y1, int x0, int x1) {
        if (y0 >= y1 || x0 >= x1) {
            return;
        }
        byte[] pixels = image.pixels();
        int width = image.width();
        int plane = image.height() * width;
        for (int c = 0; c < image.channels(); c++) {
            byte v = (byte) image.meanPixel(c);
            for (int y = y0; y < y1; y++) {
                int row = c * plane + y * width;
                java.util.Arrays.fill(pixels, row + x0, row + x1, v);
            }
        }
    }

    @Override
    public String describe() {
        return Augmentations.describe("cutout", "size", size, "p", p);
    }
}
