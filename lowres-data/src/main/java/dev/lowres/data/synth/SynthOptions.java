package dev.lowres.data.synth;

/**
 * What {@link SyntheticImageNet#write} writes. {@link #defaults()} gives the demo's tree: 10 classes,
 * 60 training and 10 validation images per class, seed 0, sides of 96..400 px, 5% grayscale, the three
 * broken files and the two odd but valid ones. Options other than {@code threads} and {@code overwrite}
 * decide the tree's bytes.
 *
 * @param classes number of classes, 2..1000; real ILSVRC wnids evenly spaced in sorted-wnid order
 * @param trainPerClass files per class under {@code train/<wnid>/}, broken ones included
 * @param valPerClass images per class in the flat {@code val/} folder (0 writes no validation split)
 * @param seed every random choice is a function of this seed and the image it is made for
 * @param minSide smallest image side in pixels (at least 16)
 * @param maxSide largest image side in pixels (at most 4096)
 * @param grayscaleFraction chance that an image is written as a single-component (grayscale) JPEG
 * @param brokenFiles how many broken training files to write, 0..3, in this order: a truncated JPEG, an
 *                    empty file, an HTML page; each named like a normal image
 * @param oddFiles whether to write a PNG named {@code .JPEG} and a progressive JPEG among the training
 *                 images (both valid, as in ImageNet)
 * @param threads worker threads; the bytes do not depend on it
 * @param overwrite whether to replace a tree written earlier by {@code lowres synth} in the same folder
 */
public record SynthOptions(int classes, int trainPerClass, int valPerClass, long seed, int minSide, int maxSide,
                           double grayscaleFraction, int brokenFiles, boolean oddFiles, int threads,
                           boolean overwrite) {
    /** Most classes: all of ILSVRC's. */
    public static final int MAX_CLASSES = 1000;
    /** Most broken files: one of each kind. */
    public static final int MAX_BROKEN_FILES = 3;
    /** The smallest side allowed, so that every shape is still drawn with a few pixels. */
    public static final int MIN_SIDE = 16;
    /** The largest side allowed. */
    public static final int MAX_SIDE = 4096;

    /** Checks the options; messages name the command-line option at fault. */
    public SynthOptions {
        if (classes < 2 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("--classes must be between 2 and " + MAX_CLASSES + ": " + classes);
        }
        if (trainPerClass < 1) {
            throw new IllegalArgumentException("--train-per-class must be at least 1: " + trainPerClass);
        }
        if (valPerClass < 0) {
            throw new IllegalArgumentException("--val-per-class must not be negative: " + valPerClass);
        }
        if ((long) valPerClass * classes > 99_999_999L) {
            throw new IllegalArgumentException("at most 99,999,999 validation images (8-digit names): "
                    + (long) valPerClass * classes);
        }
        if (minSide < MIN_SIDE || maxSide > MAX_SIDE || minSide > maxSide) {
            throw new IllegalArgumentException("image sides must satisfy " + MIN_SIDE + " <= --min-side <= --max-side <= "
                    + MAX_SIDE + ": " + minSide + ", " + maxSide);
        }
        if (!(grayscaleFraction >= 0 && grayscaleFraction <= 1)) {
            throw new IllegalArgumentException("--grayscale must be between 0 and 1: " + grayscaleFraction);
        }
        if (brokenFiles < 0 || brokenFiles > MAX_BROKEN_FILES) {
            throw new IllegalArgumentException("--broken must be between 0 and " + MAX_BROKEN_FILES + ": "
                    + brokenFiles);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        }
        int special = brokenFiles + (oddFiles ? 2 : 0); // the fields are not set yet
        int perClass = (special + classes - 1) / classes;
        if (perClass >= trainPerClass) {
            throw new IllegalArgumentException("--train-per-class " + trainPerClass + " leaves no valid image in "
                    + "some class beside the " + special + " special files; use at least " + (perClass + 1));
        }
    }

    /** The demo's tree; see the class comment. */
    public static SynthOptions defaults() {
        return new SynthOptions(10, 60, 10, 0, 96, 400, 0.05, MAX_BROKEN_FILES, true,
                Runtime.getRuntime().availableProcessors(), false);
    }

    /** Number of broken and odd files among the training files. */
    public int specialFiles() {
        return brokenFiles + (oddFiles ? 2 : 0);
    }

    /** Files the tree will hold under {@code train/} and {@code val/}. */
    public long totalFiles() {
        return (long) classes * (trainPerClass + valPerClass);
    }

    public SynthOptions withClasses(int classes) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withPerClass(int trainPerClass, int valPerClass) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withSeed(long seed) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withSides(int minSide, int maxSide) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withGrayscaleFraction(double grayscaleFraction) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withBrokenFiles(int brokenFiles) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withOddFiles(boolean oddFiles) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withThreads(int threads) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }

    public SynthOptions withOverwrite(boolean overwrite) {
        return new SynthOptions(classes, trainPerClass, valPerClass, seed, minSide, maxSide, grayscaleFraction,
                brokenFiles, oddFiles, threads, overwrite);
    }
}
