package dev.lowres.data.bench;

import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.ImageFormat;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.image.Resampler;
import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.ingest.RecordMaker;
import dev.lowres.data.ingest.ScanOptions;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.ingest.SourceImage;
import dev.lowres.data.ingest.SourceTree;
import dev.lowres.data.ingest.SplitSource;
import dev.lowres.data.ingest.TreeScanner;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ShardWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures the build: end-to-end images/s of exact and fast builds with the requested threads, and, on
 * one thread, the milliseconds per image of each stage (decode, resample, write). The exact decode is
 * libjpeg-turbo's plus a copy into Java, and bounds what any exact build can reach.
 */
public final class BuildBenchmark {
    /**
     * Results.
     *
     * @param images inputs measured
     * @param meanWidth mean input width
     * @param meanHeight mean input height
     * @param meanKilobytes mean file size
     * @param exactPerSecond end-to-end exact build, images/s
     * @param fastPerSecond end-to-end fast build, images/s
     * @param decodeExactMs one thread: decode at full size to RGB, ms/image
     * @param decodeFastMs one thread: DCT-reduced decode, ms/image
     * @param resampleMs one thread: PIL-exact resample to the size, ms/image
     * @param resampleFastMs one thread: resample of the reduced decode, ms/image
     * @param writeMs one thread: writing the records as a shard, ms/image
     * @param fastMeanAbsDiff mean absolute difference of fast from exact records, in pixel levels
     */
    public record Result(int images, double meanWidth, double meanHeight, double meanKilobytes,
                         double exactPerSecond, double fastPerSecond, double decodeExactMs, double decodeFastMs,
                         double resampleMs, double resampleFastMs, double writeMs, double fastMeanAbsDiff) {
    }

    private BuildBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param tree a class-folder tree (or ILSVRC root; its train split is used)
     * @param size output size
     * @param threads threads for the end-to-end builds
     * @param limit at most this many inputs (0 for all)
     * @param work a scratch directory (emptied)
     * @param log receives one line per finished step
     */
    public static Result run(Path tree, int size, int threads, int limit, Path work, Consumer<String> log)
            throws IOException, SourceException, DatasetException {
        SourceTree source = TreeScanner.scan(tree, ScanOptions.defaults());
        SplitSource split = source.splits().get(0);
        List<SourceImage> inputs = split.images();
        if (limit > 0 && inputs.size() > limit) {
            inputs = inputs.subList(0, limit);
        }
        List<byte[]> files = new ArrayList<>();
        long bytes = 0;
        for (SourceImage image : inputs) {
            byte[] b = Files.readAllBytes(split.path(image));
            files.add(b);
            bytes += b.length;
        }
        BuildState.deleteRecursively(work);
        Path subset = work.resolve("inputs");
        copyTree(split, inputs, subset);

        List<byte[]> jpegs = new ArrayList<>();
        double widths = 0;
        double heights = 0;
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            for (byte[] b : files) {
                try {
                    ImageHeader h = ImageHeader.read(b, b.length, ImageHeader.PIL_PIXEL_LIMIT);
                    if (h.format() == ImageFormat.JPEG) {
                        jpegs.add(b);
                        widths += h.width();
                        heights += h.height();
                    }
                } catch (BadImageException e) {
                    // not counted
                }
            }
        }
        if (jpegs.isEmpty()) {
            throw new SourceException(tree + " has no readable JPEG to benchmark");
        }
        log.accept(String.format(java.util.Locale.ROOT, "%d inputs (%d JPEGs, mean %.0fx%.0f, %.0f KB)",
                files.size(), jpegs.size(), widths / jpegs.size(), heights / jpegs.size(),
                bytes / 1024.0 / files.size()));

        // stage by stage on one thread: a warm-up pass, then the fastest of three (this machine is shared)
        Stages timed = new Stages(size);
        timed.measure(jpegs);
        for (int pass = 0; pass < 3; pass++) {
            Stages again = new Stages(size);
            again.measure(jpegs);
            timed = timed.fastest(again);
        }
        log.accept(String.format(java.util.Locale.ROOT,
                "one thread: decode %.3f ms, fast decode %.3f, resample %.3f (fast: %.3f), write %.3f ms/image",
                timed.decodeExact, timed.decodeFast, timed.resample, timed.resampleFast, timed.write));

