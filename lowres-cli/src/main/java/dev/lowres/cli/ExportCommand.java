package dev.lowres.cli;

import dev.lowres.data.interop.ExportFormat;
import dev.lowres.data.interop.ExportOptions;
import dev.lowres.data.interop.ExportResult;
import dev.lowres.data.interop.Exporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres export}: a dataset to the published file layout. */
@Command(name = "export",
        description = {"Export a dataset as the published downsampled-ImageNet npz files.",
            "",
            "Writes train_data_batch_1..N.npz and <split>_data.npz for the other splits, each holding data "
                + "(uint8, N x 3*S*S), labels (int64, 1-based map_clsloc.txt order, mapped by wnid) and mean "
                + "(the train mean image), as numpy.load reads them. Importing them back gives the same "
                + "records.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:bad option", "66:not a dataset, or not exportable (the reason is named)",
            "73:the output holds npz batches (use --overwrite)", "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class ExportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-f", "--format"}, defaultValue = "imagenet32-npz", paramLabel = "FORMAT",
            description = "imagenet32-npz (the only one so far).")
    String format;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "The dataset directory.")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where the npz files go.")
    Path output;

    @Option(names = "--train-batches", defaultValue = "10", paramLabel = "N",
            description = "Number of train batch files. Default: ${DEFAULT-VALUE}, as published.")
    int trainBatches;

    @Option(names = "--overwrite", description = "Replace npz batches already in the output.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ExportOptions options = ExportOptions.of(data, output).withFormat(ExportFormat.parse(format))
                .withTrainBatches(trainBatches).withOverwrite(overwrite);
        ExportResult result;
        try (Progress.Deferred bar = Progress.deferred("export", "rec", common.quiet)) {
            result = Exporter.run(options, bar);
        }
        long total = result.records().values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "exported %,d records into %d files in %.1f s%n  -> %s%n", total,
                result.files().size(), result.elapsed().toMillis() / 1000.0, result.output());
        return ExitCodes.OK;
    }
}
