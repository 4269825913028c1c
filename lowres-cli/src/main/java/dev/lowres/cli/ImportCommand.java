package dev.lowres.cli;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.interop.ImportFormat;
import dev.lowres.data.interop.ImportOptions;
import dev.lowres.data.interop.ImportResult;
import dev.lowres.data.interop.Importer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres import}: published array files to a dataset. */
@Command(name = "import",
        description = {"Import published downsampled-ImageNet, CIFAR or MNIST-style files as a dataset.",
            "",
            "Formats: imagenet32-pickle (train_data_batch_1..10 and val_data, any size), imagenet32-npz (the "
                + "same as .npz), cifar10 and cifar100 (binary versions), idx (MNIST; .gz too) and "
                + "fashion-mnist (IDX with the Fashion-MNIST class names).",
            "",
            "ImageNet labels are 1-based in map_clsloc.txt order in those files; they are remapped by wnid into "
                + "the dataset's class order (sorted wnids by default), never by number.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:bad option", "66:input missing or malformed (the file is named)",
            "73:output holds a dataset", "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class ImportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-f", "--format"}, required = true, paramLabel = "FORMAT",
            description = "imagenet32-pickle, imagenet32-npz, cifar10, cifar100, idx, fashion-mnist.")
    String format;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "DIR", description = "The folder of files.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The dataset directory.")
    Path output;

    @Option(names = "--class-order", paramLabel = "ORDER",
            description = "ImageNet formats: sorted (default) or imagenet32 (map_clsloc.txt order).")
    String classOrder;

    @Option(names = "--class-names", split = ",", paramLabel = "NAME",
            description = "IDX: class names in label order (default: the digits; Fashion-MNIST's for fashion-mnist).")
    List<String> classNames;

    @Option(names = "--shard-size", paramLabel = "N", defaultValue = "" + BuildOptions.DEFAULT_SHARD_SIZE,
            description = "Records per shard. Default: ${DEFAULT-VALUE}.")
    int shardSize;

    @Option(names = "--overwrite", description = "Replace an existing dataset.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ImportOptions options = ImportOptions.of(ImportFormat.parse(format), input, output)
                .withShardSize(shardSize).withOverwrite(overwrite).withCommand(CommandLines.current(spec));
        if (classOrder != null) {
            options = options.withClassOrder(ClassOrder.parse(classOrder));
        }
        if (classNames != null) {
            options = options.withClassNames(classNames);
        }
        ImportResult result;
        try (Progress.Deferred bar = Progress.deferred("import", "rec", common.quiet)) {
            result = Importer.run(options, bar);
        }
        StringBuilder splits = new StringBuilder();
        result.records().forEach((k, v) -> splits.append(splits.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
        out.printf(Locale.ROOT, "imported %,d records (%s) from %s in %.1f s%n  -> %s%n", result.totalRecords(),
                splits, result.format().id(), result.elapsed().toMillis() / 1000.0, result.dataset());
        return ExitCodes.OK;
    }
}