        // end to end, exact and fast in turn, the best of three of each
        double exact = 0;
        double fast = 0;
        for (int round = 0; round < 3; round++) {
            exact = Math.max(exact, endToEnd(subset, work.resolve("exact"), size, threads, false));
            fast = Math.max(fast, endToEnd(subset, work.resolve("fast"), size, threads, true));
        }
        log.accept(String.format(java.util.Locale.ROOT, "builds, %d threads: exact %.0f images/s, fast %.0f images/s",
                threads, exact, fast));
        return new Result(files.size(), widths / jpegs.size(), heights / jpegs.size(), bytes / 1024.0 / files.size(),
                exact, fast, timed.decodeExact, timed.decodeFast, timed.resample, timed.resampleFast, timed.write,
                timed.meanAbsDiff);
    }

    /** One full build into a fresh directory, images/s. */
    private static double endToEnd(Path input, Path out, int size, int threads, boolean fast)
            throws IOException, SourceException, DatasetException {
        BuildState.deleteRecursively(out);
        BuildResult r = DatasetBuilder.build(BuildOptions.builder().input(input).output(out)
                .sizes(List.of(size)).threads(threads).fast(fast).build(), BuildListener.NONE);
        return r.imagesPerSecond();
    }

    private static void copyTree(SplitSource split, List<SourceImage> inputs, Path target) throws IOException {
        for (SourceImage image : inputs) {
            Path dst = target.resolve(image.key());
            Files.createDirectories(dst.getParent());
            Files.copy(split.path(image), dst);
        }
    }

    /** Single-thread per-stage timings. */
    private static final class Stages {
        final int size;
        double decodeExact;
        double decodeFast;
        double resample;
        double resampleFast;
        double write;
        double meanAbsDiff;

        Stages(int size) {
            this.size = size;
        }

        void measure(List<byte[]> jpegs) throws IOException {
            int n = jpegs.size();
            int per = 3 * size * size;
            byte[] exact = new byte[n * per];
            byte[] fast = new byte[n * per];
            Resampler resampler = new Resampler();
            try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
                long decodeNanos = 0;
                long resampleNanos = 0;
                for (int i = 0; i < n; i++) {
                    byte[] b = jpegs.get(i);
                    long t0 = System.nanoTime();
                    DecodedImage d = decoder.decode(b, b.length);
                    long t1 = System.nanoTime();
                    resampler.resize(d, size, size, ResampleFilter.BOX, exact, i * per);
                    long t2 = System.nanoTime();
                    decodeNanos += t1 - t0;
                    resampleNanos += t2 - t1;
                }
                long fastNanos = 0;
                long fastResampleNanos = 0;
                for (int i = 0; i < n; i++) {
                    byte[] b = jpegs.get(i);
                    long t0 = System.nanoTime();
                    DecodedImage d = decoder.decodeReduced(b, b.length, RecordMaker.FAST_MIN_SIDE_FACTOR * size);
                    long t1 = System.nanoTime();
                    resampler.resize(d, size, size, ResampleFilter.BOX, fast, i * per);
                    fastNanos += t1 - t0;
                    fastResampleNanos += System.nanoTime() - t1;
                }
                decodeExact = decodeNanos / 1e6 / n;
                resample = resampleNanos / 1e6 / n;
                decodeFast = fastNanos / 1e6 / n;
                resampleFast = fastResampleNanos / 1e6 / n;
            } catch (BadImageException e) {
                throw new IOException("benchmark input failed to decode: " + e.getMessage(), e);
            }
            long diff = 0;
            for (int i = 0; i < exact.length; i++) {
                diff += Math.abs((exact[i] & 0xFF) - (fast[i] & 0xFF));
            }
            meanAbsDiff = (double) diff / exact.length;
            Path dir = Files.createTempDirectory("lowres-bench-write");
            try {
                short[] labels = new short[n];
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    keys.add("n00000000/image_" + i + ".JPEG");
                }
                long t0 = System.nanoTime();
                ShardWriter.write(dir, "bench-00000-of-00001", new Manifest.ImageShape(size, size, 3), exact, labels, keys);
                write = (System.nanoTime() - t0) / 1e6 / n;
            } finally {
                BuildState.deleteRecursively(dir);
            }
        }

        /** Per stage, the faster of this and another measurement. */
        Stages fastest(Stages other) {
            Stages s = new Stages(size);
            s.decodeExact = Math.min(decodeExact, other.decodeExact);
            s.decodeFast = Math.min(decodeFast, other.decodeFast);
            s.resample = Math.min(resample, other.resample);
            s.resampleFast = Math.min(resampleFast, other.resampleFast);
            s.write = Math.min(write, other.write);
            s.meanAbsDiff = meanAbsDiff;
            return s;
        }
    }
}
