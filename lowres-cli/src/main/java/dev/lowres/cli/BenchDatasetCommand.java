package dev.lowres.cli;

import dev.lowres.data.bench.SyntheticArrays;
import dev.lowres.data.ingest.BuildOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres bench dataset}: synthetic pixels in the dataset format, as many as a benchmark needs. */
@Command(name = "dataset",
        description = {"Write a dataset of synthetic pixels for loader and disk benchmarks.",
            "",
            "Records go straight into the dataset format (no JPEGs), so a 64 px split larger than memory takes "
                + "minutes, not hours.", ""},
        mixinStandardHelpOptions = true, sortOptions = false)
final class BenchDatasetCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The dataset directory.")
    Path output;

    @Option(names = "--records", required = true, paramLabel = "N", description = "Train records.")
    long records;

    @Option(names = {"-s", "--size"}, defaultValue = "32", paramLabel = "S", description = "Side. Default: 32.")
    int size;

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "N", description = "Default: 1000.")
    int classes;

    @Option(names = "--shard-size", defaultValue = "" + BuildOptions.DEFAULT_SHARD_SIZE, paramLabel = "N",
            description = "Records per shard. Default: ${DEFAULT-VALUE}.")
    int shardSize;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || size < 1 || classes < 1 || classes > Short.MAX_VALUE) {
            throw new IllegalArgumentException("--records, --size and --classes must be positive (classes <= 32767)");
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (Progress bar = Progress.start("dataset", records, 0, "rec", common.quiet)) {
            SyntheticArrays.write(output, records, size, classes, shardSize, bar::step);
        }
        out.printf(Locale.ROOT, "wrote %,d synthetic %dx%d records (%.1f GB) in %.0f s%n  -> %s%n", records, size, size,
                records * 3.0 * size * size / 1e9, (System.nanoTime() - start) / 1e9, output);
        return ExitCodes.OK;
    }
}
