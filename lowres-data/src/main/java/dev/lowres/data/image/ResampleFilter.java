package dev.lowres.data.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Pillow's resampling filters, with Pillow's kernels and supports (Pillow 9.4, {@code Resample.c}). The
 * published downsampled-ImageNet scripts offer all six; the datasets were made with {@link #BOX}.
 */
public enum ResampleFilter {
    NEAREST(0.0),
    BOX(0.5),
    BILINEAR(1.0),
    HAMMING(1.0),
    BICUBIC(2.0),
    LANCZOS(3.0);

    private final double support;

    ResampleFilter(double support) {
        this.support = support;
    }

    /** Half-width of the kernel at scale 1, in input pixels. */
    public double support() {
        return support;
    }

    /** The kernel, evaluated exactly as Pillow's C code does (same constants, same float promotions). */
    public double weight(double x) {
        switch (this) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR:
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            case HAMMING:
                x = Math.abs(x);
                if (x == 0.0) {
                    return 1.0;
                }
                if (x >= 1.0) {
                    return 0.0;
                }
                x = x * Math.PI;
                // Pillow writes 0.54f and 0.46f: float constants promoted to double
                return StrictMath.sin(x) / x * (0.54f + 0.46f * StrictMath.cos(x));
            case BICUBIC: {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS:
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            default:
                throw new IllegalStateException("NEAREST has no kernel");
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return StrictMath.sin(x) / x;
    }

    /** The lower-case name used on the command line and in manifests. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a filter name such as {@code box}; the error lists the valid names. */
    public static ResampleFilter parse(String name) {
        for (ResampleFilter f : values()) {
            if (f.id().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown resample filter '" + name + "'; valid: "
                + Arrays.stream(values()).map(ResampleFilter::id).collect(Collectors.joining(", ")));
    }
}
