package dev.lowres.data.ingest;

import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ShardWriter;
import dev.lowres.data.store.SplitStatistics;
import dev.lowres.data.Concurrency;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The records of one shard while it is made: one image array per size, the labels and keys, and why each
 * skipped input was skipped. Slots are filled independently (by several workers at once, each its own
 * slots), then {@link #write} keeps the records that were made, in input order, and writes the shard's
 * files. A build keeps two of these, so that one shard is written while the next is made.
 */
public final class ShardRecords {
    private final RecordSpec spec;
    private final byte[][] images;
    private final short[] labels;
    private final String[] keys;
    private final Manifest.Skipped[] failures;

    public ShardRecords(RecordSpec spec, int capacity) {
        this.spec = spec;
        images = new byte[spec.sizes().size()][];
        for (int t = 0; t < images.length; t++) {
            images[t] = new byte[capacity * spec.bytesPerImage(t)];
        }
        labels = new short[capacity];
        keys = new String[capacity];
        failures = new Manifest.Skipped[capacity];
    }

    /** Makes the records of {@code image} into {@code slot}. */
    public void make(int slot, RecordMaker maker, SplitSource split, SourceImage image) {
        keys[slot] = image.key();
        labels[slot] = (short) image.label();
        failures[slot] = maker.make(split, image, images, slot);
    }

    /**
     * Writes the records of slots {@code 0 .. count-1} that were made, as shard {@code baseName} of every
     * size, each file under its final name plus {@code suffix} ("" for the final name itself).
     *
     * @param dirs the dataset directory of each size of the spec
     * @param classes how many classes the dataset has (for the statistics)
     */
    public ShardOutcome write(List<Path> dirs, String baseName, String suffix, int count, int classes)
            throws IOException {
        List<Manifest.Skipped> skipped = new ArrayList<>();
        int kept = compact(count, skipped);
        short[] keptLabels = Arrays.copyOf(labels, kept);
        List<String> keptKeys = Arrays.asList(Arrays.copyOf(keys, kept));
        List<Manifest.Shard> shards = new ArrayList<>();
        List<SplitStatistics> statistics = new ArrayList<>();
        for (int t = 0; t < images.length; t++) {
            int size = spec.sizes().get(t);
            Manifest.ImageShape shape = new Manifest.ImageShape(size, size, 3);
            shards.add(ShardWriter.write(dirs.get(t), baseName, suffix, shape, images[t], keptLabels, keptKeys));
            SplitStatistics stats = new SplitStatistics(shape, classes);
            stats.add(images[t], 0, kept, keptLabels, 0);
            statistics.add(stats);
        }
        return new ShardOutcome(shards, statistics, skipped);
    }

    /** Moves the records that were made to the front, in order; returns how many there are. */
    private int compact(int count, List<Manifest.Skipped> skipped) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (failures[i] != null) {
                skipped.add(failures[i]);
                continue;
            }
            if (kept != i) {
                for (int t = 0; t < images.length; t++) {
                    int per = spec.bytesPerImage(t);
                    System.arraycopy(images[t], i * per, images[t], kept * per, per);
                }
                labels[kept] = labels[i];
                keys[kept] = keys[i];
            }
            kept++;
        }
        return kept;
    }

    /**
     * Makes the records of {@code inputs} into slots {@code 0 .. inputs.size()-1} with one worker per maker
     * on {@code pool}: each takes the next input until none is left.
     *
     * @param progress told of each input done
     */
    public void makeAll(SplitSource split, List<SourceImage> inputs, List<RecordMaker> makers, ExecutorService pool,
                        LongConsumer progress) throws IOException {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> tasks = new ArrayList<>();
        for (RecordMaker maker : makers) {
            tasks.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < inputs.size()) {
                    make(i, maker, split, inputs.get(i));
                    progress.accept(1);
                }
            }));
        }
        for (Future<?> task : tasks) {
            Concurrency.await(task, "build");
        }
    }

    /**
     * Makes one whole shard with {@code threads} worker threads and writes it: what a cluster task does.
     *
     * @param split the split (its name and root; its inputs are not read)
     * @param inputs the shard's inputs, in record order
     * @param suffix appended to every file name (a task attempt's temporary name; the driver commits it)
     */
    public static ShardOutcome makeShard(RecordSpec spec, SplitSource split, List<SourceImage> inputs,
                                         String baseName, List<Path> dirs, String suffix, int classes, int threads)
            throws IOException {
        ShardRecords records = new ShardRecords(spec, Math.max(1, inputs.size()));
        List<RecordMaker> makers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, Concurrency.daemonThreads("lowres-shard-"));
        try {
            for (int t = 0; t < threads; t++) {
                makers.add(new RecordMaker(spec));
            }
            records.makeAll(split, inputs, makers, pool, n -> { });
        } finally {
            Concurrency.stop(pool);
            makers.forEach(RecordMaker::close);
        }
        return records.write(dirs, baseName, suffix, inputs.size(), classes);
    }
}
