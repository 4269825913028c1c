package dev.lowres.cli;

import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.store.ManifestIO;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lowres verify}: re-check every file of a dataset. */
@Command(name = "verify",
        description = {"Re-check every file of a dataset against its manifest.",
            "",
            "Every file present, npy headers of the right shape, no truncated file, labels in range, one key "
                + "per record, every SHA-256. Each problem is printed with the file it concerns.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:intact", "65:a file is missing, truncated, changed or malformed (each is named)",
            "66:not a dataset (or an unfinished build)"},
        mixinStandardHelpOptions = true)
final class VerifyCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "DIR", description = "The dataset directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long total = DatasetVerifier.totalBytes(dir, ManifestIO.read(dir));
        DatasetVerifier.Report report;
        long start = System.nanoTime();
        try (Progress bar = Progress.bytes("verify", total, common.quiet)) {
            report = DatasetVerifier.verify(dir, bar::step);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (report.ok()) {
            out.printf(Locale.ROOT, "OK: %,d records, %d files, %.1f MiB verified in %.1f s%n", report.records(),
                    report.files(), report.bytes() / 1048576.0, seconds);
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("FAILED: %d problem%s in %s%n", report.problems().size(),
                report.problems().size() == 1 ? "" : "s", dir);
        report.problems().forEach(p -> err.println("  " + p));
        err.flush();
        return ExitCodes.DATA;
    }
}
