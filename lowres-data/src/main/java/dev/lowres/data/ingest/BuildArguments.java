package dev.lowres.data.ingest;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.image.ResampleFilter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of a build on the command line, as a picocli mixin: {@code lowres build} and the Spark build
 * ({@code lowres spark-build}, {@code spark-submit ... BuildJob}) take the same ones with the same help, and
 * give the same {@link BuildOptions}.
 */
public final class BuildArguments {
    @Option(names = {"-i", "--input"}, required = true, paramLabel = "DIR", description = "The JPEG tree.")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "The dataset directory; with several sizes, one <S>x<S> folder per size inside it.")
    String output;

    @Option(names = {"-s", "--size"}, split = ",", paramLabel = "S", defaultValue = "32",
            description = "Output size(s) in pixels, e.g. 32 or 16,32,64 (one decode serves all). Default: 32.")
    List<Integer> sizes;

    @Option(names = "--resample", paramLabel = "FILTER", defaultValue = "box",
            description = "box (default, as published), nearest, bilinear, bicubic, hamming, lanczos.")
    String resample;

    @Option(names = "--class-order", paramLabel = "ORDER", defaultValue = "sorted",
            description = "sorted (default: sorted wnids, tench = 0, as torchvision) or imagenet32 "
                    + "(the published files' map_clsloc.txt order).")
    String classOrder;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "auto",
            description = "How class folders name their classes: auto (default: imagenetv2 when every class "
                    + "folder is a number 0..999, else wnid), wnid (each folder is named by its class, a wnid or "
                    + "any name), or imagenetv2 (folder k = the k-th of the 1000 sorted ILSVRC-2012 wnids; "
                    + "fails naming a folder that is not such a number).")
    String layout;

    @Option(names = "--fast",
            description = "Decode JPEGs at 1/2, 1/4 or 1/8 scale in the DCT domain (both sides kept >= 2x the "
                    + "largest size), then resample with the filter's full-size weights. Not identical to the "
                    + "reference: mean absolute difference from the exact build 0.97 / 0.78 / 0.55 levels (of 255) "
                    + "at 16 / 32 / 64 px on real photos, 0.50 / 0.28 / 0.27 on the shared fixtures; about twice "
                    + "as fast (BENCHMARKS.md).")
    boolean fast;

    @Option(names = "--every-nth-class", paramLabel = "N", defaultValue = "1",
            description = "Keep every N-th class of the sorted folder list, as the published resizer's -e.")
    int everyNthClass;

    @Option(names = "--max-per-class", paramLabel = "K", defaultValue = "0",
            description = "Keep at most K images per class (the first by file name). 0 keeps all.")
    int maxPerClass;

    @Option(names = "--val-labels", paramLabel = "FILE",
            description = "Labels of a flat val folder: LOC_val_solution.csv, the ILSVRC2015 clsloc ground "
                    + "truth, or 'file wnid' lines. Default: found beside the tree, else the bundled ground truth.")
    String valLabels;

    @Option(names = "--split", paramLabel = "NAME",
            description = "Split name for a tree that is not an ILSVRC root (default: train; val for a flat folder "
                    + "or the imagenetv2 layout).")
    String split;

    @Option(names = "--shard-size", paramLabel = "N", defaultValue = "" + BuildOptions.DEFAULT_SHARD_SIZE,
            description = "Records per shard (the unit of work and of resumption). Default: ${DEFAULT-VALUE}.")
    int shardSize;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + ImageHeader.PIL_PIXEL_LIMIT,
            description = "Refuse images whose header declares more pixels, before decoding (decompression "
                    + "bombs). Default: PIL's limit, ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(names = "--overwrite", description = "Replace a dataset or an unfinished build of other options.")
    boolean overwrite;

    /**
     * The build these options describe, on this machine's file systems; threads and the command line are the
     * caller's.
     *
     * @throws IllegalArgumentException naming the option whose value is wrong
     */
    public BuildOptions.Builder toOptions() {
        return toOptions(PathResolver.LOCAL);
    }

    /**
     * The build these options describe, with paths as {@code paths} reads them.
     *
     * @throws IllegalArgumentException naming the option whose value is wrong
     */
    public BuildOptions.Builder toOptions(PathResolver paths) {
        return BuildOptions.builder()
                .input(path("--input", input, paths)).output(path("--output", output, paths)).sizes(sizes)
                .filter(ResampleFilter.parse(resample))
                .classOrder(ClassOrder.parse(classOrder))
                .layout(TreeLayout.parse(layout))
                .fast(fast).everyNthClass(everyNthClass).maxPerClass(maxPerClass)
                .valLabels(valLabels == null ? null : path("--val-labels", valLabels, paths)).splitName(split).shardSize(shardSize).maxPixels(maxPixels)
                .overwrite(overwrite);
    }

    private static Path path(String option, String value, PathResolver paths) {
        try {
            return paths.resolve(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(option + ": not a path: " + value + " (" + e.getReason() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Whether JPEGs are decoded in fast mode (for the summary). */
    public boolean fast() {
        return fast;
    }
}
