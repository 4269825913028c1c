package dev.lowres.data.ingest;

import dev.lowres.data.store.DigestingWriter;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build will do before it does any of it: the scanned inputs in their order with their labels, the
 * shards they are cut into, and a fingerprint of inputs and options that identifies the build (a rerun with
 * the same fingerprint resumes; a dataset of another fingerprint is never mixed in). The same plan drives a
 * local build ({@link DatasetBuilder}) and a cluster build, so both make the same bytes.
 */
public final class BuildPlan {
    private final BuildOptions options;
    private final SourceTree tree;
    private final Map<String, Object> description;
    private final String fingerprint;
    private final List<PlannedShard> shards;

    private BuildPlan(BuildOptions options, SourceTree tree) throws IOException {
        this.options = options;
        this.tree = tree;
        this.description = describe(options, tree);
        this.fingerprint = fingerprint(description, tree);
        List<PlannedShard> all = new ArrayList<>();
        for (int s = 0; s < tree.splits().size(); s++) {
            SplitSource split = tree.splits().get(s);
            int n = (split.images().size() + options.shardSize() - 1) / options.shardSize();
            for (int k = 0; k < n; k++) {
                int from = k * options.shardSize();
                all.add(new PlannedShard(split.name(), s, k, n, from,
                        Math.min(split.images().size(), from + options.shardSize())));
            }
        }
        this.shards = List.copyOf(all);
    }

    /**
     * Scans the input and plans the build.
     *
     * @throws IllegalArgumentException when the output lies inside the input (a later build would read the
     *                                  dataset as input), or the options do not fit the tree
     * @throws SourceException when the input cannot be read as a dataset source, or has no input files
     */
    public static BuildPlan scan(BuildOptions options) throws IOException, SourceException {
        refuseOutputInsideInput(options);
        SourceTree tree = TreeScanner.scan(options.input(), options.scan());
        if (tree.totalImages() == 0) {
            throw new SourceException(options.input() + " has no input files");
        }
        return new BuildPlan(options, tree);
    }

    public BuildOptions options() {
        return options;
    }

    public SourceTree tree() {
        return tree;
    }

    /** The shards in build order: split by split, in order within each. */
    public List<PlannedShard> shards() {
        return shards;
    }

    /** The split a shard belongs to. */
    public SplitSource split(PlannedShard shard) {
        return tree.splits().get(shard.splitIndex());
    }

    /** The inputs of a shard, in record order. */
    public List<SourceImage> inputs(PlannedShard shard) {
        return split(shard).images().subList(shard.from(), shard.to());
    }

    /** The most inputs any shard has. */
    public int largestShard() {
        return shards.stream().mapToInt(PlannedShard::inputs).max().orElse(1);
    }

    /** A digest of the plan, the classes and every split's ordered (key, label) list. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The options and input counts the fingerprint covers, as the journal records them. */
    public Map<String, Object> description() {
        return description;
    }

    private static Map<String, Object> describe(BuildOptions options, SourceTree tree) {
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
        return java.util.Collections.unmodifiableMap(plan);
    }

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

    /**
     * Refuses an output inside the input: a second build would read the dataset directory as a class folder
     * (or its files as inputs). Symbolic links are followed for the parts that exist.
     */
    private static void refuseOutputInsideInput(BuildOptions options) throws IOException {
        Path input = realPath(options.input());
        Path output = realPath(options.output());
        if (output.startsWith(input)) {
            throw new IllegalArgumentException("--output " + options.output() + " is inside --input "
                    + options.input() + (output.equals(input) ? " (the same folder)" : "")
                    + ": a later build would read the dataset as input; choose an output outside the input tree");
        }
    }

    /** The real path of the longest existing ancestor of {@code path}, with the rest appended. */
    private static Path realPath(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? absolute : existing.toRealPath().resolve(existing.relativize(absolute));
    }
}
