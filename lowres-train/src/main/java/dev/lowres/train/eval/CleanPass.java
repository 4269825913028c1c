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
import org.bytedeco.pytorch.global.torch;

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
        Dataset dataset = Dataset.open(data);
        Manifest.Split s = dataset.split(split);
        int n = Math.toIntExact(s.count());
        int[] labels = new int[n];
        Manifest.ImageShape shape = dataset.manifest().image();
        LoaderConfig config = LoaderConfig.builder().data(data).split(split).batchSize(Math.max(1, Math.min(batchSize, n)))
                .order(EpochOrder.SEQUENTIAL).dropLast(false).output(LoaderConfig.Output.UINT8).threads(threads)
                .build();
        int done = 0;
        try (Loader loader = Loader.open(config); Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                int size = b.size();
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor pixels = Tensors.pixels(b.images(), model.device(), size, shape.channels(), shape.height(),
                            shape.width());
                    Tensor out = model.logits(pixels);
                    if (flip) {
                        Tensor mirrored = model.logits(pixels.flip(3));
                        out = out.softmax(1).add(mirrored.softmax(1)).div(new Scalar(2.0)).log();
                    }
                    float[] flat = Tensors.toFloats(out);
                    int classes = flat.length / size;
                    for (int i = 0; i < size; i++) {
                        int record = b.record(i);
                        labels[record] = mapping.toModel(b.label(i));
                        sink.accept(record, labels[record],
                                java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes));
                    }
                }
                done += size;
                progress.accept(done);
            }
        }
        return new Pass(labels, (System.nanoTime() - start) / 1e9);
    }
}
