package dev.lowres.data.ingest;

import dev.lowres.data.Version;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.store.BuildLock;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DigestingWriter;
import dev.lowres.data.store.EmptyClasses;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ManifestIO;
import dev.lowres.data.store.Npy;
import dev.lowres.data.store.OutputInUseException;
import dev.lowres.data.store.SplitStatistics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The output side of one build, whoever makes the shards: it holds the output directories' locks, opens or
 * resumes each size's journal, takes in finished shards in any order ({@link #commit}), and at the end
 * writes the statistics and the manifests ({@link #finish}), the manifest last: the commit point of the
 * dataset. A size whose dataset this very build made before is left as it is ({@link #alreadyBuilt}).
 * Shards committed by an earlier, interrupted run are found by {@link #finished} and taken in by
 * {@link #resume} without being made again.
 */
public final class BuildSession implements AutoCloseable {
    /** The manifest option that identifies the build's inputs and options. */
    static final String PLAN_KEY = "plan_sha256";

    private final BuildPlan plan;
    private final List<BuildLock> locks = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<Path> finishedBefore = new ArrayList<>();
    private final Map<PlannedShard, List<Manifest.Skipped>> skipped = new LinkedHashMap<>();
    private long resumed;

    /** One output dataset (one size) still to be made. */
    private static final class Target {
        final int size;
        final Path dir;
        final Manifest.ImageShape shape;
        final String fingerprint;
        BuildState state;
        final List<SplitStatistics> stats = new ArrayList<>();
        final List<Manifest.Shard[]> shards = new ArrayList<>();

        Target(int size, Path dir, String fingerprint) {
            this.size = size;
            this.dir = dir;
            this.shape = new Manifest.ImageShape(size, size, 3);
            this.fingerprint = fingerprint;
        }
    }

    private BuildSession(BuildPlan plan) {
        this.plan = plan;
    }

    /**
     * Locks every size's directory and opens (or resumes) its journal.
     *
     * @throws OutputInUseException when another build is writing a directory, or it holds a dataset or an
     *                              unfinished build of other inputs or options
     */
    public static BuildSession open(BuildPlan plan) throws IOException, DatasetException {
        BuildSession session = new BuildSession(plan);
        try {
            session.openTargets();
        } catch (IOException | DatasetException | RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    private void openTargets() throws IOException, DatasetException {
        BuildOptions options = plan.options();
        for (int size : options.sizes()) {
            Target target = new Target(size, options.datasetDir(size), plan.fingerprint() + "/" + size);
            locks.add(BuildLock.acquire(target.dir));
            if (options.overwrite()) {
                removeDataset(target.dir);
            } else if (builtBefore(target)) {
                // a killed multi-size build may have committed some sizes: they are done
                finishedBefore.add(target.dir);
                continue;
            }
            Map<String, Object> sizedPlan = new LinkedHashMap<>(plan.description());
            sizedPlan.put("size", size);
            target.state = BuildState.open(target.dir, target.fingerprint, sizedPlan);
            for (SplitSource split : plan.tree().splits()) {
                target.stats.add(new SplitStatistics(target.shape, plan.tree().classes().size()));
                target.shards.add(new Manifest.Shard[(int) plan.shards().stream()
                        .filter(s -> s.split().equals(split.name())).count()]);
            }
            targets.add(target);
        }
    }

    /** Whether every size was built before by this very build: nothing to do. */
    public boolean alreadyBuilt() {
        return targets.isEmpty();
    }

    /** The sizes still to make, and how: the spec every shard is made with. */
    public RecordSpec spec() {
        BuildOptions options = plan.options();
        return new RecordSpec(targets.stream().map(t -> t.size).toList(), options.filter(), options.fast(),
                options.maxPixels());
    }

    /** The dataset directories of the sizes still to make, in the spec's order. */
    public List<Path> directories() {
        return targets.stream().map(t -> t.dir).toList();
    }

    /**
     * A shard an earlier run finished: its journal records and its statistics in every size, summed from the
     * same bytes that were checked against the journal's digests (each file is read once).
     */
    public record FinishedShard(List<BuildState.ShardRecord> records, List<SplitStatistics> statistics) {
    }

    /**
     * The shard as an earlier run finished it, if every size did and its files are intact; empty if it must
     * be (re)made.
     */
    public Optional<FinishedShard> finished(PlannedShard shard) throws IOException {
        List<BuildState.ShardRecord> records = new ArrayList<>();
        List<SplitStatistics> statistics = new ArrayList<>();
        for (Target t : targets) {
            Optional<BuildState.ShardRecord> record = t.state.finished(shard.baseName());
            Optional<SplitStatistics> stats = record.isEmpty() ? Optional.empty()
                    : statisticsIfIntact(t, record.get().shard());
            if (stats.isEmpty()) {
                return Optional.empty();
            }
            records.add(record.get());
            statistics.add(stats.get());
        }
        return Optional.of(new FinishedShard(records, statistics));
    }

    /** The statistics of a committed shard's records if its three files match their digests. */
    private Optional<SplitStatistics> statisticsIfIntact(Target target, Manifest.Shard files) throws IOException {
        byte[] images = null;
        byte[] labels = null;
        for (String f : files.files()) {
            Path file = target.dir.resolve(f);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            if (!HexFormat.of().formatHex(DigestingWriter.sha256().digest(bytes)).equals(files.sha256().get(f))) {
                return Optional.empty();
            }
            images = f.equals(files.images()) ? bytes : images;
            labels = f.equals(files.labels()) ? bytes : labels;
        }
        short[] labelValues = new short[(int) files.count()];
        ByteBuffer.wrap(Npy.data(labels, files.labels())).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer()
                .get(labelValues);
        SplitStatistics stats = new SplitStatistics(target.shape, plan.tree().classes().size());
        stats.add(Npy.data(images, files.images()), 0, labelValues.length, labelValues, 0);
        return Optional.of(stats);
    }

    /** Inputs in shards that an earlier run finished (for the progress display). */
    public long resumable() throws IOException {
        long total = 0;
        for (PlannedShard shard : plan.shards()) {
            boolean all = true;
            for (Target t : targets) {
                all &= t.state.finished(shard.baseName()).isPresent();
            }
            total += all ? shard.inputs() : 0;
        }
        return total;
    }

    /** Takes in a shard that an earlier run finished ({@link #finished}). */
    public synchronized void resume(PlannedShard shard, FinishedShard finished) {
        take(shard, finished.records().stream().map(BuildState.ShardRecord::shard).toList(), finished.statistics(),
                finished.records().get(0).skipped());
        resumed += shard.inputs();
    }

    /**
     * Takes in a shard whose files are in place under their final names, and records it in every size's
     * journal: a rerun will not make it again.
     */
    public synchronized void commit(PlannedShard shard, ShardOutcome outcome) throws IOException {
        if (outcome.shards().size() != targets.size()) {
            throw new IllegalArgumentException("shard " + shard.baseName() + " has " + outcome.shards().size()
                    + " sizes, the build makes " + targets.size());
        }
        for (int t = 0; t < targets.size(); t++) {
            targets.get(t).state.markFinished(shard.baseName(),
                    new BuildState.ShardRecord(outcome.shards().get(t), outcome.skipped()));
        }
        take(shard, outcome.shards(), outcome.statistics(), outcome.skipped());
    }

    private void take(PlannedShard shard, List<Manifest.Shard> files, List<SplitStatistics> statistics,
                      List<Manifest.Skipped> skips) {
        if (skipped.containsKey(shard)) {
            throw new IllegalStateException("shard " + shard.baseName() + " taken in twice");
        }
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            target.shards.get(shard.splitIndex())[shard.index()] = files.get(t);
            target.stats.get(shard.splitIndex()).merge(statistics.get(t));
        }
        skipped.put(shard, List.copyOf(skips));
    }

    /**
     * Writes each size's mean images and manifest (the manifest last) and removes the journals.
     *
     * @param startNanos when the build started ({@link System#nanoTime}), for the summary
     * @throws IllegalStateException when a planned shard was never committed
     */
    public synchronized BuildResult finish(long startNanos) throws IOException, DatasetException {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (alreadyBuilt()) {
            Manifest built = ManifestIO.read(finishedBefore.get(0));
            Map<String, Long> records = new LinkedHashMap<>();
            built.splits().forEach((k, v) -> records.put(k, v.count()));
            return new BuildResult(finishedBefore, records, built.skipped() == null ? List.of() : built.skipped(),
                    plan.tree().totalImages(), EmptyClasses.of(built), elapsed, true);
        }
        List<Manifest.Skipped> allSkipped = new ArrayList<>();
        for (PlannedShard shard : plan.shards()) {
            List<Manifest.Skipped> skips = skipped.get(shard);
            if (skips == null) {
                throw new IllegalStateException("shard " + shard.baseName() + " was never made");
            }
            allSkipped.addAll(skips);
        }
        Map<String, Long> records = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>(finishedBefore);
        List<EmptyClasses> empty = List.of();
        for (Target t : targets) {
            Manifest manifest = manifest(t, splits(t), allSkipped);
            ManifestIO.write(t.dir, manifest);
            t.state.complete();
            dirs.add(t.dir);
            empty = EmptyClasses.of(manifest);
            manifest.splits().forEach((k, v) -> records.put(k, v.count()));
        }
        dirs.sort(Comparator.comparing(Path::toString));
        return new BuildResult(dirs, records, allSkipped, resumed, empty, elapsed, false);
    }

    private Map<String, Manifest.Split> splits(Target t) throws IOException {
        Map<String, Manifest.Split> splits = new LinkedHashMap<>();
        for (int s = 0; s < plan.tree().splits().size(); s++) {
            String name = plan.tree().splits().get(s).name();
            SplitStatistics stats = t.stats.get(s);
            String meanFile = name + ".mean.npy";
            String meanDigest = stats.writeMeanImage(t.dir.resolve(meanFile));
            splits.put(name, new Manifest.Split(stats.count(), List.of(t.shards.get(s)), stats.mean(), stats.std(),
                    new Manifest.FileRef(meanFile, meanDigest), stats.classCounts()));
        }
        return splits;
    }

    private Manifest manifest(Target target, Map<String, Manifest.Split> splits, List<Manifest.Skipped> skips) {
        BuildOptions options = plan.options();
        SourceTree tree = plan.tree();
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("size", target.size);
        opts.put(PLAN_KEY, target.fingerprint);
        opts.put("jpeg_decoder", ImageDecoder.jpegDecoder());
        opts.put("class_order", tree.classOrder().id());
        opts.put("shard_size", options.shardSize());
        opts.put("max_pixels", options.maxPixels());
        if (options.fast()) {
            opts.put("fast_min_side", RecordMaker.FAST_MIN_SIDE_FACTOR * options.sizes().stream()
                    .mapToInt(Integer::intValue).max().orElseThrow());
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
        return new Manifest(Manifest.FORMAT, name, target.shape, tree.classes(), tree.classOrder().id(), splits,
                build, List.copyOf(skips), null);
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
                } catch (IOException e) {
                    throw new DatasetException(target.dir + ": cannot remove the finished build's journal: " + e);
                }
            }
            return true;
        }
        throw new OutputInUseException(target.dir + " already holds a finished dataset of other inputs or options; "
                + "use --overwrite to replace it");
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

    /** Releases the output directories' locks. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (BuildLock lock : locks) {
            try {
                lock.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        locks.clear();
        if (first != null) {
            throw first;
        }
    }
}
