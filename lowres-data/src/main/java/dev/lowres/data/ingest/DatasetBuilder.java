package dev.lowres.data.ingest;

import dev.lowres.data.Concurrency;
import dev.lowres.data.Version;
import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.Resampler;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DigestingWriter;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ManifestIO;
import dev.lowres.data.store.Npy;
import dev.lowres.data.store.ShardWriter;
import dev.lowres.data.store.SplitStatistics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds dataset directories from a JPEG tree: the {@code ingest -> store} stage.
 *
 * <p>Inputs are cut into shards of {@link BuildOptions#shardSize()} inputs in a fixed order. The images of
 * a shard are decoded once and resampled to every requested size by a pool of worker threads, each with
 * its own decoder and resampler; a single writer thread commits the finished shard (all sizes) while the
 * workers go on with the next one, so at most two shards are held in memory. Each committed shard is
 * recorded in the build journal ({@link BuildState}); a build that is killed and started again skips
 * them, and the manifest, written last, makes the dataset. Records are independent of the thread that
 * made them, so the bytes do not depend on {@code --threads}.
 */
public final class DatasetBuilder {
    /** In fast mode the DCT reduction keeps both sides at least this many times the largest output size. */
    public static final int FAST_MIN_SIDE_FACTOR = 2;

    /** The manifest option that identifies the build's inputs and options (see {@link #builtBefore}). */
    static final String PLAN_KEY = "plan_sha256";

    private final BuildOptions options;
    private final BuildListener listener;
    private final List<Target> targets = new ArrayList<>();
    private final AtomicLong skippedCount = new AtomicLong();
    private final AtomicLong resumed = new AtomicLong();

    /** One output dataset (one size). */
    private static final class Target {
        final int size;
        final Path dir;
        final Manifest.ImageShape shape;
        String fingerprint;
        BuildState state;
        SplitStatistics stats;
        final List<Manifest.Shard> shards = new ArrayList<>();
        final Map<String, Manifest.Split> splits = new LinkedHashMap<>();

        Target(int size, Path dir) {
            this.size = size;
            this.dir = dir;
            this.shape = new Manifest.ImageShape(size, size, 3);
        }
    }

    /** Per-shard buffers, one image array per target; two sets alternate between workers and writer. */
    private static final class ShardBuffers {
        final byte[][] images;
        final short[] labels;
        final String[] keys;
        final Manifest.Skipped[] failures;

        ShardBuffers(List<Target> targets, int capacity) {
            images = new byte[targets.size()][];
            for (int t = 0; t < targets.size(); t++) {
                images[t] = new byte[capacity * targets.get(t).shape.bytesPerImage()];
            }
            labels = new short[capacity];
            keys = new String[capacity];
            failures = new Manifest.Skipped[capacity];
        }
    }

    /** A worker's private decoder, resampler and read buffer. */
    private static final class Worker implements AutoCloseable {
        final ImageDecoder decoder;
        final Resampler resampler = new Resampler();
        byte[] file = new byte[1 << 20];

        Worker(long maxPixels) {
            decoder = new ImageDecoder(maxPixels);
        }

        int read(Path path) throws IOException {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE - 16) {
                    throw new IOException("file too large: " + size + " bytes");
                }
                if (file.length < size) {
                    file = new byte[(int) Math.max(size, file.length * 2L)];
                }
                ByteBuffer buf = ByteBuffer.wrap(file, 0, (int) size);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // read fully
                }
                return buf.position();
            }
        }

        @Override
        public void close() {
            decoder.close();
        }
    }

    private DatasetBuilder(BuildOptions options, BuildListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /**
     * Builds the datasets described by {@code options}.
     *
     * @throws SourceException when the input cannot be read as a dataset source
     * @throws DatasetException when the output holds a finished dataset or another build's journal
     * @throws IOException when the output cannot be written (e.g. a full disk); no manifest is written
     */
    public static BuildResult build(BuildOptions options, BuildListener listener)
            throws IOException, SourceException, DatasetException {
        return new DatasetBuilder(options, listener).run();
    }

    private BuildResult run() throws IOException, SourceException, DatasetException {
        long start = System.nanoTime();
        SourceTree tree = TreeScanner.scan(options.input(), options.scan());
        if (tree.totalImages() == 0) {
            throw new SourceException(options.input() + " has no input files");
        }
        listener.scanned(tree);
        Map<String, Object> plan = plan(tree);
        String fingerprint = fingerprint(plan, tree);
        List<Path> finished = new ArrayList<>();
        Map<String, Long> finishedRecords = new LinkedHashMap<>();
        for (int size : options.sizes()) {
            Target target = new Target(size, options.datasetDir(size));
            target.fingerprint = fingerprint + "/" + size;
            if (options.overwrite()) {
                removeDataset(target.dir);
            } else if (builtBefore(target)) {
                // a killed multi-size build may have committed some sizes: they are done
                finished.add(target.dir);
                ManifestIO.read(target.dir).splits().forEach((k, v) -> finishedRecords.put(k, v.count()));
                continue;
            }
            Map<String, Object> sizedPlan = new LinkedHashMap<>(plan);
            sizedPlan.put("size", size);
            target.state = BuildState.open(target.dir, target.fingerprint, sizedPlan);
            targets.add(target);
        }
        if (targets.isEmpty()) {
            return new BuildResult(finished, finishedRecords, 0, tree.totalImages(),
                    Duration.ofNanos(System.nanoTime() - start), true);
        }
        long alreadyDone = countResumable(tree);
        listener.started(tree.totalImages(), alreadyDone);

        Map<String, Long> records = new LinkedHashMap<>();
        List<Manifest.Skipped> skipped = new ArrayList<>();
        int maxShard = (int) Math.min(options.shardSize(),
                tree.splits().stream().mapToLong(s -> s.images().size()).max().orElse(1));
        ShardBuffers[] buffers = {new ShardBuffers(targets, maxShard), new ShardBuffers(targets, maxShard)};
        Worker[] workers = new Worker[options.threads()];
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), Concurrency.daemonThreads("lowres-build-"));
        ExecutorService writer = Executors.newSingleThreadExecutor(Concurrency.daemonThreads("lowres-write-"));
        try {
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(options.maxPixels());
            }
            int shardCounter = 0;
            Future<?>[] pending = new Future<?>[2];
            for (SplitSource split : tree.splits()) {
                for (Target t : targets) {
                    t.stats = new SplitStatistics(t.shape, tree.classes().size());
                    t.shards.clear();
                }
                int n = (split.images().size() + options.shardSize() - 1) / options.shardSize();
                List<List<Manifest.Skipped>> shardSkips = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    String base = ShardWriter.baseName(split.name(), k, n);
                    int from = k * options.shardSize();
                    int to = Math.min(split.images().size(), from + options.shardSize());
                    List<Manifest.Skipped> skipsOfShard = new ArrayList<>();
                    shardSkips.add(skipsOfShard);
                    List<BuildState.ShardRecord> done = finishedRecords(base);
                    int slot = shardCounter++ % 2;
                    await(pending[slot]);
                    if (done != null) {
                        resumed.addAndGet(to - from);
                        skipsOfShard.addAll(done.get(0).skipped());
                        skippedCount.addAndGet(done.get(0).skipped().size());
                        pending[slot] = writer.submit(() -> {
                            resumeShard(done);
                            return null;
                        });
                        continue;
                    }
                    ShardBuffers buf = buffers[slot];
                    decodeShard(split, from, to, buf, workers, pool);
                    int kept = compact(buf, to - from, skipsOfShard);
                    pending[slot] = writer.submit(() -> {
                        writeShard(base, buf, kept, List.copyOf(skipsOfShard));
                        return null;
                    });
                }
                await(pending[0]);
                await(pending[1]);
                pending[0] = null;
                pending[1] = null;
                shardSkips.forEach(skipped::addAll);
                for (Target t : targets) {
                    String meanFile = split.name() + ".mean.npy";
                    String meanDigest = t.stats.writeMeanImage(t.dir.resolve(meanFile));
                    t.splits.put(split.name(), new Manifest.Split(t.stats.count(), List.copyOf(t.shards),
                            t.stats.mean(), t.stats.std(), new Manifest.FileRef(meanFile, meanDigest),
                            t.stats.classCounts()));
                }
                records.put(split.name(), targets.get(0).stats.count());
            }
        } finally {
            pool.shutdownNow();
            writer.shutdownNow();
            for (Worker w : workers) {
                if (w != null) {
                    w.close();
                }
            }
        }
        List<Path> dirs = new ArrayList<>(finished);
        for (Target t : targets) {
            ManifestIO.write(t.dir, manifest(tree, t, skipped));
            t.state.complete();
            dirs.add(t.dir);
        }
        dirs.sort(java.util.Comparator.comparing(Path::toString));
        return new BuildResult(dirs, records, skippedCount.get(), resumed.get(),
                Duration.ofNanos(System.nanoTime() - start), false);
    }

    /**
     * Whether the target's directory holds the dataset this very build makes (same inputs and options);
     * a dataset of anything else there is refused unless {@code --overwrite}.
     */
    private static boolean builtBefore(Target target) throws DatasetException {
        if (!Files.exists(target.dir.resolve(ManifestIO.FILE))) {
            return false;
        }
        Manifest existing = ManifestIO.read(target.dir);
        Object plan = existing.build() == null || existing.build().options() == null ? null
                : existing.build().options().get(PLAN_KEY);
        if (target.fingerprint.equals(plan)) {
            if (BuildState.exists(target.dir)) {
                // killed after the manifest (the commit point) and before the journal was removed
                try {
                    BuildState.deleteRecursively(target.dir.resolve(BuildState.DIR));
                } catch (java.io.IOException e) {
                    throw new DatasetException(target.dir + ": cannot remove the finished build's journal: " + e);
                }
            }
            return true;
        }
        throw new DatasetException(target.dir + " already holds a finished dataset of other inputs or options; "
                + "use --overwrite to replace it");
    }

    private void decodeShard(SplitSource split, int from, int to, ShardBuffers buf, Worker[] workers,
                             ExecutorService pool) throws IOException {
        AtomicInteger next = new AtomicInteger(from);
        List<Future<?>> tasks = new ArrayList<>();
        for (Worker worker : workers) {
            tasks.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < to) {
                    process(split, split.images().get(i), i - from, buf, worker);
                    listener.progressed(1);
                }
            }));
        }
        for (Future<?> task : tasks) {
            await(task);
        }
    }

    private void process(SplitSource split, SourceImage image, int slot, ShardBuffers buf, Worker worker) {
        buf.keys[slot] = image.key();
        buf.labels[slot] = (short) image.label();
        buf.failures[slot] = null;
        try {
            int length = worker.read(split.path(image));
            DecodedImage decoded = options.fast()
                    ? worker.decoder.decodeReduced(worker.file, length, FAST_MIN_SIDE_FACTOR * maxSize())
                    : worker.decoder.decode(worker.file, length);
            for (int t = 0; t < targets.size(); t++) {
                Target target = targets.get(t);
                worker.resampler.resize(decoded, target.size, target.size, options.filter(), buf.images[t],
                        slot * target.shape.bytesPerImage());
            }
        } catch (BadImageException e) {
            buf.failures[slot] = new Manifest.Skipped(split.name(), image.key(), e.reason().code(), e.getMessage());
        } catch (IOException e) {
            buf.failures[slot] = new Manifest.Skipped(split.name(), image.key(),
                    BadImageException.Reason.UNREADABLE.code(), "cannot read: " + e);
        } catch (RuntimeException | OutOfMemoryError e) {
            // one bad input never aborts a build: record it with what went wrong
            buf.failures[slot] = new Manifest.Skipped(split.name(), image.key(),
                    BadImageException.Reason.CORRUPT.code(), "decoder failed: " + e);
        }
    }

    /** Moves the records that decoded to the front, in order; returns how many there are. */
    private int compact(ShardBuffers buf, int count, List<Manifest.Skipped> skips) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (buf.failures[i] != null) {
                skips.add(buf.failures[i]);
                skippedCount.incrementAndGet();
                listener.skipped(buf.failures[i]);
                continue;
            }
            if (kept != i) {
                for (int t = 0; t < targets.size(); t++) {
                    int per = targets.get(t).shape.bytesPerImage();
                    System.arraycopy(buf.images[t], i * per, buf.images[t], kept * per, per);
                }
                buf.labels[kept] = buf.labels[i];
                buf.keys[kept] = buf.keys[i];
            }
            kept++;
        }
        return kept;
    }

    /** Writer thread: commits one shard for every size, then records it in each journal. */
    private void writeShard(String base, ShardBuffers buf, int count, List<Manifest.Skipped> skips)
            throws IOException {
        short[] labels = Arrays.copyOf(buf.labels, count);
        List<String> keys = Arrays.asList(Arrays.copyOf(buf.keys, count));
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            Manifest.Shard shard = ShardWriter.write(target.dir, base, target.shape, buf.images[t], labels, keys);
            target.stats.add(buf.images[t], 0, count, labels, 0);
            target.shards.add(shard);
            target.state.markFinished(base, new BuildState.ShardRecord(shard, skips));
        }
    }

    /** Writer thread: takes a shard finished by an earlier run into the statistics. */
    private void resumeShard(List<BuildState.ShardRecord> done) throws IOException {
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            Manifest.Shard shard = done.get(t).shard();
            byte[] images = readArray(target.dir.resolve(shard.images()));
            byte[] labelBytes = readArray(target.dir.resolve(shard.labels()));
            short[] labels = new short[(int) shard.count()];
            ByteBuffer.wrap(labelBytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(labels);
            target.stats.add(images, 0, labels.length, labels, 0);
            target.shards.add(shard);
        }
    }

    /**
     * The journal records of a shard if every size finished it and its files are intact; null if it must
     * be (re)built.
     */
    private List<BuildState.ShardRecord> finishedRecords(String base) throws IOException {
        List<BuildState.ShardRecord> records = new ArrayList<>();
        for (Target t : targets) {
            Optional<BuildState.ShardRecord> record = t.state.finished(base);
            if (record.isEmpty() || !intact(t.dir, record.get().shard())) {
                return null;
            }
            records.add(record.get());
        }
        return records;
    }

    private static boolean intact(Path dir, Manifest.Shard shard) throws IOException {
        for (String f : shard.files()) {
            Path file = dir.resolve(f);
            if (!Files.isRegularFile(file) || !DigestingWriter.sha256(file).equals(shard.sha256().get(f))) {
                return false;
            }
        }
        return true;
    }

    private long countResumable(SourceTree tree) throws IOException {
        long total = 0;
        for (SplitSource split : tree.splits()) {
            int n = (split.images().size() + options.shardSize() - 1) / options.shardSize();
            for (int k = 0; k < n; k++) {
                String base = ShardWriter.baseName(split.name(), k, n);
                boolean all = true;
                for (Target t : targets) {
                    all &= t.state.finished(base).isPresent();
                }
                if (all) {
                    total += Math.min(options.shardSize(), split.images().size() - (long) k * options.shardSize());
                }
            }
        }
        return total;
    }

    private static byte[] readArray(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Npy.Header header = Npy.parse(ByteBuffer.wrap(all), file.toString());
        return Arrays.copyOfRange(all, (int) header.dataOffset(), (int) (header.dataOffset() + header.dataLength()));
    }

    private int maxSize() {
        return options.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    private Map<String, Object> plan(SourceTree tree) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("format", Manifest.FORMAT);
        plan.put("input", options.input().toAbsolutePath().normalize().toString());
        plan.put("resample", options.filter().id());
        plan.put("decode", options.fast() ? "fast" : "exact");
        plan.put("class_order", tree.classOrder().id());
        plan.put("shard_size", options.shardSize());
        plan.put("max_pixels", options.maxPixels());
        plan.put("every_nth_class", options.scan().everyNthClass());
        plan.put("max_per_class", options.scan().maxPerClass());
        Map<String, Long> counts = new LinkedHashMap<>();
        tree.splits().forEach(s -> counts.put(s.name(), (long) s.images().size()));
        plan.put("inputs", counts);
        return plan;
    }

    /** A digest of the plan, the classes and every split's ordered (key, label) list. */
    private static String fingerprint(Map<String, Object> plan, SourceTree tree) throws IOException {
        MessageDigest digest = DigestingWriter.sha256();
        digest.update(Json.mapper().writeValueAsBytes(plan));
        tree.classes().forEach(c -> digest.update((c.index() + " " + c.wnid() + "\n").getBytes(StandardCharsets.UTF_8)));
        for (SplitSource split : tree.splits()) {
            digest.update(("split " + split.name() + "\n").getBytes(StandardCharsets.UTF_8));
            for (SourceImage image : split.images()) {
                digest.update((image.key() + "\t" + image.label() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private Manifest manifest(SourceTree tree, Target target, List<Manifest.Skipped> skipped) {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("size", target.size);
        opts.put(PLAN_KEY, target.fingerprint);
        opts.put("jpeg_decoder", ImageDecoder.jpegDecoder());
        opts.put("class_order", tree.classOrder().id());
        opts.put("shard_size", options.shardSize());
        opts.put("max_pixels", options.maxPixels());
        if (options.fast()) {
            opts.put("fast_min_side", FAST_MIN_SIDE_FACTOR * maxSize());
        }
        if (options.scan().everyNthClass() > 1) {
            opts.put("every_nth_class", options.scan().everyNthClass());
        }
        if (options.scan().maxPerClass() > 0) {
            opts.put("max_per_class", options.scan().maxPerClass());
        }
        if (!tree.notes().isEmpty()) {
            opts.put("notes", tree.notes());
        }
        Manifest.BuildInfo build = new Manifest.BuildInfo(Version.TOOL, tree.input().toString(), tree.layout(),
                options.filter().id(), options.fast() ? "fast" : "exact", opts, options.command());
        String name = target.dir.toAbsolutePath().normalize().getFileName().toString();
        return new Manifest(Manifest.FORMAT, name, target.shape, tree.classes(), tree.classOrder().id(),
                new LinkedHashMap<>(target.splits), build,
                List.copyOf(skipped), null);
    }

    /** Removes what a build writes into a dataset directory (and nothing else). */
    static void removeDataset(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Files.deleteIfExists(dir.resolve(ManifestIO.FILE));
        BuildState.deleteRecursively(dir.resolve(BuildState.DIR));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{npy,keys.txt,npy.tmp,txt.tmp}")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.delete(f);
                }
            }
        }
    }

    private static void await(Future<?> future) throws IOException {
        if (future != null) {
            Concurrency.await(future, "build");
        }
    }
}
