package dev.lowres.data.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One batch, in buffers the loader reuses: valid until the next call to the epoch's {@code next()}.
 * All buffers are direct and in native byte order, laid out as libtorch takes them, so the training
 * stage wraps them without another copy.
 */
public final class Batch {
    private final ByteBuffer images;
    private final ByteBuffer labels;
    private final ByteBuffer targets;
    private final java.nio.FloatBuffer imageFloats;
    private final java.nio.FloatBuffer targetFloats;
    private final int[] records;
    private int epoch;
    private int index;
    private int size;

    Batch(int capacity, int bytesPerImage, int classes, boolean soft) {
        images = ByteBuffer.allocateDirect(capacity * bytesPerImage).order(ByteOrder.nativeOrder());
        labels = ByteBuffer.allocateDirect(capacity * 4).order(ByteOrder.nativeOrder());
        targets = soft ? ByteBuffer.allocateDirect(capacity * classes * 4).order(ByteOrder.nativeOrder()) : null;
        records = new int[capacity];
        imageFloats = images.asFloatBuffer();
        targetFloats = soft ? targets.asFloatBuffer() : null;
    }

    void set(int epoch, int index, int size) {
        this.epoch = epoch;
        this.index = index;
        this.size = size;
    }

    public int epoch() {
        return epoch;
    }

    /** The batch's index within its epoch (for this rank). */
    public int index() {
        return index;
    }

    /** Number of records (the last batch of an epoch may be smaller). */
    public int size() {
        return size;
    }

    /**
     * Images, (size, channels, height, width): uint8 or float32 as configured. The returned buffer is a
     * read-only view positioned at 0 with its limit at the batch's end.
     */
    public ByteBuffer images() {
        int bytes = images.capacity() / records.length * size;
        return images.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).position(0).limit(bytes);
    }

    /** Labels, int32 (size). */
    public ByteBuffer labels() {
        return labels.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).position(0).limit(4 * size);
    }

    /** Whether the batch has soft targets (Mixup or CutMix). */
    public boolean hasTargets() {
        return targets != null;
    }

    /** Soft targets, float32 (size, classes), rows summing to 1; only with Mixup or CutMix. */
    public ByteBuffer targets() {
        if (targets == null) {
            throw new IllegalStateException("this loader makes no soft targets (no mixup or cutmix)");
        }
        int bytes = targets.capacity() / records.length * size;
        return targets.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).position(0).limit(bytes);
    }

    /** The label of row {@code i}. */
    public int label(int i) {
        return labels.getInt(4 * i);
    }

    /** The split index of the record in row {@code i}. */
    public int record(int i) {
        return records[i];
    }

    // for the loader's workers
    ByteBuffer imageBuffer() {
        return images;
    }

    ByteBuffer labelBuffer() {
        return labels;
    }

    ByteBuffer targetBuffer() {
        return targets;
    }

    /** The images as floats (made once: assembling a batch allocates nothing). */
    java.nio.FloatBuffer imageFloats() {
        return imageFloats;
    }

    java.nio.FloatBuffer targetFloats() {
        return targetFloats;
    }

    int[] recordArray() {
        return records;
    }
}
