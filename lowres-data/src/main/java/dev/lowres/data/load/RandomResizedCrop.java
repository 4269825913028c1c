package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * Random-resized crop (Szegedy et al. 2015, "Going deeper with convolutions"; the sampling of torchvision's
 * {@code RandomResizedCrop}): up to 10 attempts draw an area fraction uniformly from [scale_min, scale_max]
 * and an aspect ratio log-uniformly from [ratio_min, ratio_max]; the first crop
 * {@code w = round(sqrt(area * ratio)), h = round(sqrt(area / ratio))} that fits is placed uniformly at
 * random, otherwise the centre crop of the whole image clamped to the ratio range is taken. The crop is
 * resized back to the record's size with bilinear interpolation, pixel centres aligned (PyTorch's
 * {@code align_corners=False}, PIL's convention, no antialiasing), values rounded to nearest as torchvision's
 * {@code resize} of a uint8 tensor does (a test holds torchvision 0.14's bytes for crops of three images).
 * Rounding is Python's (half to even), so the crop sizes are torchvision's for the same draws.
 *
 * <p>For 32 px data the downsampled-ImageNet papers (Chrabaszcz et al. 2017 and those that follow) use
 * pad-and-crop instead: at that size a crop of 8% of the area is 9 px, too little to recognise anything;
 * use {@code scale_min} around 0.35 if at all.
 */
final class RandomResizedCrop implements SampleOp {
    static final String HELP = "random-resized-crop(scale_min=0.08, scale_max=1, ratio_min=0.75, ratio_max=1.333) "
            + " torchvision's RandomResizedCrop sampling (Szegedy et al. 2015), bilinear resize back; for 32 px "
            + "data the downsampled-ImageNet papers use pad-crop instead, or scale_min around 0.35";

    private static final int ATTEMPTS = 10;

    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;
    private final double logRatioMin;
    private final double logRatioMax;

    RandomResizedCrop(double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
    }

    static RandomResizedCrop of(OpCall call, Augmentations.Context context) {
        double scaleMin = call.number("scale_min", 0.08, 0, 1);
        double scaleMax = call.number("scale_max", 1, 0, 1);
        double ratioMin = call.number("ratio_min", 3.0 / 4.0, 0, 100);
        double ratioMax = call.number("ratio_max", 4.0 / 3.0, 0, 100);
        if (scaleMin <= 0) {
            throw call.error("scale_min must be above 0, not " + scaleMin);
        }
        if (scaleMin > scaleMax) {
            throw call.error("scale_min (" + scaleMin + ") must be at most scale_max (" + scaleMax + ")");
        }
        if (ratioMin <= 0) {
            throw call.error("ratio_min must be above 0, not " + ratioMin);
        }
        if (ratioMin > ratioMax) {
            throw call.error("ratio_min (" + ratioMin + ") must be at most ratio_max (" + ratioMax + ")");
        }
        return new RandomResizedCrop(scaleMin, scaleMax, ratioMin, ratioMax);
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        int height = image.height();
        int width = image.width();
        double area = (double) height * width;
        int top = 0;
        int left = 0;
        int h = 0;
        int w = 0;
        boolean found = false;
        for (int attempt = 0; attempt < ATTEMPTS && !found; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * random.nextDouble());
            double ratio = Math.exp(logRatioMin + (logRatioMax - logRatioMin) * random.nextDouble());
            w = (int) Math.rint(Math.sqrt(target * ratio));
            h = (int) Math.rint(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                top = random.nextInt(height - h + 1);
                left = random.nextInt(width - w + 1);
                found = true;
            }
        }
        if (!found) {
            double inRatio = (double) width / height;
            if (inRatio < ratioMin) {
                w = width;
                h = (int) Math.rint(w / ratioMin);
            } else if (inRatio > ratioMax) {
                h = height;
                w = (int) Math.rint(h * ratioMax);
            } else {
                w = width;
                h = height;
            }
            top = (height - h) / 2;
            left = (width - w) / 2;
        }
        if (h == height && w == width) {
            return; // the whole image: resizing it to its own size is the identity
        }
        resize(image, top, left, h, w);
    }

    /**
     * Bilinear resize of the crop (top, left, h, w) to the whole image, into the spare buffer: source
     * coordinate {@code (dst + 0.5) * in / out - 0.5} clamped at 0, the two neighbours weighted linearly,
     * the result rounded half to even (float32, as PyTorch's {@code upsample_bilinear2d} and torchvision's
     * rounding back to uint8).
     */
    static void resize(SampleImage image, int top, int left, int h, int w) {
        byte[] src = image.pixels();
        byte[] dst = image.spare();
        int channels = image.channels();
        int height = image.height();
        int width = image.width();
        int plane = height * width;
        float scaleY = (float) h / height;
        float scaleX = (float) w / width;
        for (int y = 0; y < height; y++) {
            float sy = Math.max(0f, (y + 0.5f) * scaleY - 0.5f);
            int y0 = (int) sy;
            float ly = sy - y0;
            int y1 = Math.min(y0 + 1, h - 1);
            int row0 = (top + y0) * width + left;
            int row1 = (top + y1) * width + left;
            for (int x = 0; x < width; x++) {
                float sx = Math.max(0f, (x + 0.5f) * scaleX - 0.5f);
                int x0 = (int) sx;
                float lx = sx - x0;
                int x1 = Math.min(x0 + 1, w - 1);
                float w00 = (1 - ly) * (1 - lx);
                float w01 = (1 - ly) * lx;
                float w10 = ly * (1 - lx);
                float w11 = ly * lx;
                int out = y * width + x;
                for (int c = 0, base = 0; c < channels; c++, base += plane) {
                    float v = w00 * (src[base + row0 + x0] & 0xFF) + w01 * (src[base + row0 + x1] & 0xFF)
                            + w10 * (src[base + row1 + x0] & 0xFF) + w11 * (src[base + row1 + x1] & 0xFF);
                    dst[base + out] = (byte) (int) Math.rint(v);
                }
            }
        }
        image.swap();
    }

    @Override
    public String describe() {
        return Augmentations.describe("random-resized-crop", "scale_min", scaleMin, "scale_max", scaleMax,
                "ratio_min", ratioMin, "ratio_max", ratioMax);
    }
}
