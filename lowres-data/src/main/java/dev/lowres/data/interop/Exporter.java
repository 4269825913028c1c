package dev.lowres.data.interop;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.Npy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Exports a dataset to the published downsampled-ImageNet npz layout: split {@code train} as
 * {@code train_data_batch_1.npz .. train_data_batch_<k>.npz} (records in dataset order, cut into k
 * consecutive, nearly equal batches), every other split as {@code <split>_data.npz}. Each file holds
 * {@code data.npy} (uint8 (N, 3*S*S), planar RGB rows), {@code labels.npy} (int64, 1-based clsloc labels,
 * mapped back by wnid) and {@code mean.npy} (float64 (3*S*S,): the train split's mean image, or the split's
 * own when there is no train split). Each file is written under a temporary name and renamed.
 *
 * <p>Importing the result with {@link ImportFormat#IMAGENET32_NPZ} gives back the same pixels, labels (by
 * wnid) and record order.
 */
public final class Exporter {
    private static final int CHUNK = 1 << 20;
    private static final String TRAIN = ImageNetBatchFiles.TRAIN;

    private Exporter() {
    }

    /** Exports without progress reports. */
    public static ExportResult run(ExportOptions options) throws IOException, DatasetException {
        return run(options, ProgressListener.NONE);
    }

    /**
     * Exports {@code options.dataset()} into {@code options.output()}.
     *
     * @throws DatasetException when the dataset is not a finished dataset, is not square 3-channel with a
     *                          size of 8..256, or has a class whose wnid is not an ILSVRC class
     * @throws FileAlreadyExistsException when the output already holds files of this layout and
     *                                    {@code overwrite} is off
     */
    public static ExportResult run(ExportOptions options, ProgressListener listener)
            throws IOException, DatasetException {
        long start = System.nanoTime();
        Dataset dataset = Dataset.open(options.dataset());
        Manifest manifest = dataset.manifest();
        Manifest.ImageShape shape = manifest.image();
        if (shape.channels() != 3 || shape.height() != shape.width() || shape.height() < 8 || shape.height() > 256) {
            throw new DatasetException(options.dataset() + " holds " + shape.channels() + "-channel "
                    + shape.height() + "x" + shape.width() + " images; " + options.format().id()
                    + " needs square RGB images of 8..256 pixels");
        }
        long[] clsloc = clslocLabels(manifest.classes(), options.dataset());
        Path out = options.output();
        Files.createDirectories(out);
        clearOutput(out, options.overwrite());
        double[] trainMean = manifest.splits().containsKey(TRAIN) ? meanImage(dataset, manifest.splits().get(TRAIN))
                : null;

        listener.started(manifest.splits().values().stream().mapToLong(Manifest.Split::count).sum());
        List<Path> files = new ArrayList<>();
        Map<String, Long> records = new LinkedHashMap<>();
        for (Map.Entry<String, Manifest.Split> e : manifest.splits().entrySet()) {
            String name = e.getKey();
            Manifest.Split split = e.getValue();
            SplitReader reader = new SplitReader(dataset, split);
            double[] mean = trainMean != null ? trainMean : meanImage(dataset, split);
            long n = split.count();
            if (name.equals(TRAIN)) {
                int k = options.trainBatches();
                for (int i = 0; i < k; i++) {
                    long from = i * n / k;
                    long to = (i + 1) * n / k;
                    Path file = out.resolve("train_data_batch_" + (i + 1) + ".npz");
                    writeBatch(file, reader, from, to, shape, clsloc, mean, listener);
                    files.add(file);
                }
            } else {
                Path file = out.resolve(name + "_data.npz");
                writeBatch(file, reader, 0, n, shape, clsloc, mean, listener);
                files.add(file);
            }
            records.put(name, n);
        }
        return new ExportResult(out, files, records, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The 1-based clsloc label of every class, by wnid. */
    private static long[] clslocLabels(List<ClassEntry> classes, Path dir) throws DatasetException {
        ImageNetClasses imagenet = ImageNetClasses.get();
        long[] out = new long[classes.size()];
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            ClassEntry c = classes.get(i);
            if (c.index() != i) {
                throw new DatasetException(dir + ": class " + c.wnid() + " has index " + c.index() + " at position " + i);
            }
            out[i] = imagenet.clslocLabel(c.wnid()).orElse(-1);
            if (out[i] < 0) {
                unknown.add(c.wnid());
            }
        }
        if (!unknown.isEmpty()) {
            throw new DatasetException(dir + " has classes that are not ILSVRC classes (not in map_clsloc.txt), "
                    + "which the 1-based clsloc labels of imagenet32-npz cannot express: "
                    + (unknown.size() > 5 ? unknown.subList(0, 5) + " and " + (unknown.size() - 5) + " more" : unknown));
        }
        return out;
    }

    /** Refuses (or, with overwrite, removes) files of this layout already in the output folder. */
    private static void clearOutput(Path out, boolean overwrite) throws IOException {
        List<Path> existing;
        try (Stream<Path> s = Files.list(out)) {
            existing = s.filter(p -> p.getFileName().toString().matches(
                    "train_data_batch_\\d+\\.npz|[A-Za-z0-9_]+_data\\.npz")).sorted().toList();
        }
        if (existing.isEmpty()) {
            return;
        }
        if (!overwrite) {
            throw new FileAlreadyExistsException(existing.get(0).toString(), null,
                    out + " already holds npz batches (" + existing.size() + " files); use --overwrite to replace them");
        }
        for (Path p : existing) {
            Files.delete(p);
        }
    }

    /** A split's mean image as float64 in (channel, row, column) order, or null when it has none. */
    private static double[] meanImage(Dataset dataset, Manifest.Split split) throws IOException, DatasetException {
        if (split.meanImage() == null) {
            return null;
        }
        Path file = dataset.dir().resolve(split.meanImage().file());
        byte[] all = Files.readAllBytes(file);
        Npy.Header h = Npy.parse(ByteBuffer.wrap(all), file.toString());
        int expected = dataset.manifest().image().bytesPerImage();
        if (!h.descr().endsWith("f4") || h.count() != expected || all.length < h.dataOffset() + h.dataLength()) {
            throw new DatasetException(file + ": header " + h + " is not a float32 mean image of " + expected
                    + " values");
        }
        FloatBuffer f = ByteBuffer.wrap(all, (int) h.dataOffset(), (int) h.dataLength()).order(h.order())
                .asFloatBuffer();
        double[] mean = new double[expected];
        for (int i = 0; i < expected; i++) {
            mean[i] = f.get(i);
        }
        return mean;
    }

    /** Writes records [from, to) of a split as one npz. */
    private static void writeBatch(Path file, SplitReader reader, long from, long to, Manifest.ImageShape shape,
                                   long[] clsloc, double[] mean, ProgressListener listener)
            throws IOException, DatasetException {
        int row = shape.bytesPerImage();
        long n = to - from;
        byte[] dataHeader = Npy.header("|u1", n, row);
        // pass 1: the data entry's CRC (a stored entry needs it before its bytes) and the labels
        CRC32 crc = new CRC32();
        crc.update(dataHeader);
        ByteBuffer labels = ByteBuffer.allocate(Math.toIntExact(8 * n)).order(ByteOrder.LITTLE_ENDIAN);
        List<SplitReader.Segment> segments = reader.segments(from, to);
        for (SplitReader.Segment seg : segments) {
            crc.update(seg.pixels());
            for (int i = 0; i < seg.count(); i++) {
                labels.putLong(clsloc[seg.labels()[seg.offset() + i]]);
            }
        }
        byte[] labelHeader = Npy.header("<i8", n);
        byte[] labelNpy = concat(labelHeader, labels.array());

        Path tmp = AtomicFiles.temp(file);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), CHUNK);
            NpzWriter npz = new NpzWriter(os);
            byte[] chunk = new byte[CHUNK];
            npz.stored("data.npy", dataHeader.length + n * row, crc.getValue(), zip -> {
                zip.write(dataHeader);
                for (SplitReader.Segment seg : segments) {
                    ByteBuffer pixels = seg.pixels();
                    while (pixels.hasRemaining()) {
                        int len = Math.min(chunk.length, pixels.remaining());
                        pixels.get(chunk, 0, len);
                        zip.write(chunk, 0, len);
                    }
                    listener.progressed(seg.count());
                }
            });
            npz.stored("labels.npy", labelNpy);
            if (mean != null) {
                ByteBuffer m = ByteBuffer.allocate(8 * mean.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : mean) {
                    m.putDouble(v);
                }
                npz.stored("mean.npy", concat(Npy.header("<f8", mean.length), m.array()));
            }
            npz.finish();
            os.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        AtomicFiles.commit(tmp, file);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Reads consecutive record ranges of a split across its shards. */
    private static final class SplitReader {
        private final Dataset dataset;
        private final List<Manifest.Shard> shards;
        private final long[] starts;

