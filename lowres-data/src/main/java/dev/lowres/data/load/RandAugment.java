package dev.lowres.data.load;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * RandAugment (Cubuk, Zoph, Shlens &amp; Le 2020, "RandAugment: Practical automated data augmentation with a
 * reduced search space"): {@code n} operations drawn uniformly, with replacement, from the paper's 14, each
 * at the one global magnitude {@code m}. Magnitudes follow torchvision's {@code RandAugment}
 * ({@code num_magnitude_bins=31}, so {@code m} is 0..30 and the paper's M=9 is the default): with
 * {@code f = m / 30},
 * <ul>
 * <li>ShearX, ShearY: shear {@code 0.3 f} (the image sheared about its top-left corner, as torchvision);</li>
 * <li>TranslateX, TranslateY: {@code int(150/331 * f * size)} pixels, a fraction of the image size
 * (torchvision's {@code 150 / 331 * image_size}: 150 px of the 331 px images AutoAugment used), so 4 px
 * at 32 px and m=9;</li>
 * <li>Rotate: {@code 30 f} degrees about the centre;</li>
 * <li>Brightness, Color, Contrast, Sharpness: enhancement factor {@code 1 + 0.9 f};</li>
 * <li>Posterize: {@code 8 - round(4 f)} bits; Solarize: threshold {@code 255 (1 - f)} (pixels at or above
 * it are inverted);</li>
 * <li>Identity, AutoContrast, Equalize: no magnitude.</li>
 * </ul>
 * The eight signed operations (shears, translations, rotation and the four enhancements) take a random sign.
 * Every operation computes what torchvision's does on a uint8 tensor, in the same float32 arithmetic
 * (enhancements blend and truncate as {@code .to(uint8)} does, Sharpness rounds its blurred image, Equalize is
 * PIL's, geometric operations build torchvision's affine grid and sample the nearest pixel with ties to even
 * as {@code grid_sample}), so that the bytes are torchvision 0.14's (a test holds its outputs for every
 * operation at seven magnitudes). What comes from outside the image is {@code fill}: {@code mean}, the channel
 * mean (zero after normalisation, as pad-crop's fill; the default), {@code grey} (128) or {@code black}
 * (torchvision's default fill of 0).
 * At {@code m=0} the geometric and enhancement operations and Posterize leave the image unchanged; Solarize
 * still inverts pixels of 255 (threshold 255, as torchvision and PIL), and AutoContrast and Equalize have no
 * magnitude. On one-channel images Color is the identity (as torchvision).
 */
final class RandAugment implements SampleOp {
    static final String HELP = "randaugment(n=2, m=9, fill=mean|grey|black)  n of the 14 RandAugment ops at "
            + "magnitude m of 0..30 (Cubuk et al. 2020; torchvision's 31 bins), geometric fill the channel mean";

    /** The paper's 14 operations, in torchvision's order. */
    enum Op {
        IDENTITY(false), SHEAR_X(true), SHEAR_Y(true), TRANSLATE_X(true), TRANSLATE_Y(true), ROTATE(true),
        BRIGHTNESS(true), COLOR(true), CONTRAST(true), SHARPNESS(true), POSTERIZE(false), SOLARIZE(false),
        AUTO_CONTRAST(false), EQUALIZE(false);

        final boolean signed;

        Op(boolean signed) {
            this.signed = signed;
        }
    }

    private static final Op[] OPS = Op.values();
    static final int BINS = 31;

    private final int n;
    private final int m;
    private final String fill;

    RandAugment(int n, int m, String fill) {
        this.n = n;
        this.m = m;
        this.fill = fill;
    }

    static RandAugment of(OpCall call, Augmentations.Context context) {
        int n = call.integer("n", 2, 0, 14);
        int m = call.integer("m", 9, 0, BINS - 1);
        String fill = call.choice("fill", "mean", "grey", "black");
        return new RandAugment(n, m, fill);
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        for (int i = 0; i < n; i++) {
            Op op = OPS[random.nextInt(OPS.length)];
            boolean negate = op.signed && random.nextInt(2) == 1;
            apply(image, op, m, negate, fill);
        }
    }

    /** Applies one operation at magnitude bin {@code m} (0..30), negated when {@code negate}. */
    static void apply(SampleImage image, Op op, int m, boolean negate, String fill) {
        double sign = negate ? -1 : 1;
        int h = image.height();
        int w = image.width();
        switch (op) {
            case IDENTITY -> { }
            case SHEAR_X -> {
                // F.affine(shear=[degrees(atan(s)), 0], center=[0, 0]): the top-left corner stays
                double shear = Math.toDegrees(Math.atan(sign * magnitude(0.3f, m)));
                affine(image, inverseAffine(-0.5 * w, -0.5 * h, 0, 0, 0, shear, 0), fill);
            }
            case SHEAR_Y -> {
                double shear = Math.toDegrees(Math.atan(sign * magnitude(0.3f, m)));
                affine(image, inverseAffine(-0.5 * w, -0.5 * h, 0, 0, 0, 0, shear), fill);
            }
            case TRANSLATE_X -> {
                int t = (int) (sign * magnitude((float) (150.0 / 331.0 * w), m));
                if (t != 0) {
                    affine(image, inverseAffine(0, 0, 0, t, 0, 0, 0), fill);
                }
            }
            case TRANSLATE_Y -> {
                int t = (int) (sign * magnitude((float) (150.0 / 331.0 * h), m));
                if (t != 0) {
                    affine(image, inverseAffine(0, 0, 0, 0, t, 0, 0), fill);
                }
            }
            case ROTATE -> {
                // F.rotate: counter-clockwise about the centre
                double angle = sign * magnitude(30f, m);
                if (angle != 0) {
                    affine(image, inverseAffine(0, 0, -angle, 0, 0, 0, 0), fill);
                }
            }
            case BRIGHTNESS -> brightness(image, 1 + sign * magnitude(0.9f, m));
            case COLOR -> color(image, 1 + sign * magnitude(0.9f, m));
            case CONTRAST -> contrast(image, 1 + sign * magnitude(0.9f, m));
            case SHARPNESS -> sharpness(image, 1 + sign * magnitude(0.9f, m));
            case POSTERIZE -> posterize(image, 8 - (int) Math.rint(m / ((BINS - 1) / 4.0)));
            case SOLARIZE -> solarize(image, 255f - magnitude(255f, m));
            case AUTO_CONTRAST -> autoContrast(image);
            case EQUALIZE -> equalize(image);
            default -> throw new AssertionError(op);
        }
    }

    /**
     * {@code torch.linspace(0, 0.3, 31)} and {@code torch.linspace(0, 0.9, 31)} in float32 exactly as PyTorch
     * (1.13, x86-64) computes them: its vectorised kernel rounds a few bins differently from any closed
     * formula, and the enhancement factors are then truncated to pixels, so the last bit shows.
     */
    private static final float[] SHEAR = {0.0f, 0.010000001f, 0.020000001f, 0.030000001f, 0.040000003f,
        0.050000004f, 0.060000002f, 0.07000001f, 0.080000006f, 0.09f, 0.10000001f, 0.11000001f, 0.120000005f,
        0.13000001f, 0.14000002f, 0.15f, 0.16f, 0.17f, 0.18f, 0.19f, 0.2f, 0.21000001f, 0.22f, 0.23f, 0.24000001f,
        0.25f, 0.26000002f, 0.27f, 0.28f, 0.29000002f, 0.3f};
    private static final float[] ENHANCE = {0.0f, 0.03f, 0.06f, 0.089999996f, 0.12f, 0.14999999f, 0.17999999f,
        0.21f, 0.24f, 0.26999998f, 0.29999998f, 0.32999998f, 0.35999998f, 0.39f, 0.42f, 0.45f, 0.48f, 0.51f,
        0.53999996f, 0.57f, 0.59999996f, 0.63f, 0.65999997f, 0.69f, 0.71999997f, 0.75f, 0.78f, 0.81f, 0.84f, 0.87f,
        0.9f};

    /**
     * Bin {@code m} of {@code torch.linspace(0, max, 31)} in float32: the tables above for 0.3 and 0.9, else
     * PyTorch's scalar formula ({@code step * m} below the halfway point, {@code max - step * (30 - m)} from
     * it), which is exact for 30 and 255 and only feeds a truncation to whole pixels for translations.
     */
    static float magnitude(float max, int m) {
        if (max == 0.3f) {
            return SHEAR[m];
        }
        if (max == 0.9f) {
            return ENHANCE[m];
        }
        float step = max / (BINS - 1);
        return m < BINS / 2 ? step * m : max - step * (BINS - 1 - m);
    }

    /**
     * torchvision's {@code _get_inverse_affine_matrix}: the map from output to input coordinates, both
     * relative to the image centre (x right, y down), for a rotation by {@code angle} degrees (clockwise, as
     * {@code F.affine}; {@code F.rotate} negates it), translation (tx, ty) and shear (degrees) about the
     * centre (cx, cy) given relative to the image centre.
     */
    static double[] inverseAffine(double cx, double cy, double angle, double tx, double ty, double shearX,
                                  double shearY) {
        double rot = Math.toRadians(angle);
        double sx = Math.toRadians(shearX);
        double sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d, -b, 0, -c, a, 0};
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    /**
     * Nearest-neighbour warp by an inverse affine matrix in centre-relative coordinates, computed as
     * torchvision's {@code _gen_affine_grid} and PyTorch's {@code grid_sample(align_corners=False)} do, in
     * float32, so that ties round the same way (half to even); what comes from outside the image is the fill.
     */
    private static void affine(SampleImage image, double[] theta, String fill) {
        byte[] src = image.pixels();
        byte[] dst = image.spare();
        int channels = image.channels();
        int height = image.height();
        int width = image.width();
        int plane = height * width;
        byte fill0 = fillValue(image, 0, fill);
        byte fill1 = channels > 1 ? fillValue(image, 1, fill) : 0;
        byte fill2 = channels > 2 ? fillValue(image, 2, fill) : 0;
        float halfW = 0.5f * width;
        float halfH = 0.5f * height;
        float xx = (float) theta[0] / halfW;
        float xy = (float) theta[1] / halfW;
        float x1 = (float) theta[2] / halfW;
        float yx = (float) theta[3] / halfH;
        float yy = (float) theta[4] / halfH;
        float y1 = (float) theta[5] / halfH;
        for (int y = 0; y < height; y++) {
            float by = -halfH + 0.5f + y;
            for (int x = 0; x < width; x++) {
                float bx = -halfW + 0.5f + x;
                float gx = bx * xx + by * xy + x1;
                float gy = bx * yx + by * yy + y1;
                int sx = (int) Math.rint((gx + 1) * halfW - 0.5f);
                int sy = (int) Math.rint((gy + 1) * halfH - 0.5f);
                int out = y * width + x;
                if (sx >= 0 && sx < width && sy >= 0 && sy < height) {
                    int in = sy * width + sx;
                    for (int ch = 0, base = 0; ch < channels; ch++, base += plane) {
                        dst[base + out] = src[base + in];
                    }
                } else {
                    dst[out] = fill0;
                    if (channels == 3) {
                        dst[plane + out] = fill1;
                        dst[2 * plane + out] = fill2;
                    } else {
                        for (int ch = 1; ch < channels; ch++) {
                            dst[ch * plane + out] = fillValue(image, ch, fill);
                        }
                    }
                }
            }
        }
        image.swap();
    }

    private static byte fillValue(SampleImage image, int channel, String fill) {
        return switch (fill) {
            case "grey" -> (byte) 128;
            case "black" -> 0;
            default -> (byte) image.meanPixel(channel);
        };
    }

    /** torchvision's {@code _blend} on uint8: {@code (r * v + (1 - r) * other)} clamped and truncated. */
    private static byte blend(float ratio, float rest, int v, float other) {
        float x = ratio * v + rest * other;
        return (byte) (x <= 0 ? 0 : x >= 255 ? 255 : (int) x);
    }

    private static void brightness(SampleImage image, double factor) {
        byte[] p = image.pixels();
        float r = (float) factor;
        for (int i = 0; i < p.length; i++) {
            p[i] = blend(r, 0, p[i] & 0xFF, 0);
        }
    }

    /** torchvision's uint8 grayscale: {@code (0.2989 r + 0.587 g + 0.114 b)} truncated. */
    private static int gray(byte[] p, int i, int plane) {
        return (int) (0.2989f * (p[i] & 0xFF) + 0.587f * (p[plane + i] & 0xFF) + 0.114f * (p[2 * plane + i] & 0xFF));
    }

    private static void color(SampleImage image, double factor) {
        if (image.channels() != 3) {
            return;
        }
        byte[] p = image.pixels();
        int plane = image.height() * image.width();
        float r = (float) factor;
        float rest = (float) (1 - factor);
        for (int i = 0; i < plane; i++) {
            float g = gray(p, i, plane);
            p[i] = blend(r, rest, p[i] & 0xFF, g);
            p[plane + i] = blend(r, rest, p[plane + i] & 0xFF, g);
            p[2 * plane + i] = blend(r, rest, p[2 * plane + i] & 0xFF, g);
        }
    }

    private static void contrast(SampleImage image, double factor) {
        byte[] p = image.pixels();
        int plane = image.height() * image.width();
        double sum = 0;
        if (image.channels() == 3) {
            for (int i = 0; i < plane; i++) {
                sum += gray(p, i, plane);
            }
        } else {
            for (int i = 0; i < p.length; i++) {
                sum += p[i] & 0xFF;
            }
        }
        float mean = (float) (sum / (image.channels() == 3 ? plane : p.length));
        float r = (float) factor;
        float rest = (float) (1 - factor);
        for (int i = 0; i < p.length; i++) {
            p[i] = blend(r, rest, p[i] & 0xFF, mean);
        }
    }

    /**
     * torchvision's adjust_sharpness: blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13, rounded
     * (the border keeps its pixels). The smoothed value is computed exactly in integers: a sum over 13 is
     * never half way, so rounding it equals rounding PyTorch's float32 convolution.
     */
    private static void sharpness(SampleImage image, double factor) {
        int height = image.height();
        int width = image.width();
        if (height <= 2 || width <= 2) {
            return;
        }
        byte[] src = image.pixels();
        byte[] dst = image.spare();
        int plane = height * width;
        float r = (float) factor;
        float rest = (float) (1 - factor);
        for (int c = 0, base = 0; c < image.channels(); c++, base += plane) {
            for (int y = 0; y < height; y++) {
                int row = base + y * width;
                boolean edge = y == 0 || y == height - 1;
                for (int x = 0; x < width; x++) {
                    int i = row + x;
                    int v = src[i] & 0xFF;
                    int degenerate;
                    if (edge || x == 0 || x == width - 1) {
                        degenerate = v;
                    } else {
                        int above = i - width;
                        int below = i + width;
                        int sum = (src[above - 1] & 0xFF) + (src[above] & 0xFF) + (src[above + 1] & 0xFF)
                                + (src[i - 1] & 0xFF) + 5 * v + (src[i + 1] & 0xFF)
                                + (src[below - 1] & 0xFF) + (src[below] & 0xFF) + (src[below + 1] & 0xFF);
                        degenerate = (2 * sum + 13) / 26;
                    }
                    dst[i] = blend(r, rest, v, degenerate);
                }
            }
        }
        image.swap();
    }

    private static void posterize(SampleImage image, int bits) {
        if (bits >= 8) {
            return;
        }
        byte[] p = image.pixels();
        byte mask = (byte) (0xFF << (8 - bits));
        for (int i = 0; i < p.length; i++) {
            p[i] &= mask;
        }
    }

    private static void solarize(SampleImage image, float threshold) {
        byte[] p = image.pixels();
        for (int i = 0; i < p.length; i++) {
            int v = p[i] & 0xFF;
            if (v >= threshold) {
                p[i] = (byte) (255 - v);
            }
        }
    }

    /** Per channel: stretch [min, max] to [0, 255] (float32, truncated); a constant channel is kept. */
    private static void autoContrast(SampleImage image) {
        byte[] p = image.pixels();
        int plane = image.height() * image.width();
        for (int c = 0, base = 0; c < image.channels(); c++, base += plane) {
            int min = 255;
            int max = 0;
            for (int i = base; i < base + plane; i++) {
                int v = p[i] & 0xFF;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (max == min) {
                continue;
            }
            float scale = (1f / (max - min)) * 255f; // PyTorch's 255 / t is reciprocal(t) * 255
            for (int i = base; i < base + plane; i++) {
                float x = (float) ((p[i] & 0xFF) - min) * scale;
                p[i] = (byte) (x >= 255 ? 255 : (int) x);
            }
        }
    }

    /**
     * Per channel histogram equalisation as PIL's ImageOps.equalize (and torchvision's): step = (pixels
     * outside the last non-empty bin) / 255, rounded down; a channel with step 0 is kept.
     */
    private static void equalize(SampleImage image) {
        byte[] p = image.pixels();
        int plane = image.height() * image.width();
        int[] hist = new int[256];
        for (int c = 0, base = 0; c < image.channels(); c++, base += plane) {
            java.util.Arrays.fill(hist, 0);
            for (int i = base; i < base + plane; i++) {
                hist[p[i] & 0xFF]++;
            }
            int last = 255;
            while (hist[last] == 0) {
                last--;
            }
            int step = (plane - hist[last]) / 255;
            if (step == 0) {
                continue;
            }
            // lut[v] = (cumulative count below v + step / 2) / step, clamped to 255
            int cumulative = step / 2;
            for (int v = 0; v < 256; v++) {
                int count = hist[v];
                hist[v] = Math.min(255, cumulative / step);
                cumulative += count;
            }
            for (int i = base; i < base + plane; i++) {
                p[i] = (byte) hist[p[i] & 0xFF];
            }
        }
    }

    @Override
    public String describe() {
        return Augmentations.describe("randaugment", "n", n, "m", m, "fill", fill.toLowerCase(Locale.ROOT));
    }
}
