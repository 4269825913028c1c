package dev.lowres.data.bench;

import static org.bytedeco.leptonica.global.leptonica.pixDestroy;
import static org.bytedeco.leptonica.global.leptonica.pixReadMemJpeg;

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
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.leptonica.PIX;

/**
 * Measures the build: end-to-end images/s of exact and fast builds with the requested threads, and, on
 * one thread, the milliseconds per image of each stage (decode, resample, write) and of libjpeg-turbo's
 * bare decode, which bounds what any exact build can reach.
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
     * @param decoderLimitMs one thread: libjpeg-turbo's bare decode (leptonica, no copy), ms/image
     * @param resampleMs one thread: PIL-exact resample to the size, ms/image
     * @param writeMs one thread: writing the records as a shard, ms/image
     * @param fastMeanAbsDiff mean absolute difference of fast from exact records, in pixel levels
     */
    public record Result(int images, double meanWidth, double meanHeight, double meanKilobytes,
                         double exactPerSecond, double fastPerSecond, double decodeExactMs, double decodeFastMs,
                         double decoderLimitMs, double resampleMs, double writeMs, double fastMeanAbsDiff) {
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

        // stage by stage on one thread, after a warm-up pass
        Stages stages = new Stages(size);
        stages.measure(jpegs);
        Stages timed = new Stages(size);
        timed.measure(jpegs);
        log.accept(String.format(java.util.Locale.ROOT,
                "one thread: decode %.2f ms (libjpeg-turbo alone %.2f), fast decode %.2f, resample %.3f, write %.3f ms/image",
                timed.decodeExact, timed.decoderLimit, timed.decodeFast, timed.resample, timed.write));

        double exact = endToEnd(subset, work.resolve("exact"), size, threads, false);
        log.accept(String.format(java.util.Locale.ROOT, "exact build, %d threads: %.0f images/s", threads, exact));
        double fast = endToEnd(subset, work.resolve("fast"), size, threads, true);
        log.accept(String.format(java.util.Locale.ROOT, "fast build, %d threads: %.0f images/s", threads, fast));
        return new Result(files.size(), widths / jpegs.size(), heights / jpegs.size(), bytes / 1024.0 / files.size(),
                exact, fast, timed.decodeExact, timed.decodeFast, timed.decoderLimit, timed.resample, timed.write,
                timed.meanAbsDiff);
    }

    /** Best of three full builds into a fresh directory, images/s. */
    private static double endToEnd(Path input, Path out, int size, int threads, boolean fast)
            throws IOException, SourceException, DatasetException {
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            BuildState.deleteRecursively(out);
            BuildResult r = DatasetBuilder.build(BuildOptions.builder().input(input).output(out)
                    .sizes(List.of(size)).threads(threads).fast(fast).build(), BuildListener.NONE);
            best = Math.max(best, r.imagesPerSecond());
        }
        return best;
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
        double decoderLimit;
        double resample;
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
                for (int i = 0; i < n; i++) {
                    byte[] b = jpegs.get(i);
                    long t0 = System.nanoTime();
                    DecodedImage d = decoder.decodeReduced(b, b.length, DatasetBuilder.FAST_MIN_SIDE_FACTOR * size);
                    fastNanos += System.nanoTime() - t0;
                    resampler.resize(d, size, size, ResampleFilter.BOX, fast, i * per);
                }
                decodeExact = decodeNanos / 1e6 / n;
                resample = resampleNanos / 1e6 / n;
                decodeFast = fastNanos / 1e6 / n;
            } catch (BadImageException e) {
                throw new IOException("benchmark input failed to decode: " + e.getMessage(), e);
            }
            decoderLimit = bareDecode(jpegs);
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

        /** libjpeg-turbo through leptonica with nothing else: the decoder's own speed. */
        private static double bareDecode(List<byte[]> jpegs) {
            long nanos = 0;
            try (BytePointer buf = new BytePointer(jpegs.stream().mapToLong(b -> b.length).max().orElse(1))) {
                for (byte[] b : jpegs) {
                    buf.position(0).put(b, 0, b.length);
                    long t0 = System.nanoTime();
                    PIX pix = pixReadMemJpeg(buf, b.length, 0, 1, null, 0);
                    nanos += System.nanoTime() - t0;
                    if (pix != null) {
                        pixDestroy(pix);
                    }
                }
            }
            return nanos / 1e6 / jpegs.size();
        }
    }
}
