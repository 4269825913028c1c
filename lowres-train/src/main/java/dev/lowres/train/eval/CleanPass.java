package dev.lowres.train.eval;

import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.engine.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * One pass of a trained network over a split, in order, without augmentation: the network's scores for
 * every record (optionally averaged with the mirrored image's: flip test-time augmentation). Each batch's
 * tensors live in one {@link PointerScope}, freed when the batch is done.
 */
public final class CleanPass {
    private CleanPass() {
    }

    /** Receives the network's scores for each record, in split order, as the pass goes. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param record the record's position in the split
         * @param label its true class as a network output
         * @param scores logits, or with flip TTA the log of the averaged probabilities (not kept by the pass)
         */
        void accept(int record, int label, float[] scores);
    }

    /** What a streamed pass leaves besides what its sink kept. */
    public record Pass(int[] labels, double seconds) {
    }

    /** The keys of a split's records, in split order. */
    public static List<String> keys(Dataset dataset, String split) throws IOException, DatasetException {
        List<String> keys = new ArrayList<>();
        for (Manifest.Shard shard : dataset.split(split).shards()) {
            keys.addAll(dataset.keys(shard));
        }
        return keys;
    }

    /** Runs the pass and keeps every record's scores (fine for small splits; tests use it). */
    public static Predictions run(TrainedModel model, Path data, String split, ClassMapping mapping, int batchSize,
                                  boolean flip, int threads, LongConsumer progress) throws IOException, DatasetException {
        List<float[]> scores = new ArrayList<>();
        Pass pass = stream(model, data, split, mapping, batchSize, flip, threads, progress, (record, label, s) -> {
            while (scores.size() <= record) {
                scores.add(null);
            }
            scores.set(record, s);
        });
        return new Predictions(keys(Dataset.open(data), split), pass.labels(), scores.toArray(new float[0][]),
                pass.seconds());
    }

    /** Records whose scores the ranks of a sharded pass gather at a time. */
    static final int GATHER_RECORDS = 4096;

    /**
     * The pass over a split shared by the ranks of {@code group} (each scores records rank, rank + world, ...), with
     * every record's scores handed to {@code sink} on every rank, in split order, as {@link #stream} does alone:
     * the ranks gather the scores {@value #GATHER_RECORDS} records at a time by summing buffers in which each rank
     * filled only its own rows (adding zeros is exact, so the scores are each rank's own bits).
     *
     * @param classes the network's outputs
     */
    public static Pass streamSharded(dev.lowres.train.dist.Group group, TrainedModel model, Path data, String split,
                                     ClassMapping mapping, int batchSize, boolean flip, int threads, int classes,
                                     LongConsumer progress, Sink sink) throws IOException, DatasetException {
        if (group == null || group.size() == 1) {
            return stream(model, data, split, mapping, batchSize, flip, threads, progress, sink);
        }
        long start = System.nanoTime();
        int n = Math.toIntExact(Dataset.open(data).split(split).count());
        if (n < group.size()) {
            throw new IllegalArgumentException("the split has " + n + " records, fewer than the " + group.size()
                    + " ranks");
        }
        Gather gather = new Gather(group, n, classes, sink);
        forEachRecord(model, data, split, mapping, batchSize, flip, threads, group.rank(), group.size(), progress,
                gather::put);
        gather.finish();
        return new Pass(gather.labels, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Scores rank {@code rank}'s share of a split: every {@code ranks}-th batch of the one process's batches, so
     * that each record is scored in the same batch (the same kernels, the same rounding) as by one process and the
     * gathered scores are its bit for bit; progress hears the records passed over all ranks.
     */
    private static void forEachRecord(TrainedModel model, Path data, String split, ClassMapping mapping, int batchSize,
                                      boolean flip, int threads, int rank, int ranks, LongConsumer progress,
                                      Sink sink) throws IOException, DatasetException {
        Dataset dataset = Dataset.open(data);
        Manifest.ImageShape shape = dataset.manifest().image();
        int n = Math.toIntExact(dataset.split(split).count());
        LoaderConfig config = LoaderConfig.builder().data(data).split(split)
                .batchSize(Math.max(1, Math.min(batchSize, n))).order(EpochOrder.SEQUENTIAL).dropLast(false).output(LoaderConfig.Output.UINT8).threads(threads).build();
        long done = 0;
        long index = 0;
        try (Loader loader = Loader.open(config); Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                if (index++ % ranks == rank) {
                    float[] flat = scores(model, b, shape, flip);
                    int classes = flat.length / b.size();
                    for (int i = 0; i < b.size(); i++) {
                        sink.accept(b.record(i), mapping.toModel(b.label(i)),
                                java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes));
                    }
                }
                done += b.size();
                progress.accept(done);
            }
        }
    }

    /** Scores of one batch, row-major (records x classes). */
    private static float[] scores(TrainedModel model, Batch b, Manifest.ImageShape shape, boolean flip) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor pixels = Tensors.pixels(b.images(), model.device(), b.size(), shape.channels(), shape.height(),
                    shape.width());
            Tensor out = model.logits(pixels);
            if (flip) {
                Tensor mirrored = model.logits(pixels.flip(3));
                out = out.softmax(1).add(mirrored.softmax(1)).div(new Scalar(2.0)).log();
            }
            return Tensors.toFloats(out);
        }
    }

    /** The ranks' scores, gathered chunk by chunk in split order. */
    private static final class Gather {
        private final dev.lowres.train.dist.Group group;
        private final int n;
        private final int classes;
        private final Sink sink;
        private final float[] rows;
        private final double[] chunkLabels;
        final int[] labels;
        private int chunkStart;

        Gather(dev.lowres.train.dist.Group group, int n, int classes, Sink sink) {
            this.group = group;
            this.n = n;
            this.classes = classes;
            this.sink = sink;
            int chunk = Math.max(1, Math.min(n, GATHER_RECORDS));
            this.rows = new float[chunk * classes];
            this.chunkLabels = new double[chunk];
            this.labels = new int[n];
        }

        private int chunkLength() {
            return Math.min(GATHER_RECORDS, n - chunkStart);
        }

        void put(int record, int label, float[] scores) {
            while (record >= chunkStart + chunkLength()) {
                flush();
            }
            int at = record - chunkStart;
            System.arraycopy(scores, 0, rows, at * classes, classes);
            chunkLabels[at] = label;
        }

        void finish() {
            while (chunkStart < n) {
                flush();
            }
        }

        /** Sums the current chunk over the ranks, hands it to the sink and moves on; every rank calls it alike. */
        private void flush() {
            int length = chunkLength();
            float[] summed;
            try (PointerScope scope = new PointerScope()) {
                Tensor t = Tensors.floats(java.util.Arrays.copyOf(rows, length * classes),
                        dev.lowres.train.engine.Device.cpu(), (long) length * classes);
                group.sumInPlace(t, "the gathering of the scores");
                summed = Tensors.toFloats(t);
            }
            double[] l = java.util.Arrays.copyOf(chunkLabels, length);
            group.sum(l, "the gathering of the labels");
            for (int i = 0; i < length; i++) {
                int record = chunkStart + i;
                labels[record] = (int) l[i];
                sink.accept(record, labels[record], java.util.Arrays.copyOfRange(summed, i * classes, (i + 1) * classes));
            }
            java.util.Arrays.fill(rows, 0f);
            java.util.Arrays.fill(chunkLabels, 0);
            chunkStart += length;
        }
    }

    /**
     * Runs the pass, handing each record's scores to {@code sink} batch by batch; memory stays at one batch
     * whatever the split's size.
     *
     * @param progress told the records done after each batch
     */
    public static Pass stream(TrainedModel model, Path data, String split, ClassMapping mapping, int batchSize,
                              boolean flip, int threads, LongConsumer progress, Sink sink)
            throws IOException, DatasetException {
        long start = System.nanoTime();
        int[] labels = new int[Math.toIntExact(Dataset.open(data).split(split).count())];
        forEachRecord(model, data, split, mapping, batchSize, flip, threads, 0, 1, progress,
                (record, label, scores) -> {
                    labels[record] = label;
                    sink.accept(record, label, scores);
                });
        return new Pass(labels, (System.nanoTime() - start) / 1e9);
    }
}
