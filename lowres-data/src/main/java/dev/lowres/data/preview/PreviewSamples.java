package dev.lowres.data.preview;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.load.Augmentations;
import dev.lowres.data.load.Batch;
import dev.lowres.data.load.BatchOp;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.load.SampleOp;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Collects what {@code lowres preview} draws, all of it from the {@link Loader}: {@code count} records of a
 * split chosen by the seed (the first of its shuffled epoch-0 order), each as stored and as the per-record
 * operations leave it at epochs 0 .. samples-1 (uint8 batches), and, when the spec has batch-level
 * operations, as the whole pipeline leaves it in its shuffled float batch at those epochs, normalisation
 * undone. The mixing partner is found by comparing the mixed row with the batch the per-record operations
 * alone give (same seed, so the same batch): Mixup's row is {@code lambda a + (1 - lambda) b} for one row b,
 * CutMix's takes one row's pixels inside a box.
 */
public final class PreviewSamples {
    private PreviewSamples() {
    }

    /**
     * What to preview.
     *
     * @param batchSize the batch size for batch-level operations (clipped to the split)
     * @param name how the sheet's title names the dataset; null for its absolute path
     */
    public record Options(Path data, String split, String augment, int count, int samples, long seed,
                          int batchSize, String name) {
    }

    /** The sheet, and the canonical spec. */
    public record Result(ContactSheet.Sheet sheet, String spec, int records, boolean mixed) {
    }

