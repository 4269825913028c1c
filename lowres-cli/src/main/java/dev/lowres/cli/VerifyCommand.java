package dev.lowres.cli;

import dev.lowres.data.store.DatasetVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lowres verify}: re-check every file of a dataset, and the manifest against the files. */
@Command(name = "verify",
        description = {"Re-check every file of a dataset against its manifest, and the manifest against the files.",
            "",
            "The files: every file present, npy headers of the right shape, no truncated file, labels in range, "
                + "one key per record, every SHA-256.",
            "",
            "The manifest: its own checksum (a manifest.json edited after it was written, or one without a "
                + "checksum, is reported, and checked all the same); the record counts and class_counts, "
                + "recomputed from the labels; mean, std and the mean image, recomputed from the images; the "
                + "classes (indices in label order, unique wnids, and in class-folder splits each record's "
                + "folder against its label's wnid, which catches reordered or relabelled classes); file names "
                + "that leave the dataset directory (never opened); shard files in the directory that the "
                + "manifest does not list (a split deleted from it).",
            "",
            "Each problem is printed with the file it concerns, and the field for the manifest's.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:intact",
            "65:a file is missing, truncated, changed or malformed, or the manifest was changed or disagrees "
                + "with the files (each is named)",
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
        long total = DatasetVerifier.totalBytes(dir);
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
