package dev.lowres.data.load;

import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Random access to the records of one split: every shard's images memory-mapped (the page cache holds the
 * pixels, not the heap), all labels in one small array. Thread-safe: reads use absolute positions.
 */
public final class SplitView {
    private final Dataset dataset;
    private final String split;
    private final Manifest.ImageShape shape;
    private final List<Manifest.Shard> shardList;
    private final ByteBuffer[] shards;
    private final long[] starts;
    private final short[] labels;
    private final int count;

    private SplitView(Dataset dataset, String split, List<Manifest.Shard> shardList, ByteBuffer[] shards, long[] starts,
                      short[] labels) {
        this.dataset = dataset;
        this.split = split;
        this.shardList = List.copyOf(shardList);
        this.shape = dataset.manifest().image();
        this.shards = shards;
        this.starts = starts;
        this.labels = labels;
        this.count = labels.length;
    }

    /**
     * Opens a split.
     *
     * @param verify re-check every checksum of the dataset first (reads every file once)
     * @throws DatasetException when the directory is not a finished dataset, has no such split, or fails
     *                          verification (the message names the file)
     */
    public static SplitView open(Path dir, String split, boolean verify) throws IOException, DatasetException {
        Dataset dataset = Dataset.open(dir);
        if (verify) {
            DatasetVerifier.Report report = DatasetVerifier.verify(dir, n -> { });
            if (!report.ok()) {
                throw new DatasetException(dir + " failed verification: " + String.join("; ", report.problems()));
            }
        }
        Manifest.Split s = dataset.split(split);
        if (s.count() > Integer.MAX_VALUE) {
            throw new DatasetException(dir + ": split " + split + " has more records than one view addresses");
        }
        List<Manifest.Shard> list = s.shards();
        ByteBuffer[] maps = new ByteBuffer[list.size()];
        long[] starts = new long[list.size() + 1];
        short[] labels = new short[(int) s.count()];
        int at = 0;
        for (int i = 0; i < list.size(); i++) {
            Manifest.Shard shard = list.get(i);
            maps[i] = dataset.mapImages(shard);
            short[] l = dataset.labels(shard);
            System.arraycopy(l, 0, labels, at, l.length);
            at += l.length;
            starts[i + 1] = at;
        }
        int classes = dataset.manifest().classes().size();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new DatasetException(dir + ": split " + split + " record " + i + " has label " + labels[i]
                        + " outside 0.." + (classes - 1));
            }
        }
        return new SplitView(dataset, split, list, maps, starts, labels);
    }

    public Dataset dataset() {
        return dataset;
    }

    public String split() {
        return split;
    }

    public Manifest.ImageShape shape() {
        return shape;
    }

    /** Number of records. */
    public int size() {
        return count;
    }

    /** Number of classes. */
    public int classes() {
        return dataset.manifest().classes().size();
    }

    /** The label of record {@code index}. */
    public int label(int index) {
        return labels[index];
    }

    /** Copies record {@code index} (planar, channel-major) into {@code dst} at {@code offset}. */
    public void read(int index, byte[] dst, int offset) {
        int shard = shardOf(index);
        int per = shape.bytesPerImage();
        shards[shard].get((int) ((index - starts[shard]) * per), dst, offset, per);
    }

    /**
     * Reads records {@code [from, to)} into the page cache, front to back, so that the disk sees one
     * sequential read instead of a page fault per record (the quasi-random order's prefetcher calls this
     * one region ahead of the workers).
     */
    public void prefetch(int from, int to) {
        int per = shape.bytesPerImage();
        for (int i = from; i < to; ) {
            int shard = shardOf(i);
            int end = (int) Math.min(to, starts[shard + 1]);
            ByteBuffer map = shards[shard];
            if (map instanceof java.nio.MappedByteBuffer mapped && end > i) {
                int offset = (int) ((i - starts[shard]) * per);
                mapped.slice(offset, (end - i) * per).load();
            }
            i = end;
        }
    }

    /** Where a record is stored: its shard, and its position in the shard (its line in the shard's keys file). */
    public record Location(Manifest.Shard shard, int offset) {
    }

    /** Where record {@code index} is stored. */
    public Location locate(int index) {
        int shard = shardOf(index);
        return new Location(shardList.get(shard), (int) (index - starts[shard]));
    }

    /** The shard holding a record, by binary search over the shard starts. */
    private int shardOf(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("record " + index + " of " + count);
        }
        int i = Arrays.binarySearch(starts, index);
        i = i >= 0 ? i : -i - 2;
        while (starts[i + 1] <= index) {
            i++; // skip empty shards (every input of a shard may have been bad)
        }
        return i;
    }
}