        /**
         * The records of one shard that fall in a range.
         *
         * @param view {@code count} records (position at the first); {@link #pixels()} gives a fresh view
         * @param labels the shard's labels
         * @param offset index of the first record in the shard
         * @param count records
         */
        record Segment(ByteBuffer view, short[] labels, int offset, int count) {
            ByteBuffer pixels() {
                return view.duplicate();
            }
        }

        SplitReader(Dataset dataset, Manifest.Split split) {
            this.dataset = dataset;
            this.shards = split.shards();
            this.starts = new long[shards.size() + 1];
            for (int i = 0; i < shards.size(); i++) {
                starts[i + 1] = starts[i] + shards.get(i).count();
            }
        }

        /** The segments of records [from, to), shards memory-mapped. */
        List<Segment> segments(long from, long to) throws IOException, DatasetException {
            int per = dataset.manifest().image().bytesPerImage();
            List<Segment> out = new ArrayList<>();
            for (int s = 0; s < shards.size() && starts[s] < to; s++) {
                if (starts[s + 1] <= from) {
                    continue;
                }
                Manifest.Shard shard = shards.get(s);
                int first = (int) (Math.max(from, starts[s]) - starts[s]);
                int last = (int) (Math.min(to, starts[s + 1]) - starts[s]);
                ByteBuffer slice = dataset.mapImages(shard).duplicate();
                slice.limit(last * per).position(first * per);
                out.add(new Segment(slice, dataset.labels(shard), first, last - first));
            }
            return out;
        }
    }
}
