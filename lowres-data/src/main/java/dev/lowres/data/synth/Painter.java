package dev.lowres.data.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.SplittableRandom;

/**
 * Draws one synthetic photo: a textured object of the class's shape and hue, placed, scaled, stretched
 * and turned at random on a background of low saturation with a gradient and noise. The background's
 * brightness is kept at least 0.3 away from the object's luma, so that grayscale images keep the shape.
 * Every draw comes from the given generator, in a fixed order, so an image is a function of its seed.
 */
final class Painter {
    /** Least difference between the object's luma and the background's brightness, in 0..1. */
    private static final double MIN_CONTRAST = 0.3;
    /** The object's centre moves over this fraction of the range that keeps it inside the image. */
    private static final double CENTRING = 0.6;

    private Painter() {
    }

    /** An image and the bounding box (inclusive, 0-based pixels) of the object drawn in it. */
    record Painted(BufferedImage image, int xMin, int yMin, int xMax, int yMax) {
    }

    static Painted paint(ClassLook look, SplittableRandom rng, int minSide, int maxSide, boolean gray) {
        // size: aspect 3:4 .. 16:9 (log-uniform), a fifth of the images portrait
        double ratio = StrictMath.exp(uniform(rng, StrictMath.log(0.75), StrictMath.log(16.0 / 9.0)));
        boolean portrait = rng.nextDouble() < 0.2;
        int longSide = rng.nextInt(minSide, maxSide + 1);
        int shortSide = (int) Math.round(longSide / Math.max(ratio, 1 / ratio));
        shortSide = Math.max(minSide, Math.min(longSide, shortSide));
        int width = ratio >= 1 ? longSide : shortSide;
        int height = ratio >= 1 ? shortSide : longSide;
        if (portrait) {
            int t = width;
            width = height;
            height = t;
        }

        // object colour
        double hue = look.hueDegrees() + uniform(rng, -7, 7);
        double[] obj = hsv(hue, uniform(rng, 0.6, 1.0), uniform(rng, 0.55, 1.0));
        double luma = 0.299 * obj[0] + 0.587 * obj[1] + 0.114 * obj[2];

        // background: far from the object's luma, dark or light
        boolean darkOk = luma - MIN_CONTRAST > 0.05;
        boolean lightOk = luma + MIN_CONTRAST < 0.98;
        boolean dark = darkOk && (!lightOk || rng.nextBoolean());
        double value = dark ? uniform(rng, 0.05, luma - MIN_CONTRAST) : uniform(rng, luma + MIN_CONTRAST, 0.98);
        double[] bg = hsv(uniform(rng, 0, 360), uniform(rng, 0, 0.25), value);
        double gradAngle = uniform(rng, 0, 2 * Math.PI);
        double gradAmp = uniform(rng, 0, 0.12) * 255;
        double gx = StrictMath.cos(gradAngle) * gradAmp / width;
        double gy = StrictMath.sin(gradAngle) * gradAmp / height;
        int noise = rng.nextInt(0, 16);

        // object geometry: 0.28..0.45 of the short side in radius, centred within 60% of the free range
        // (photos tend to centre their subject), stretched, turned by up to ~17 degrees
        double radius = Math.min(width, height) * uniform(rng, 0.28, 0.45);
        double ru = radius * uniform(rng, 0.85, 1.15);
        double rv = radius * uniform(rng, 0.85, 1.15);
        double cx = width / 2.0 + CENTRING * uniform(rng, radius - width / 2.0, width / 2.0 - radius);
        double cy = height / 2.0 + CENTRING * uniform(rng, radius - height / 2.0, height / 2.0 - radius);
        double angle = uniform(rng, -0.3, 0.3);
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        double reach = Math.max(ru, rv) * 1.42;
        int x0 = Math.max(0, (int) Math.floor(cx - reach));
        int x1 = Math.min(width - 1, (int) Math.ceil(cx + reach));
        int y0 = Math.max(0, (int) Math.floor(cy - reach));
        int y1 = Math.min(height - 1, (int) Math.ceil(cy + reach));

        BufferedImage image = new BufferedImage(width, height,
                gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        double bgR = bg[0] * 255 - gradAmp / 2;
        double bgG = bg[1] * 255 - gradAmp / 2;
        double bgB = bg[2] * 255 - gradAmp / 2;
        double objR = obj[0] * 255;
        double objG = obj[1] * 255;
        double objB = obj[2] * 255;
        int boxX0 = Integer.MAX_VALUE;
        int boxY0 = Integer.MAX_VALUE;
        int boxX1 = -1;
        int boxY1 = -1;
        boolean speckle = look.texture() == ClassLook.Texture.SPECKLE;
        int span = 2 * noise + 1;
        long noiseBits = 0;
        int bitsLeft = 0;
        int i = 0;
        for (int y = 0; y < height; y++) {
            double dy = y + 0.5 - cy;
            boolean rowInReach = y >= y0 && y <= y1;
            double rowShade = gy * y;
            for (int x = 0; x < width; x++) {
                // noise in -noise..noise from 8 random bits, eight pixels per draw
                if (bitsLeft == 0) {
                    noiseBits = rng.nextLong();
                    bitsLeft = 8;
                }
                int n = (int) (((noiseBits & 0xFF) * span) >>> 8) - noise;
                noiseBits >>>= 8;
                bitsLeft--;
                double r;
                double g;
                double b;
                boolean inside = false;
                double factor = 1;
                if (rowInReach && x >= x0 && x <= x1) {
                    double dx = x + 0.5 - cx;
                    double u = (cos * dx + sin * dy) / ru;
                    double v = (-sin * dx + cos * dy) / rv;
                    if (u >= -1 && u <= 1 && v >= -1 && v <= 1 && look.shape().contains(u, v)) {
                        inside = true;
                        factor = look.texture().factor(u, v, speckle ? rng.nextDouble() : 0);
                    }
                }
                if (inside) {
                    n /= 2;
                    r = objR * factor + n;
                    g = objG * factor + n;
                    b = objB * factor + n;
                    boxX0 = Math.min(boxX0, x);
                    boxX1 = Math.max(boxX1, x);
                    boxY0 = Math.min(boxY0, y);
                    boxY1 = Math.max(boxY1, y);
                } else {
                    double shade = gx * x + rowShade + n;
                    r = bgR + shade;
                    g = bgG + shade;
                    b = bgB + shade;
                }
                if (gray) {
                    out[i++] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
                } else {
                    out[i++] = clamp(b);
                    out[i++] = clamp(g);
                    out[i++] = clamp(r);
                }
            }
        }
        if (boxX1 < 0) { // cannot happen with the sizes above; keep the box meaningful anyway
            boxX0 = boxX1 = (int) cx;
            boxY0 = boxY1 = (int) cy;
        }
        return new Painted(image, boxX0, boxY0, boxX1, boxY1);
    }

    private static double uniform(SplittableRandom rng, double from, double to) {
        return from + (to - from) * rng.nextDouble();
    }

    /** Rounds to the nearest of 0..255 (ties away from zero). */
    private static byte clamp(double value) {
        if (value <= 0) {
            return 0;
        }
        if (value >= 255) {
            return (byte) 255;
        }
        return (byte) (int) (value + 0.5);
    }

    /** HSV (hue in degrees, s and v in 0..1) to RGB in 0..1. */
    static double[] hsv(double hue, double s, double v) {
        double h = ((hue % 360) + 360) % 360 / 60;
        int sector = (int) Math.floor(h) % 6;
        double f = h - Math.floor(h);
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        return switch (sector) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
    }
}
