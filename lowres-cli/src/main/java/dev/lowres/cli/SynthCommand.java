package dev.lowres.cli;

import dev.lowres.data.synth.SynthOptions;
import dev.lowres.data.synth.SynthResult;
import dev.lowres.data.synth.SyntheticImageNet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres synth}: a synthetic ILSVRC-style JPEG tree. */
@Command(name = "synth",
        description = {"Write a synthetic ILSVRC-style JPEG tree that a small network can learn.",
            "",
            "train/<wnid>/<wnid>_<n>.JPEG and a flat val/ with LOC_val_solution.csv; real wnids spread over the "
                + "1000 classes; each class a shape, hue and texture; varied sizes and aspect ratios, some "
                + "grayscale, a PNG named .JPEG, a progressive JPEG and three broken files that a build must skip. "
                + "The same options give the same bytes.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:bad option", "73:the output is not empty and not an earlier synth tree",
            "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class SynthCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where the tree goes.")
    Path output;

    @Option(names = "--classes", defaultValue = "10", paramLabel = "N", description = "Classes, 2..1000. Default: 10.")
    int classes;

    @Option(names = "--train-per-class", defaultValue = "60", paramLabel = "N",
            description = "Training images per class. Default: 60.")
    int trainPerClass;

    @Option(names = "--val-per-class", defaultValue = "10", paramLabel = "N",
            description = "Validation images per class. Default: 10.")
    int valPerClass;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed. Default: 0.")
    long seed;

    @Option(names = "--min-side", defaultValue = "96", paramLabel = "PX", description = "Smallest side. Default: 96.")
    int minSide;

    @Option(names = "--max-side", defaultValue = "400", paramLabel = "PX", description = "Largest side. Default: 400.")
    int maxSide;

    @Option(names = "--no-broken-files", description = "Write no broken files.")
    boolean noBroken;

    @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--overwrite", description = "Replace a tree written earlier by lowres synth.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SynthOptions options = SynthOptions.defaults().withClasses(classes).withPerClass(trainPerClass, valPerClass)
                .withSeed(seed).withSides(minSide, maxSide).withBrokenFiles(noBroken ? 0 : 3)
                .withThreads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                .withOverwrite(overwrite);
        long start = System.nanoTime();
        SynthResult result;
        try (Progress bar = Progress.start("synth", options.totalFiles(), 0, "img", common.quiet)) {
            result = SyntheticImageNet.write(output, options, bar::step);
        }
        out.printf(Locale.ROOT, "wrote %,d images (%d classes: train %,d, val %,d; %d broken on purpose), %.1f MB, "
                        + "in %.1f s%n  -> %s%n", result.files(), result.classes().size(), result.trainFiles(),
                result.valFiles(), result.brokenFiles().size(), result.bytes() / 1e6,
                (System.nanoTime() - start) / 1e9, result.root());
        return ExitCodes.OK;
    }
}
