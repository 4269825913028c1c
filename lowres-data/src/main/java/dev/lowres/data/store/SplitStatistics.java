package dev.lowres.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Exact pixel statistics of a split, accumulated in integers so that the result does not depend on the
 * order in which shards are added: per-channel mean and standard deviation, the mean image, and the
 * number of records per class.
 */
public final class SplitStatistics implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Manifest.ImageShape shape;
    private final long[] pixelSums;
    private final long[] channelSquares;
    private final long[] classCounts;
    private long count;

    /** Empty statistics for records of {@code shape} with labels {@code 0 .. classes - 1}. */
    public SplitStatistics(Manifest.ImageShape shape, int classes) {
        this.shape = shape;
        this.pixelSums = new long[shape.bytesPerImage()];
        this.channelSquares = new long[shape.channels()];
        this.classCounts = new long[classes];
    }

    /**
     * Adds {@code n} records stored consecutively in {@code images} from {@code offset}, labelled by
     * {@code labels} from {@code labelOffset} (each within {@code 0 .. classes - 1}).
     */
    public void add(byte[] images, int offset, int n, short[] labels, int labelOffset) {
        int per = shape.bytesPerImage();
        int plane = shape.height() * shape.width();
        for (int r = 0; r < n; r++) {
            int base = offset + r * per;
            for (int c = 0; c < shape.channels(); c++) {
                long squares = 0;
                int start = c * plane;
                for (int i = start; i < start + plane; i++) {
                    int v = images[base + i] & 0xFF;
                    pixelSums[i] += v;
                    squares += v * v;
                }
                channelSquares[c] += squares;
            }
            classCounts[labels[labelOffset + r]]++;
        }
        count += n;
    }

    /** Adds another accumulator's records (of the same shape and classes); the sums are exact integers. */
    public void merge(SplitStatistics other) {
        if (!other.shape.equals(shape) || other.classCounts.length != classCounts.length) {
            throw new IllegalArgumentException("statistics of " + other.shape + " and " + other.classCounts.length
                    + " classes cannot join those of " + shape + " and " + classCounts.length + " classes");
        }
        for (int i = 0; i < pixelSums.length; i++) {
            pixelSums[i] += other.pixelSums[i];
        }
        for (int c = 0; c < channelSquares.length; c++) {
            channelSquares[c] += other.channelSquares[c];
        }
        for (int k = 0; k < classCounts.length; k++) {
            classCounts[k] += other.classCounts[k];
        }
        count += other.count;
    }

    /** Records added. */
    public long count() {
        return count;
    }

    /** Records added per label. */
    public long[] classCounts() {
        return classCounts.clone();
    }

    /** Per-channel mean in pixel units (0..255); zeros for an empty split. */
    public double[] mean() {
        int plane = shape.height() * shape.width();
        double[] mean = new double[shape.channels()];
        for (int c = 0; c < mean.length; c++) {
            long sum = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                sum += pixelSums[i];
            }
            mean[c] = count == 0 ? 0 : (double) sum / ((double) count * plane);
        }
        return mean;
    }

    /** Per-channel population standard deviation in pixel units. */
    public double[] std() {
        int plane = shape.height() * shape.width();
        double[] mean = mean();
        double[] std = new double[shape.channels()];
        for (int c = 0; c < std.length; c++) {
            double n = (double) count * plane;
            std[c] = count == 0 ? 0 : Math.sqrt(Math.max(0, channelSquares[c] / n - mean[c] * mean[c]));
        }
        return std;
    }

    /** Writes the mean image as float32 npy of shape (channels, height, width); returns its digest. */
    public String writeMeanImage(Path file) throws IOException {
        byte[] content = meanImageBytes();
        return DigestingWriter.write(file, out -> out.write(content));
    }

    /**
     * The bytes {@link #writeMeanImage} writes: a float32 npy of shape (channels, height, width), each
     * element the mean of its integer pixel sum as a double, stored as float32.
     */
    public byte[] meanImageBytes() {
        byte[] header = Npy.header("<f4", shape.channels(), shape.height(), shape.width());
        ByteBuffer data = ByteBuffer.allocate(header.length + 4 * pixelSums.length).order(ByteOrder.LITTLE_ENDIAN);
        data.put(header);
        for (long sum : pixelSums) {
            data.putFloat(count == 0 ? 0f : (float) ((double) sum / count));
        }
        return data.array();
    }
}
