package dev.lowres.data.load;

import java.nio.FloatBuffer;

/**
 * The float view of a batch that batch-level operations work on: images (size, channels, height, width)
 * and soft targets (size, classes), both row-major, plus scratch space of the same sizes.
 */
public final class FloatBatch {
    private final FloatBuffer images;
    private final FloatBuffer targets;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final float[] imageScratch;
    private final float[] targetScratch;

    FloatBatch(FloatBuffer images, FloatBuffer targets, int size, int channels, int height, int width, int classes,
               float[] imageScratch, float[] targetScratch) {
        this.images = images;
        this.targets = targets;
        this.size = size;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.imageScratch = imageScratch;
        this.targetScratch = targetScratch;
    }

    /** Images, {@code size * channels * height * width} floats from index 0. */
    public FloatBuffer images() {
        return images;
    }

    /** Soft targets, {@code size * classes} floats from index 0; each row sums to 1. */
    public FloatBuffer targets() {
        return targets;
    }

    public int size() {
        return size;
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

    public int classes() {
        return classes;
    }

    /** Scratch for a copy of the images (at least {@code size * channels * height * width} floats). */
    public float[] imageScratch() {
        return imageScratch;
    }

    /** Scratch for a copy of the targets (at least {@code size * classes} floats). */
    public float[] targetScratch() {
        return targetScratch;
    }
}
