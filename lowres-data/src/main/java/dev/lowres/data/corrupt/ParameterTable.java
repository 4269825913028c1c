package dev.lowres.data.corrupt;

/**
 * The severity parameters {@code c} of Hendrycks &amp; Dietterich's scripts, in github.com/hendrycks/robustness,
 * {@code ImageNet-C/create_c/}. The paper's ImageNet-C tables are for 224 px crops; the authors re-tuned them
 * for small images, and lowres uses those:
 *
 * <ul>
 *   <li>{@link #CIFAR_10_C}: {@code make_cifar_c.py} (CIFAR-10-C, 32x32), for images whose longer side is at
 *       most 32 px (Imagenet16x16, Imagenet32x32, CIFAR, MNIST-style 28 px).</li>
 *   <li>{@link #TINY_IMAGENET_C}: {@code make_tinyimagenet_c.py} (Tiny-ImageNet-C, 64x64), whose tables are
 *       the same numbers as {@code make_imagenet_64_c.py} (the authors' ImageNet-64x64-C), for larger images
 *       (Imagenet64x64).</li>
 * </ul>
 *
 * <p>Each row below is the list {@code c = [...][severity - 1]} of the function of the same name in the
 * script, copied as numbers.
 *
 * <p>Not reproduced: {@code make_tinyimagenet_c.py} saves every corrupted image once more as a JPEG of
 * quality 85, so the published Tiny-ImageNet-C carries that extra compression on top of each corruption;
 * lowres applies the corruption alone (as CIFAR-10-C, saved as {@code .npy}, does).
 */
public enum ParameterTable {
    /** {@code make_cifar_c.py}: CIFAR-10-C, 32x32. */
    CIFAR_10_C(32,
            new double[] {0.04, 0.06, 0.08, 0.09, 0.10},   // gaussian_noise: scale of the normal
            new double[] {500, 250, 100, 75, 50},         // shot_noise: photons per unit intensity
            new double[] {0.01, 0.02, 0.03, 0.05, 0.07},  // impulse_noise: s&p amount
            new double[] {0.06, 0.1, 0.12, 0.16, 0.2},    // speckle_noise: scale of the normal
            new double[] {0.4, 0.6, 0.7, 0.8, 1},         // gaussian_blur: sigma in pixels
            new double[] {0.75, 0.5, 0.4, 0.3, 0.15},     // contrast: factor
            new double[] {0.05, 0.1, 0.15, 0.2, 0.3},     // brightness: added to HSV value
            new double[] {80, 65, 58, 50, 40},            // jpeg_compression: PIL quality
            new double[] {0.95, 0.9, 0.85, 0.75, 0.65}),  // pixelate: size factor
    /** {@code make_tinyimagenet_c.py} (= {@code make_imagenet_64_c.py}): Tiny-ImageNet-C, 64x64. */
    TINY_IMAGENET_C(64,
            new double[] {0.04, 0.08, 0.12, 0.15, 0.18},
            new double[] {250, 100, 50, 30, 15},
            new double[] {0.01, 0.02, 0.05, 0.08, 0.14},
            new double[] {0.15, 0.2, 0.25, 0.3, 0.35},
            new double[] {0.5, 0.75, 1, 1.25, 1.5},
            new double[] {0.4, 0.3, 0.2, 0.1, 0.05},
            new double[] {0.1, 0.2, 0.3, 0.4, 0.5},
            new double[] {65, 58, 50, 40, 25},
            new double[] {0.9, 0.8, 0.7, 0.6, 0.5});

    private final int size;
    private final double[][] rows;

    ParameterTable(int size, double[]... rows) {
        if (rows.length != Corruption.values().length) {
            throw new AssertionError("one row per corruption");
        }
        this.size = size;
        this.rows = rows;
    }

    /** The image side the table was tuned for. */
    public int size() {
        return size;
    }

    /** {@link #CIFAR_10_C} when both sides are at most 32 px, else {@link #TINY_IMAGENET_C}. */
    public static ParameterTable forSize(int height, int width) {
        return Math.max(height, width) <= CIFAR_10_C.size ? CIFAR_10_C : TINY_IMAGENET_C;
    }

    /** The parameter {@code c} of {@code corruption} at {@code severity} (1..5). */
    public double parameter(Corruption corruption, int severity) {
        Corruptions.checkSeverity(severity);
        return rows[corruption.ordinal()][severity - 1];
    }
}