    /**
     * Collects the sheet.
     *
     * @throws IllegalArgumentException for a bad spec or option
     * @throws DatasetException when the directory is not a finished dataset or lacks the split
     */
    public static Result collect(Options o) throws IOException, DatasetException {
        Dataset dataset = Dataset.open(o.data());
        Manifest m = dataset.manifest();
        Manifest.ImageShape shape = m.image();
        int n = (int) dataset.split(o.split()).count();
        Augmentations.Pipeline pipeline = Augmentations.parse(o.augment(),
                new Augmentations.Context(shape.channels(), shape.height(), shape.width(), m.classes().size()));
        String sampleSpec = pipeline.sampleOps().isEmpty() ? "none"
                : pipeline.sampleOps().stream().map(SampleOp::describe).collect(Collectors.joining(", "));
        String batchSpec = pipeline.batchOps().stream().map(BatchOp::describe).collect(Collectors.joining(", "));
        boolean mixed = !pipeline.batchOps().isEmpty();
        int count = Math.min(o.count(), n);
        int[] records = java.util.Arrays.copyOf(EpochOrder.SHUFFLE.indices(n, o.seed(), 0, shape.bytesPerImage()),
                count);
        int per = shape.bytesPerImage();

        LoaderConfig.Builder base = LoaderConfig.builder().data(o.data()).split(o.split()).seed(o.seed()).threads(1)
                .prefetch(1);
        List<List<ContactSheet.Cell>> cells = new ArrayList<>();
        int[] labels = new int[count];
        try (Loader sampled = Loader.open(base.batchSize(1).order(EpochOrder.SEQUENTIAL)
                .output(LoaderConfig.Output.UINT8).augment(sampleSpec).build())) {
            for (int r = 0; r < count; r++) {
                int record = records[r];
                labels[r] = sampled.view().label(record);
                List<ContactSheet.Cell> row = new ArrayList<>();
                byte[] stored = new byte[per];
                sampled.view().read(record, stored, 0);
                row.add(new ContactSheet.Cell(stored, List.of()));
                for (int e = 0; e < o.samples(); e++) {
                    try (Epoch epoch = sampled.epoch(e, record)) {
                        byte[] pixels = new byte[per];
                        epoch.next().images().get(pixels);
                        row.add(new ContactSheet.Cell(pixels, List.of()));
                    }
                }
                cells.add(row);
            }
        }
        int batch = Math.min(o.batchSize(), n);
        if (mixed) {
            LoaderConfig.Builder floats = base.batchSize(batch).order(EpochOrder.SHUFFLE)
                    .output(LoaderConfig.Output.FLOAT32).normalization(Normalization.CHANNEL);
            try (Loader all = Loader.open(floats.augment(pipeline.describe()).build());
                 Loader unmixed = Loader.open(floats.augment(sampleSpec).build())) {
                double[][] stats = statistics(dataset, o.split(), shape.channels());
                for (int e = 0; e < o.samples(); e++) {
                    int[] order = EpochOrder.SHUFFLE.indices(n, o.seed(), e, per);
                    int[] position = new int[n];
                    for (int p = 0; p < n; p++) {
                        position[order[p]] = p;
                    }
                    for (int r = 0; r < count; r++) {
                        int p = position[records[r]];
                        cells.get(r).add(mixedCell(all, unmixed, e, p / batch, p % batch, m, stats,
                                pipeline.batchOps()));
                    }
                }
            }
        }

        List<String> headers = new ArrayList<>();
        headers.add("stored");
        for (int e = 0; e < o.samples(); e++) {
            headers.add("epoch " + e);
        }
        for (int e = 0; mixed && e < o.samples(); e++) {
            headers.add("epoch " + e + " mixed");
        }
        List<ContactSheet.Row> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            ClassEntry c = m.classes().get(labels[r]);
            rows.add(new ContactSheet.Row(List.of(c.name(), c.wnid() + "  label " + labels[r], "record " + records[r]),
                    cells.get(r)));
        }
        List<String> legend = new ArrayList<>();
        legend.add("Each row: a record of '" + o.split() + "' as stored, then as the per-record operations ("
                + sampleSpec + ") leave it at epochs 0.." + (o.samples() - 1) + " with seed " + o.seed()
                + " (what training with this seed sees).");
        if (mixed) {
            legend.add("Mixed: the same record after " + batchSpec + " in its shuffled float batch of " + batch
                    + " at that epoch, normalisation undone. Caption: lambda (the weight of the record's own image "
                    + "and label), the partner record, and the partner's class.");
        }
        String title = "lowres preview  " + (o.name() != null ? o.name() : o.data().toAbsolutePath().normalize())
                + "  split " + o.split() + " ("
                + String.format(Locale.ROOT, "%,d", n) + " records, " + shape.height() + "x" + shape.width()
                + ")  seed " + o.seed();
        ContactSheet.Sheet sheet = new ContactSheet.Sheet(title, pipeline.describe(), headers, rows, legend,
                shape.channels(), shape.height(), shape.width());
        return new Result(sheet, pipeline.describe(), count, mixed);
    }

    /** The record at (epoch, batch, row) after every operation, as pixels, with its mixing caption. */
    private static ContactSheet.Cell mixedCell(Loader all, Loader unmixed, int epoch, int batchIndex, int row,
                                               Manifest m, double[][] stats, List<BatchOp> ops) {
        int per = m.image().bytesPerImage();
        int classes = m.classes().size();
        float[] mixed = new float[per];
        float[] targets = new float[classes];
        int record;
        int label;
        try (Epoch e = all.epoch(epoch, batchIndex)) {
            Batch b = e.next();
            floats(b.images()).get(row * per, mixed);
            floats(b.targets()).get(row * classes, targets);
            record = b.record(row);
            label = b.label(row);
        }
        float[] plain;
        int size;
        int[] rowRecords;
        try (Epoch e = unmixed.epoch(epoch, batchIndex)) {
            Batch b = e.next();
            size = b.size();
            plain = new float[size * per];
            floats(b.images()).get(0, plain);
            rowRecords = new int[size];
            for (int j = 0; j < size; j++) {
                rowRecords[j] = b.record(j);
            }
        }
        if (rowRecords[row] != record) {
            throw new IllegalStateException("the unmixed batch does not hold record " + record + " at row " + row);
        }
        Partner partner = partner(ops, mixed, plain, row, size, per);
        List<String> caption = new ArrayList<>();
        if (partner != null && partner.row() == row) {
            caption.add("not mixed");
        } else if (partner != null) {
            int other = rowRecords[partner.row()];
            int otherLabel = all.view().label(other);
            double lambda = otherLabel != label ? targets[label] : partner.lambda();
            caption.add(String.format(Locale.ROOT, "\u03bb %.2f + #%d", lambda, other));
            caption.add((otherLabel == label ? "same class " : "") + m.classes().get(otherLabel).name());
        } else {
            // several batch operations: say what the soft target holds
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < classes; k++) {
                if (targets[k] > 0.005f) {
                    order.add(k);
                }
            }
            order.sort((a, b) -> Float.compare(targets[b], targets[a]));
            for (int i = 0; i < Math.min(2, order.size()); i++) {
                caption.add(String.format(Locale.ROOT, "%.2f %s", targets[order.get(i)],
                        m.classes().get(order.get(i)).name()));
            }
        }
        return new ContactSheet.Cell(pixels(mixed, stats, m.image()), caption);
    }

    /** A partner row and the weight of the record's own image. */
    record Partner(int row, double lambda) {
    }

    /**
     * Finds which row of the unmixed batch was mixed into row {@code i}: for Mixup the row whose least-squares
     * blend with row i leaves no residual, for CutMix the row whose pixels appear unchanged where row i's
     * changed. Null when the spec has several batch operations (the soft target then tells the story).
     */
    static Partner partner(List<BatchOp> ops, float[] mixed, float[] plain, int i, int size, int per) {
        if (ops.size() != 1) {
            return null;
        }
        int a = i * per;
        double self = 0;
        for (int k = 0; k < per; k++) {
            double d = mixed[k] - plain[a + k];
            self += d * d;
        }
        if (self == 0) {
            return new Partner(i, 1);
        }
        boolean cutmix = ops.get(0).describe().startsWith("cutmix");
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestLambda = 0;
        for (int j = 0; j < size; j++) {
            if (j == i) {
                continue;
            }
            int b = j * per;
            if (cutmix) {
                int same = 0;
                int changed = 0;
                for (int k = 0; k < per; k++) {
                    if (mixed[k] != plain[a + k]) {
                        changed++;
                        same += mixed[k] == plain[b + k] ? 1 : 0;
                    }
                }
                double score = changed == 0 ? 0 : same / (double) changed;
                if (score > bestScore) {
                    bestScore = score;
                    best = j;
                    bestLambda = 1 - countDiffering(mixed, plain, a, per) / (double) per;
                }
            } else {
                double dot = 0;
                double norm = 0;
                for (int k = 0; k < per; k++) {
                    double d = plain[a + k] - plain[b + k];
                    dot += (mixed[k] - plain[b + k]) * d;
                    norm += d * d;
                }
                if (norm == 0) {
                    continue;
                }
                double lambda = dot / norm;
                double residual = 0;
                for (int k = 0; k < per; k++) {
                    double d = mixed[k] - plain[b + k] - lambda * (plain[a + k] - plain[b + k]);
                    residual += d * d;
                }
                if (-residual > bestScore) {
                    bestScore = -residual;
                    best = j;
                    bestLambda = lambda;
                }
            }
        }
        return best < 0 ? null : new Partner(best, bestLambda);
    }

    private static int countDiffering(float[] mixed, float[] plain, int a, int per) {
        int n = 0;
        for (int k = 0; k < per; k++) {
            n += mixed[k] != plain[a + k] ? 1 : 0;
        }
        return n;
    }

    private static FloatBuffer floats(ByteBuffer bytes) {
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The per-channel mean and standard deviation the loader normalised with: those of the train split (or
     * of the split itself without one), as {@link Loader} takes them.
     */
    private static double[][] statistics(Dataset dataset, String split, int channels) throws DatasetException {
        Manifest.Split stats = dataset.manifest().splits().get("train");
        if (stats == null) {
            stats = dataset.split(split);
        }
        double[] mean = stats.mean() == null ? new double[channels] : stats.mean().clone();
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            std[c] = stats.std() == null ? 255 : stats.std()[c] > 0 ? stats.std()[c] : 1;
        }
        return new double[][] {mean, std};
    }

    /** Undoes the per-channel normalisation: {@code v * std + mean}, rounded and clamped to a pixel. */
    private static byte[] pixels(float[] image, double[][] stats, Manifest.ImageShape shape) {
        int plane = shape.height() * shape.width();
        byte[] out = new byte[image.length];
        for (int i = 0; i < image.length; i++) {
            int c = i / plane;
            long v = Math.round(image[i] * stats[1][c] + stats[0][c]);
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }
}
