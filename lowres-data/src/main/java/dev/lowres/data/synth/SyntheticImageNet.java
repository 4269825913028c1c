package dev.lowres.data.synth;

import dev.lowres.data.Version;
import dev.lowres.data.Concurrency;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.ingest.ValidationLabels;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.Json;
import dev.lowres.data.synth.SynthResult.Kind;
import dev.lowres.data.synth.SynthResult.SpecialFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Writes a synthetic ILSVRC-style JPEG tree, the embedded default input of the demo and of tests:
 * <pre>
 * train/&lt;wnid&gt;/&lt;wnid&gt;_&lt;n&gt;.JPEG          n = 1..trainPerClass
 * val/ILSVRC2012_val_&lt;8 digits&gt;.JPEG      classes in a seeded shuffled order
 * LOC_val_solution.csv                    ImageId,PredictionString ("wnid x_min y_min x_max y_max")
 * lowres-synth.json                       the options, classes and special files (not part of ILSVRC)
 * </pre>
 * Classes are real ILSVRC wnids evenly spaced in sorted order. Each class is a shape, hue and texture
 * (see {@link #describe(int)}), drawn at a random place, size, stretch and small rotation on a random
 * background, at a random size and aspect ratio, saved at JPEG quality 75..95, a few as grayscale
 * (single-component) JPEGs; the boxes in {@code LOC_val_solution.csv} are the drawn object's, in 0-based
 * inclusive pixel coordinates. Among the training files are a truncated JPEG, an empty file and an HTML
 * page that a build must skip, and a PNG named {@code .JPEG} and a progressive JPEG that it must build
 * ({@link SynthResult#specialFiles()}).
 *
 * <p>Every image is a pure function of (seed, split, class, index) through its own
 * {@link SplittableRandom}, and {@code javax.imageio}'s encoders are deterministic at an explicit
 * quality, so the same options give the same bytes whatever the thread count.
 */
public final class SyntheticImageNet {
    /** The file at the root that records how the tree was made, and marks it as safe to overwrite. */
    public static final String MARKER = "lowres-synth.json";
    /** Identifies the marker's format and the generator's version. */
    public static final String FORMAT = "lowres-synth/1";
    /** How much of a real JPEG the truncated file keeps. */
    static final double TRUNCATED_FRACTION = 0.6;
    /** JPEG qualities are drawn from this range, inclusive. */
    static final int MIN_QUALITY = 75;
    static final int MAX_QUALITY = 95;

    private static final int TRAIN = 1;
    private static final int VAL = 2;
    private static final int VAL_ORDER = 3;

    private SyntheticImageNet() {
    }

    /**
     * The classes of an {@code n}-class tree: wnid {@code floor(k * 1000 / n)} of ILSVRC's sorted wnids for
     * k = 0..n-1 (so tench, n01440764, is always class 0), with their ImageNet names.
     */
    public static List<ClassEntry> classes(int n) {
        ImageNetClasses imagenet = ImageNetClasses.get();
        List<String> sorted = imagenet.wnidsInClslocOrder().stream().sorted().toList();
        if (n < 2 || n > sorted.size()) {
            throw new IllegalArgumentException("classes must be between 2 and " + sorted.size() + ": " + n);
        }
        List<ClassEntry> classes = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String wnid = sorted.get((int) ((long) k * sorted.size() / n));
            classes.add(new ClassEntry(k, wnid, imagenet.name(wnid).orElse(wnid)));
        }
        return List.copyOf(classes);
    }

    /** How class {@code k} is drawn, e.g. {@code circle, hue 0, solid}. */
    public static String describe(int k) {
        return ClassLook.of(k).describe();
    }

    /** One file to write. {@code index} is the image's number within its class (train) or its file number (val). */
    private record Job(int split, int label, int index, String path, Kind kind) {
    }

    /**
     * Writes a tree.
     *
     * @param out the root folder; created if missing, and must be empty unless {@code overwrite} is set
     *            and it holds a tree written earlier by this class (then that tree is replaced)
     * @param options what to write
     * @param progress receives the number of files finished since its last call (from worker threads);
     *                 the total is {@link SynthOptions#totalFiles()}; may be null
     * @throws FileAlreadyExistsException when {@code out} is not empty and may not be overwritten
     * @throws IOException when a file cannot be written
     */
    public static SynthResult write(Path out, SynthOptions options, LongConsumer progress) throws IOException {
        LongConsumer report = progress == null ? n -> { } : progress;
        prepare(out, options.overwrite());
        List<ClassEntry> classes = classes(options.classes());
        List<Job> jobs = new ArrayList<>();
        Map<Long, Kind> special = planSpecialFiles(options);
        List<SpecialFile> specialFiles = new ArrayList<>();
        for (ClassEntry c : classes) {
            Files.createDirectories(out.resolve("train").resolve(c.wnid()));
            for (int i = 0; i < options.trainPerClass(); i++) {
                String path = "train/" + c.wnid() + "/" + c.wnid() + "_" + (i + 1) + ".JPEG";
                Kind kind = special.get(slot(c.index(), i));
                jobs.add(new Job(TRAIN, c.index(), i, path, kind));
                if (kind != null) {
                    specialFiles.add(new SpecialFile(path, kind));
                }
            }
        }
        specialFiles.sort((a, b) -> a.kind().compareTo(b.kind()));
        int[] valLabels = validationOrder(options);
        if (valLabels.length > 0) {
            Files.createDirectories(out.resolve("val"));
        }
        for (int i = 0; i < valLabels.length; i++) {
            jobs.add(new Job(VAL, valLabels[i], i + 1, "val/" + valName(i + 1) + ".JPEG", null));
        }
        AtomicLong bytes = new AtomicLong();
        bytes.addAndGet(writeMarker(out, options, classes, specialFiles));

        int[][] boxes = new int[valLabels.length][];
        run(jobs, options.threads(), (job, encoder) -> {
            Render render = render(job, options, encoder);
            Files.write(out.resolve(job.path()), render.bytes);
            bytes.addAndGet(render.bytes.length);
            if (job.split() == VAL) {
                boxes[job.index() - 1] = render.box;
            }
            report.accept(1);
        });

        if (valLabels.length > 0) {
            StringBuilder csv = new StringBuilder("ImageId,PredictionString\n");
            for (int i = 0; i < valLabels.length; i++) {
                int[] b = boxes[i];
                csv.append(valName(i + 1)).append(',').append(classes.get(valLabels[i]).wnid())
                        .append(' ').append(b[0]).append(' ').append(b[1]).append(' ').append(b[2])
                        .append(' ').append(b[3]).append('\n');
            }
            byte[] data = csv.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(out.resolve(ValidationLabels.LOC_SOLUTION), data);
            bytes.addAndGet(data.length);
        }
        return new SynthResult(out, classes, classes.size() * options.trainPerClass(), valLabels.length,
                List.copyOf(specialFiles), bytes.get());
    }

    private static String valName(int number) {
        return String.format(Locale.ROOT, "ILSVRC2012_val_%08d", number);
    }

    private static long slot(int label, int index) {
        return ((long) label << 32) | index;
    }

    /**
     * Places the special files: file k of m goes to class {@code (2k+1) * n / (2m)} (spread over the
     * classes), taking the class's last free image number.
     */
    private static Map<Long, Kind> planSpecialFiles(SynthOptions options) {
        List<Kind> kinds = new ArrayList<>();
        List<Kind> broken = List.of(Kind.TRUNCATED_JPEG, Kind.EMPTY, Kind.HTML_PAGE);
        kinds.addAll(broken.subList(0, options.brokenFiles()));
        if (options.oddFiles()) {
            kinds.add(Kind.PNG_NAMED_JPEG);
            kinds.add(Kind.PROGRESSIVE_JPEG);
        }
        int m = kinds.size();
        int n = options.classes();
        int[] used = new int[n];
        Map<Long, Kind> plan = new LinkedHashMap<>();
        for (int k = 0; k < m; k++) {
            int label = (int) ((2L * k + 1) * n / (2L * m));
            int index = options.trainPerClass() - 1 - used[label]++;
            plan.put(slot(label, index), kinds.get(k));
        }
        return plan;
    }

    /** The label of each validation file in file order: every class valPerClass times, shuffled. */
    private static int[] validationOrder(SynthOptions options) {
        int[] labels = new int[options.classes() * options.valPerClass()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / options.valPerClass();
        }
        SplittableRandom rng = new SplittableRandom(seed(options.seed(), VAL_ORDER, 0, 0));
        for (int i = labels.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return labels;
    }

    /** The seed of one random purpose: a SplitMix64 hash of its coordinates. */
    static long seed(long seed, int split, int label, int index) {
        long h = mix(seed ^ 0x6c6f777265735359L);
        h = mix(h ^ split);
        h = mix(h ^ label);
        return mix(h ^ index);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private record Render(byte[] bytes, int[] box) {
    }

    private static Render render(Job job, SynthOptions options, Encoder encoder) throws IOException {
        if (job.kind() == Kind.EMPTY) {
            return new Render(new byte[0], null);
        }
        if (job.kind() == Kind.HTML_PAGE) {
            return new Render(htmlPage(job.path()), null);
        }
        SplittableRandom rng = new SplittableRandom(seed(options.seed(), job.split(), job.label(), job.index()));
        boolean gray = rng.nextDouble() < options.grayscaleFraction();
        int quality = rng.nextInt(MIN_QUALITY, MAX_QUALITY + 1);
        Painter.Painted painted = Painter.paint(ClassLook.of(job.label()), rng, options.minSide(), options.maxSide(),
                gray);
        int[] box = {painted.xMin(), painted.yMin(), painted.xMax(), painted.yMax()};
        if (job.kind() == Kind.PNG_NAMED_JPEG) {
            return new Render(encoder.png(painted.image()), box);
        }
        byte[] jpeg = encoder.jpeg(painted.image(), quality, job.kind() == Kind.PROGRESSIVE_JPEG);
        if (job.kind() == Kind.TRUNCATED_JPEG) {
            int keep = (int) Math.round(jpeg.length * TRUNCATED_FRACTION);
            keep = Math.max(keep, Math.min(jpeg.length - 2, startOfScan(jpeg) + 16));
            return new Render(Arrays.copyOf(jpeg, keep), box);
        }
        return new Render(jpeg, box);
    }

    /** Offset of the first start-of-scan marker, so that truncation keeps the whole header. */
    private static int startOfScan(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                return i;
            }
        }
        return 0;
    }

    private static byte[] htmlPage(String path) {
        String page = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n<body>\n"
                + "<h1>Not Found</h1>\n<p>The requested URL /" + path + " was not found on this server.</p>\n"
                + "<hr><address>Apache Server at images.example.org Port 80</address>\n</body></html>\n";
        return page.getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Task {
        void run(Job job, Encoder encoder) throws IOException;
    }

    /** Runs the jobs on {@code threads} workers, each with its own encoders; rethrows the first failure. */
    private static void run(List<Job> jobs, int threads, Task task) throws IOException {
        int workers = Math.max(1, Math.min(threads, jobs.size()));
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, Concurrency.daemonThreads("lowres-synth-"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    try (Encoder encoder = new Encoder()) {
                        int i;
                        while ((i = next.getAndIncrement()) < jobs.size()) {
                            task.run(jobs.get(i), encoder);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    Concurrency.await(f, "synth");
                } catch (IOException | RuntimeException | Error e) {
                    next.set(jobs.size()); // stop the other workers
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Makes {@code out} an empty folder, or refuses. */
    private static void prepare(Path out, boolean overwrite) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new NotDirectoryException(out + " (the synthetic tree's output must be a folder)");
        }
        Files.createDirectories(out);
        List<String> entries;
        try (Stream<Path> s = Files.list(out)) {
            entries = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (entries.isEmpty()) {
            return;
        }
        if (!overwrite) {
            throw new FileAlreadyExistsException(out.toString(), null, "folder is not empty (" + abbreviate(entries)
                    + "); choose a new or empty folder, or --overwrite to replace a tree written by lowres synth");
        }
        if (!Files.isRegularFile(out.resolve(MARKER))) {
            throw new FileAlreadyExistsException(out.toString(), null, "folder is not empty and has no " + MARKER
                    + ", so it was not written by lowres synth; refusing to delete anything in it");
        }
        for (String name : List.of("train", "val", ValidationLabels.LOC_SOLUTION, MARKER)) {
            BuildState.deleteRecursively(out.resolve(name));
        }
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 3 ? String.join(", ", items)
                : String.join(", ", items.subList(0, 3)) + " and " + (items.size() - 3) + " more";
    }

    private static long writeMarker(Path out, SynthOptions o, List<ClassEntry> classes, List<SpecialFile> special)
            throws IOException {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("format", FORMAT);
        marker.put("tool", Version.TOOL);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("classes", o.classes());
        opts.put("train_per_class", o.trainPerClass());
        opts.put("val_per_class", o.valPerClass());
        opts.put("seed", o.seed());
        opts.put("min_side", o.minSide());
        opts.put("max_side", o.maxSide());
        opts.put("grayscale_fraction", o.grayscaleFraction());
        opts.put("broken_files", o.brokenFiles());
        opts.put("odd_files", o.oddFiles());
        marker.put("options", opts);
        List<Map<String, Object>> cls = new ArrayList<>();
        for (ClassEntry c : classes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", c.index());
            m.put("wnid", c.wnid());
            m.put("name", c.name());
            m.put("look", describe(c.index()));
            cls.add(m);
        }
        marker.put("classes", cls);
        List<Map<String, Object>> files = new ArrayList<>();
        for (SpecialFile f : special) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
            m.put("build", f.kind().expectedSkip().map(r -> "skipped: " + r.code()).orElse("built"));
            files.add(m);
        }
        marker.put("special_files", files);
        byte[] data = Json.mapper().writeValueAsBytes(marker);
        Files.write(out.resolve(MARKER), data);
        return data.length;
    }
}
