package dev.lowres.cli;

import dev.lowres.data.ingest.BuildArguments;
import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.BuildSummary;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.ingest.SourceTree;
import java.io.PrintWriter;
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

    @Mixin
    BuildArguments build;

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "Worker threads. Default: the number of cores. The output is the same for any N.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BuildOptions options = build.toOptions()
                .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                .command(CommandLines.current(spec))
                .build();
        BuildResult result;
        try (Progress.Deferred bar = Progress.deferred("build", "img", common.quiet)) {
            result = DatasetBuilder.build(options, new BuildListener() {
                @Override
                public void scanned(SourceTree tree) {
                    BuildSummary.scanned(tree).forEach(out::println);
                    out.flush();
                }

                @Override
                public void started(long total, long resumed) {
                    if (resumed > 0) {
                        out.println(BuildSummary.resuming(resumed));
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
        BuildSummary.finished(result, build.fast()).forEach(out::println);
        return ExitCodes.OK;
    }
}
