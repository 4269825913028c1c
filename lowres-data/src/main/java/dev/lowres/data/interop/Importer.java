package dev.lowres.data.interop;

import dev.lowres.data.Version;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DatasetWriter;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ManifestIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Imports files other tools publish into a dataset directory: the {@code ingest -> store} stage for inputs
 * that are already arrays (downsampled-ImageNet pickle and npz batches, CIFAR binary, IDX).
 *
 * <p>First every input file's header is read and checked (files present, counts and shapes that agree), so
 * that most bad inputs fail before anything is written; then the records are streamed, one file at a time,
 * through a {@link DatasetWriter}. The manifest is written last: an import that fails leaves none behind.
 * ImageNet labels are remapped by wnid from the files' 1-based clsloc labels into the chosen class order.
 */
public final class Importer {
    /** How often, in records, progress is reported. */
    private static final int PROGRESS_STEP = 1024;

    private Importer() {
    }

    /** Imports without progress reports. */
    public static ImportResult run(ImportOptions options) throws IOException, SourceException, DatasetException {
        return run(options, ProgressListener.NONE);
    }

    /**
     * Imports {@code options.input()} into {@code options.output()}.
     *
     * @throws SourceException when the input is missing a file, is truncated, or its files disagree
     *                         (the message names the file)
     * @throws DatasetException when the output holds a finished dataset and {@code overwrite} is off
     * @throws IOException when a file cannot be read or written
     */
    public static ImportResult run(ImportOptions options, ProgressListener listener)
            throws IOException, SourceException, DatasetException {
        long start = System.nanoTime();
        ArraySource source = source(options);
        SourcePlan plan = source.plan();
        if (options.overwrite()) {
            removeDataset(options.output());
        }
        DatasetWriter writer = new DatasetWriter(options.output(), plan.shape(), plan.classes(),
                options.shardSize());
        listener.started(plan.total());
        long[] pending = {0};
        Map<String, Long> records = new LinkedHashMap<>();
        for (SourcePlan.Split split : plan.splits()) {
            writer.beginSplit(split.name(), split.count());
            for (SourcePlan.SourceFile file : split.files()) {
                source.read(file, (pixels, offset, label, key) -> {
                    writer.add(pixels, offset, label, key);
                    if (++pending[0] == PROGRESS_STEP) {
                        listener.progressed(pending[0]);
                        pending[0] = 0;
                    }
                });
            }
            writer.endSplit();
            records.put(split.name(), split.count());
        }
        if (pending[0] > 0) {
            listener.progressed(pending[0]);
        }
        String name = options.name() != null ? options.name()
                : options.output().toAbsolutePath().normalize().getFileName().toString();
        writer.finish(name, plan.classOrder(), buildInfo(options, plan));
        return new ImportResult(options.output(), options.format(), records,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static ArraySource source(ImportOptions options) {
        Path in = options.input();
        return switch (options.format()) {
            case IMAGENET32_PICKLE -> new ImageNetPickleSource(in, ImageNetLabels.of(options.effectiveClassOrder()));
            case IMAGENET32_NPZ -> new ImageNetNpzSource(in, ImageNetLabels.of(options.effectiveClassOrder()));
            case CIFAR10 -> new CifarSource(in, false);
            case CIFAR100 -> new CifarSource(in, true);
            case IDX, FASHION_MNIST -> new IdxSource(in, options.effectiveClassNames(), options.format());
        };
    }

    private static Manifest.BuildInfo buildInfo(ImportOptions options, SourcePlan plan) {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("shard_size", options.shardSize());
        opts.put("class_order", plan.classOrder());
        opts.putAll(plan.options());
        return new Manifest.BuildInfo(Version.TOOL, options.input().toAbsolutePath().normalize().toString(),
                options.format().id(), null, null, opts, options.command());
    }

    /**
     * Removes a finished dataset from {@code dir}: the files its manifest lists, then the manifest. Other
     * files are left alone.
     */
    static void removeDataset(Path dir) throws IOException, DatasetException {
        if (!Files.exists(dir.resolve(ManifestIO.FILE))) {
            return;
        }
        Manifest manifest = ManifestIO.read(dir);
        Files.delete(dir.resolve(ManifestIO.FILE));
        for (Manifest.Split split : manifest.splits().values()) {
            for (Manifest.Shard shard : split.shards()) {
                for (String f : shard.files()) {
                    deleteInside(dir, f);
                }
            }
            if (split.meanImage() != null) {
                deleteInside(dir, split.meanImage().file());
            }
        }
    }

    /** Deletes a file the manifest names, if it is a plain name inside the dataset directory. */
    private static void deleteInside(Path dir, String name) throws IOException {
        Path file = dir.resolve(name).normalize();
        if (file.getParent() != null && file.getParent().equals(dir.normalize())) {
            Files.deleteIfExists(file);
        }
    }
}
