package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * Random Erasing (Zhong, Zheng, Kang, Li &amp; Yang 2020, "Random Erasing Data Augmentation", AAAI): with
 * probability {@code p}, a rectangle of area {@code s * H * W}, s uniform in [scale_min, scale_max], and
 * aspect ratio r in [ratio_min, 1 / ratio_min] is erased. Sampling as torchvision's {@code RandomErasing}
 * (r log-uniform, {@code h = round(sqrt(area * r))}, {@code w = round(sqrt(area / r))}, accepted when
 * {@code h < H} and {@code w < W}, up to 10 attempts, then nothing is erased; the position uniform). The
 * defaults are torchvision's (p = 0.5, scale 0.02..0.33, ratio 0.3..1/0.3); the paper used s up to 0.4
 * and drew r uniformly, retrying until a rectangle fits. Erased pixels get {@code value}: {@code random}, a
 * uniform random value in 0..255 per pixel and channel (the paper's default, RE-R), {@code zero}, black
 * (RE-0), or {@code mean}, the channel mean (RE-M; zero after normalisation).
 */
final class RandomErasing implements SampleOp {
    static final String HELP = "random-erasing(p=0.5, scale_min=0.02, scale_max=0.33, ratio_min=0.3, "
            + "value=random|zero|mean)  Random Erasing (Zhong et al. 2020): erase a rectangle of 2..33% of the "
            + "area, aspect in [ratio_min, 1/ratio_min], with random pixels, black or the channel mean";

    private static final int ATTEMPTS = 10;

    private final double p;
    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final String value;
    private final double logRatio;

    RandomErasing(double p, double scaleMin, double scaleMax, double ratioMin, String value) {
        this.p = p;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.value = value;
        this.logRatio = Math.log(ratioMin);
    }

    static RandomErasing of(OpCall call, Augmentations.Context context) {
        double p = call.number("p", 0.5, 0, 1);
        double scaleMin = call.number("scale_min", 0.02, 0, 1);
        double scaleMax = call.number("scale_max", 0.33, 0, 1);
        double ratioMin = call.number("ratio_min", 0.3, 0, 1);
        String value = call.choice("value", "random", "zero", "mean");
        if (scaleMin > scaleMax) {
            throw call.error("scale_min (" + scaleMin + ") must be at most scale_max (" + scaleMax + ")");
        }
        if (ratioMin <= 0) {
            throw call.error("ratio_min must be above 0 (the ratio is drawn from [ratio_min, 1/ratio_min]), not "
                    + ratioMin);
        }
        return new RandomErasing(p, scaleMin, scaleMax, ratioMin, value);
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        if (random.nextDouble() >= p) {
            return;
        }
        int height = image.height();
        int width = image.width();
        double area = (double) height * width;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * random.nextDouble());
            // log-uniform in [log r, -log r]
            double ratio = Math.exp(logRatio - 2 * logRatio * random.nextDouble());
            int h = (int) Math.rint(Math.sqrt(target * ratio));
            int w = (int) Math.rint(Math.sqrt(target / ratio));
            if (h < height && w < width) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                erase(image, top, left, h, w, random);
                return;
            }
        }
    }

    private void erase(SampleImage image, int top, int left, int h, int w, SplittableRandom random) {
        if (h == 0 || w == 0) {
            return;
        }
        switch (value) {
            case "mean" -> Cutout.fill(image, top, top + h, left, left + w);
            case "zero" -> {
                byte[] pixels = image.pixels();
                int width = image.width();
                int plane = image.height() * width;
                for (int c = 0; c < image.channels(); c++) {
                    for (int y = top; y < top + h; y++) {
                        int row = c * plane + y * width;
                        java.util.Arrays.fill(pixels, row + left, row + left + w, (byte) 0);
                    }
                }
            }
            default -> {
                byte[] pixels = image.pixels();
                int width = image.width();
                int plane = image.height() * width;
                long bits = 0;
                int left8 = 0;
                for (int c = 0; c < image.channels(); c++) {
                    for (int y = top; y < top + h; y++) {
                        int row = c * plane + y * width;
                        for (int x = left; x < left + w; x++) {
                            if (left8 == 0) {
                                bits = random.nextLong();
                                left8 = 8;
                            }
                            pixels[row + x] = (byte) bits;
                            bits >>>= 8;
                            left8--;
                        }
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return Augmentations.describe("random-erasing", "p", p, "scale_min", scaleMin, "scale_max", scaleMax,
                "ratio_min", ratioMin, "value", value);
    }
}
