package dev.lowres.data.store;

import dev.lowres.data.classes.ClassEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a dataset directory from records that arrive in order, one split after another (importers, the
 * synthetic generator's fixtures, tests). Records are buffered into shards of {@code shardSize}; each shard
 * is committed atomically and the manifest is written by {@link #finish}. Until then the directory is an
 * unfinished build: a crash leaves no manifest.
 *
 * <p>The {@code DatasetBuilder} writes JPEG builds itself (in parallel, resumable); this writer is the
 * sequential path for inputs that are already arrays.
 */
public final class DatasetWriter {
    private final Path dir;
    private final Manifest.ImageShape shape;
    private final List<ClassEntry> classes;
    private final int shardSize;
    private final Map<String, Manifest.Split> splits = new LinkedHashMap<>();
    private final List<Manifest.Skipped> skipped = new ArrayList<>();

    private String split;
    private long splitTotal;
    private int shardIndex;
    private int shardCount;
    private List<Manifest.Shard> shards;
    private SplitStatistics stats;
    private byte[] images;
    private short[] labels;
    private List<String> keys;
    private int filled;
    private long written;

    /**
     * @param dir the dataset directory; it must not hold a dataset already
     * @param shape the record shape
     * @param classes the classes in label order
     * @param shardSize records per shard
     */
    public DatasetWriter(Path dir, Manifest.ImageShape shape, List<ClassEntry> classes, int shardSize)
            throws IOException, DatasetException {
        if (Files.exists(dir.resolve(ManifestIO.FILE))) {
            throw new OutputInUseException(dir + " already holds a finished dataset; use --overwrite to replace it");
        }
        if (shardSize < 1) {
            throw new IllegalArgumentException("shard size must be at least 1");
        }
        Files.createDirectories(dir);
        this.dir = dir;
        this.shape = shape;
        this.classes = List.copyOf(classes);
        this.shardSize = shardSize;
    }

    /**
     * Starts a split of {@code total} records (needed up front for the {@code -of-N} shard names).
     */
    public void beginSplit(String name, long total) throws IOException {
        if (split != null) {
            throw new IllegalStateException("split " + split + " is not finished");
        }
        if (splits.containsKey(name)) {
            throw new IllegalArgumentException("split " + name + " written twice");
        }
        split = name;
        splitTotal = total;
        shardIndex = 0;
        shardCount = (int) ((total + shardSize - 1) / shardSize);
        shards = new ArrayList<>();
        stats = new SplitStatistics(shape, classes.size());
        int capacity = (int) Math.min(shardSize, Math.max(1, total));
        images = new byte[capacity * shape.bytesPerImage()];
        labels = new short[capacity];
        keys = new ArrayList<>(capacity);
        filled = 0;
        written = 0;
    }

    /**
     * Adds one record.
     *
     * @param pixels {@code shape.bytesPerImage()} bytes from {@code offset}, planar (channel, row, column)
     * @param label 0-based label
     * @param key where it came from
     */
    public void add(byte[] pixels, int offset, int label, String key) throws IOException {
        if (split == null) {
            throw new IllegalStateException("beginSplit first");
        }
        if (label < 0 || label >= classes.size()) {
            throw new IllegalArgumentException("label " + label + " of " + key + " is outside 0.."
                    + (classes.size() - 1));
        }
        if (written + filled >= splitTotal) {
            throw new IllegalStateException("split " + split + " was declared with " + splitTotal + " records");
        }
        int per = shape.bytesPerImage();
        System.arraycopy(pixels, offset, images, filled * per, per);
        labels[filled] = (short) label;
        keys.add(key);
        filled++;
        if (filled == labels.length) {
            flush();
        }
    }

    /** Records an input that did not become a record. */
    public void skip(String key, String reason, String message) {
        skipped.add(new Manifest.Skipped(split, key, reason, message));
    }

    /** Ends the current split: commits its last shard and its mean image. */
    public void endSplit() throws IOException {
        if (filled > 0) {
            flush();
        }
        if (written != splitTotal) {
            throw new IllegalStateException("split " + split + " was declared with " + splitTotal
                    + " records but got " + written);
        }
        String meanFile = split + ".mean.npy";
        String digest = stats.writeMeanImage(dir.resolve(meanFile));
        splits.put(split, new Manifest.Split(written, List.copyOf(shards), stats.mean(), stats.std(),
                new Manifest.FileRef(meanFile, digest), stats.classCounts()));
        split = null;
        images = null;
    }

    /** Writes the manifest: the dataset exists from here on. Returns it as written, with its checksum. */
    public Manifest finish(String name, String classOrder, Manifest.BuildInfo build) throws IOException {
        if (split != null) {
            throw new IllegalStateException("split " + split + " is not finished");
        }
        Manifest manifest = new Manifest(Manifest.FORMAT, name, shape, classes, classOrder,
                new LinkedHashMap<>(splits), build, List.copyOf(skipped), null);
        return ManifestIO.write(dir, manifest);
    }

    private void flush() throws IOException {
        String base = ShardWriter.baseName(split, shardIndex++, shardCount);
        short[] l = Arrays.copyOf(labels, filled);
        shards.add(ShardWriter.write(dir, base, shape, images, l, List.copyOf(keys)));
        stats.add(images, 0, filled, l, 0);
        written += filled;
        filled = 0;
        keys.clear();
    }
}
