package dev.lowres.data.load;

import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Batches of a dataset split, assembled by worker threads into reused direct buffers, in an order and with
 * augmentations that are pure functions of (seed, epoch, record index): the same seed gives byte-identical
 * batches for any thread count, and {@link #epoch(int, int)} resumes an epoch at any batch. Each
 * {@link Epoch} runs its own worker threads; closing the epoch stops them.
 *
 * <pre>{@code
 * try (Loader loader = Loader.open(LoaderConfig.builder().data(dir).batchSize(128).augment("paper").build());
 *      Epoch epoch = loader.epoch(0)) {
 *     while (epoch.hasNext()) {
 *         Batch b = epoch.next();   // valid until the next call
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class Loader implements AutoCloseable {
    private final LoaderConfig config;
    private final SplitView view;
    private final Augmentations.Pipeline pipeline;
    private final double[] channelMean;
    private final double[] channelStd;
    private final float[] meanImage;
    private final int recordsPerRank;
    private final java.util.Set<Epoch> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Loader(LoaderConfig config, SplitView view, Augmentations.Pipeline pipeline, double[] mean, double[] std,
                   float[] meanImage) {
        this.config = config;
        this.view = view;
        this.pipeline = pipeline;
        this.channelMean = mean;
        this.channelStd = std;
        this.meanImage = meanImage;
        this.recordsPerRank = (samples(view, config) - config.rank() + config.worldSize() - 1) / config.worldSize();
    }

    /** Samples per epoch: the split's records, twice with mirrored copies. */
    private static int samples(SplitView view, LoaderConfig config) {
        return config.mirrorCopies() ? Math.multiplyExact(2, view.size()) : view.size();
    }

    /**
     * Opens a split for loading.
     *
     * @throws DatasetException when the directory is not a finished dataset (an unfinished build has no
     *                          manifest), lacks the split, or fails verification when asked to verify
     * @throws IllegalArgumentException for a bad augmentation spec or a batch larger than the split (per rank)
     */
    public static Loader open(LoaderConfig config) throws IOException, DatasetException {
        SplitView view = SplitView.open(config.data(), config.split(), config.verify());
        Manifest.ImageShape shape = view.shape();
        Augmentations.Pipeline pipeline = Augmentations.parse(config.augment(),
                new Augmentations.Context(shape.channels(), shape.height(), shape.width(), view.classes()));
        if (pipeline.softTargets() && config.output() != LoaderConfig.Output.FLOAT32) {
            throw new IllegalArgumentException("mixup and cutmix blend images: they need float32 output");
        }
        int perRank = (samples(view, config) - config.rank() + config.worldSize() - 1) / config.worldSize();
        if (config.batchSize() > perRank) {
            throw new IllegalArgumentException("batch size " + config.batchSize() + " is larger than the "
                    + perRank + " records of split '" + config.split() + "'"
                    + (config.worldSize() > 1 ? " per rank (" + view.size() + " over " + config.worldSize() + ")" : ""));
        }
        Manifest.Split stats = view.dataset().manifest().splits().get(config.statisticsSplit());
        if (stats == null) {
            stats = view.dataset().split(config.split());
        }
        double[] mean = stats.mean() == null ? new double[shape.channels()] : stats.mean();
        double[] std = stats.std() == null ? filled(shape.channels(), 255) : stats.std();
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0)) {
                std[c] = 1; // a constant channel: centre it, do not divide by zero
            }
        }
        float[] meanImage = config.normalization() == Normalization.MEAN_IMAGE
                ? readMeanImage(config.data(), stats, shape) : null;
        return new Loader(config, view, pipeline, mean, std, meanImage);
    }

    public LoaderConfig config() {
        return config;
    }

    /** The per-channel means the float output subtracts (pixel units; zeros when the split has none). */
    public double[] channelMean() {
        return channelMean.clone();
    }

    /** The per-channel standard deviations the float output divides by (pixel units; 1 for a constant channel). */
    public double[] channelStd() {
        return channelStd.clone();
    }

    /** The mean image (C, H, W) in pixel units for mean-image normalisation, else null. */
    public float[] meanImage() {
        return meanImage == null ? null : meanImage.clone();
    }

    public SplitView view() {
        return view;
    }

    /** The parsed augmentation pipeline. */
    public Augmentations.Pipeline pipeline() {
        return pipeline;
    }

    /** Records each epoch delivers to this rank. */
    public int recordsPerEpoch() {
        int batches = batchesPerEpoch();
        return config.dropLast() ? batches * config.batchSize() : recordsPerRank;
    }

    /**
     * Batches per epoch for this rank. With {@code dropLast} every rank gets the same count, that of the rank
     * with the fewest records (data-parallel ranks must take the same number of steps); without it, a rank
     * delivers all its records.
     */
    public int batchesPerEpoch() {
        return config.dropLast() ? samples(view, config) / config.worldSize() / config.batchSize()
                : (recordsPerRank + config.batchSize() - 1) / config.batchSize();
    }

    /** Bytes of one record in a batch. */
    public int bytesPerImage() {
        Manifest.ImageShape s = view.shape();
        return s.bytesPerImage() * (config.output() == LoaderConfig.Output.FLOAT32 ? 4 : 1);
    }

    /** Iterates an epoch from its first batch. */
    public Epoch epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /**
     * Iterates an epoch from batch {@code startBatch}: the batches an uninterrupted iteration would give
     * from there on.
     */
    public Epoch epoch(int epoch, int startBatch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
        }
        if (startBatch < 0 || startBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("start batch " + startBatch + " outside 0.." + batchesPerEpoch());
        }
        int[] order = EpochOrder.forRank(config.order().indices(samples(view, config), config.seed(), epoch,
                view.shape().bytesPerImage()), config.rank(), config.worldSize());
        Epoch e = new Epoch(this, epoch, order, startBatch, batchesPerEpoch());
        open.add(e);
        return e;
    }

    /** Called by an epoch when it closes. */
    void closed(Epoch epoch) {
        open.remove(epoch);
    }

    /** A worker's private state. */
    Worker newWorker() {
        Manifest.ImageShape s = view.shape();
        Emitter emitter = new Emitter(config.output(), config.normalization(), s.channels(), s.height(), s.width(),
                channelMean, channelStd, meanImage);
        return new Worker(new SampleImage(s.channels(), s.height(), s.width(), emitter.meanPixel()), emitter);
    }

    /** A new batch buffer. */
    Batch newBatch() {
        return new Batch(config.batchSize(), bytesPerImage(), view.classes(), pipeline.softTargets());
    }

    /** Assembles batch {@code index} of an epoch into {@code batch}. */
    void assemble(Worker worker, int epoch, int[] order, int index, Batch batch) {
        int from = index * config.batchSize();
        int size = Math.min(config.batchSize(), order.length - from);
        SampleImage image = worker.image;
        ByteBuffer images = batch.imageBuffer();
        ByteBuffer labels = batch.labelBuffer();
        int[] records = batch.recordArray();
        int n = view.size();
        for (int j = 0; j < size; j++) {
            int sample = order[from + j]; // a record, or with mirrored copies n + the record of a mirrored copy
            int record = sample % n;
            int label = view.label(record);
            image.reset(record, label);
            view.read(record, image.raw(), 0);
            if (sample >= n) {
                image.flipHorizontally();
            }
            java.util.SplittableRandom random = Seeds.random(config.seed(), epoch, sample, Seeds.SAMPLE);
            for (SampleOp op : pipeline.sampleOps()) {
                op.apply(image, random);
            }
            worker.emitter.emit(image, images, batch.imageFloats(), j);
            labels.putInt(4 * j, label);
            records[j] = record;
        }
        if (pipeline.softTargets()) {
            int classes = view.classes();
            java.nio.FloatBuffer t = batch.targetFloats();
            for (int j = 0; j < size * classes; j++) {
                t.put(j, 0f);
            }
            for (int j = 0; j < size; j++) {
                t.put(j * classes + labels.getInt(4 * j), 1f);
            }
            Manifest.ImageShape s = view.shape();
            FloatBatch fb = worker.floatBatch(batch.imageFloats(), t, size, s, classes, config.batchSize());
            java.util.SplittableRandom random = Seeds.random(config.seed(), epoch,
                    (long) index * config.worldSize() + config.rank(), Seeds.BATCH);
            for (BatchOp op : pipeline.batchOps()) {
                op.apply(fb, random);
            }
        }
        batch.set(epoch, index, size);
    }

    /** Stops the threads of every epoch still open. */
    @Override
    public void close() {
        for (Epoch e : open.toArray(new Epoch[0])) {
            e.close();
        }
    }

    /** A worker thread's reusable state. */
    static final class Worker {
        final SampleImage image;
        final Emitter emitter;
        private float[] imageScratch = new float[0];
        private float[] targetScratch = new float[0];

        Worker(SampleImage image, Emitter emitter) {
            this.image = image;
            this.emitter = emitter;
        }

        FloatBatch floatBatch(java.nio.FloatBuffer images, java.nio.FloatBuffer targets, int size,
                              Manifest.ImageShape s, int classes, int capacity) {
            if (imageScratch.length < capacity * s.bytesPerImage()) {
                imageScratch = new float[capacity * s.bytesPerImage()];
                targetScratch = new float[capacity * classes];
            }
            return new FloatBatch(images, targets, size, s.channels(), s.height(), s.width(), classes, imageScratch,
                    targetScratch);
        }
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static float[] readMeanImage(Path dir, Manifest.Split stats, Manifest.ImageShape shape)
            throws IOException, DatasetException {
        if (stats.meanImage() == null) {
            throw new DatasetException(dir + " has no mean image for mean-image normalisation");
        }
        Path file = dir.resolve(stats.meanImage().file());
        byte[] all = Files.readAllBytes(file);
        Npy.Header h = Npy.parse(ByteBuffer.wrap(all), file.toString());
        if (!h.descr().equals("<f4") || h.count() != shape.bytesPerImage()) {
            throw new DatasetException(file + ": expected float32 (" + shape.channels() + ", " + shape.height() + ", "
                    + shape.width() + "), found " + h);
        }
        float[] mean = new float[shape.bytesPerImage()];
        ByteBuffer.wrap(all, (int) h.dataOffset(), 4 * mean.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(mean);
        return mean;
    }
}
