package dev.lowres.cli;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.ingest.SourceTree;
import dev.lowres.data.ingest.TreeLayout;
import dev.lowres.data.store.EmptyClasses;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres build}: a JPEG tree to one dataset per size. */
@Command(name = "build",
        description = {"Build downsampled datasets from a JPEG tree, byte for byte as the published scripts.",
            "",
            "The default build gives the bytes of the published PIL pipeline: Image.open -> convert('RGB') "
                + "-> resize((S, S), BOX), no EXIF rotation, no aspect-ratio preservation.",
            "",
            "Input layouts: an ILSVRC root with train/<wnid>/ and val/ (val in class folders, or flat with "
                + "LOC_val_solution.csv or the ILSVRC2015 clsloc ground truth, which is bundled); Kaggle's "
                + "Data/CLS-LOC; any class-per-folder tree; ImageNetV2's folders 0..999; a flat folder with "
                + "--val-labels.",
            "",
            "ImageNetV2 (e.g. imagenetv2-matched-frequency-format-val): folder k holds class k of the 1000 sorted "
                + "ILSVRC-2012 wnids (0 = tench n01440764). --layout auto reads a tree as ImageNetV2 when every "
                + "class folder is a number 0..999 and one is 100 or more (0..9 or 0..99 are MNIST- or CIFAR-like "
                + "class names unless forced); the dataset then has all 1000 classes (label k for folder k "
                + "with --class-order sorted) and one split, val.",
            "",
            "Bad inputs are skipped and listed in the manifest with a reason. A killed build resumes where it "
                + "stopped when run again with the same options.", ""},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:success",
            "2:bad option, e.g. --layout imagenetv2 on folders that are not 0..999", "66:input not found",
            "73:output holds a dataset of other inputs, another build's journal, or another build is writing it", "74:I/O error, e.g. disk full (finished shards are kept)"},
        sortOptions = false, mixinStandardHelpOptions = true)
final class BuildCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "DIR", description = "The JPEG tree.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "The dataset directory; with several sizes, one <S>x<S> folder per size inside it.")
    Path output;

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

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "Worker threads. Default: the number of cores. The output is the same for any N.")
    Integer threads;

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
    Path valLabels;

    @Option(names = "--split", paramLabel = "NAME",
            description = "Split name for a tree that is not an ILSVRC root (default: train; val for a flat folder "
                    + "or the imagenetv2 layout).")
    String split;

    @Option(names = "--shard-size", paramLabel = "N", defaultValue = "" + BuildOptions.DEFAULT_SHARD_SIZE,
            description = "Records per shard (the unit of resumption). Default: ${DEFAULT-VALUE}.")
    int shardSize;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + ImageHeader.PIL_PIXEL_LIMIT,
            description = "Refuse images whose header declares more pixels, before decoding (decompression "
                    + "bombs). Default: PIL's limit, ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(names = "--overwrite", description = "Replace a dataset or an unfinished build of other options.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BuildOptions options = BuildOptions.builder()
                .input(input).output(output).sizes(sizes)
                .filter(ResampleFilter.parse(resample))
                .classOrder(ClassOrder.parse(classOrder))
                .layout(TreeLayout.parse(layout))
                .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                .fast(fast).everyNthClass(everyNthClass).maxPerClass(maxPerClass)
                .valLabels(valLabels).splitName(split).shardSize(shardSize).maxPixels(maxPixels)
                .overwrite(overwrite)
                .command(CommandLines.current(spec))
                .build();
        BuildResult result;
        try (Progress.Deferred bar = Progress.deferred("build", "img", common.quiet)) {
            result = DatasetBuilder.build(options, new BuildListener() {
                @Override
                public void scanned(SourceTree tree) {
                    out.printf(Locale.ROOT, "found %,d inputs in %d classes (%s layout): %s%n", tree.totalImages(),
                            tree.classes().size(), tree.layout(), splitCounts(tree));
                    tree.notes().forEach(n -> out.println("  note: " + n));
                    out.flush();
                }

                @Override
                public void started(long total, long resumed) {
                    if (resumed > 0) {
                        out.printf(Locale.ROOT, "resuming: %,d inputs are in shards finished by an earlier run%n",
                                resumed);
                        out.flush();
                    }
                    bar.started(total, resumed);
                }

                @Override
                public void progressed(long n) {
                    bar.progressed(n);
                }
            });
        }
        if (result.alreadyBuilt()) {
            out.printf(Locale.ROOT, "already built with these inputs and options (%,d records: %s); nothing to do%n",
                    result.totalRecords(), describe(result.records()));
            reportEmptyClasses(out, result.emptyClasses());
            result.datasets().forEach(d -> out.println("  -> " + d));
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "built %,d records (%s), skipped %,d bad inputs%s, in %.1f s (%,.0f images/s, "
                        + "%s decode)%n",
                result.totalRecords(), describe(result.records()), result.skippedCount(),
                result.skippedCount() > 0 ? " " + result.skippedByReason() + " (listed in manifest.json 'skipped')" : "",
                result.elapsed().toMillis() / 1000.0, result.imagesPerSecond(), fast ? "fast" : "exact");
        reportEmptyClasses(out, result.emptyClasses());
        result.datasets().forEach(d -> out.println("  -> " + d));
        return ExitCodes.OK;
    }

    /** Warns of classes that got no record (every input of the folder bad, or none). */
    private static void reportEmptyClasses(PrintWriter out, List<EmptyClasses> empty) {
        empty.forEach(e -> out.println("  warning: " + e.describe()));
    }

    private static String splitCounts(SourceTree tree) {
        StringBuilder sb = new StringBuilder();
        tree.splits().forEach(s -> sb.append(sb.length() == 0 ? "" : ", ").append(s.name()).append(' ')
                .append(String.format(Locale.ROOT, "%,d", s.images().size())));
        return sb.toString();
    }

    private static String describe(Map<String, Long> records) {
        StringBuilder sb = new StringBuilder();
        records.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
        return sb.toString();
    }
}
