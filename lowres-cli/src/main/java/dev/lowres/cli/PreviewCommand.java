package dev.lowres.cli;

import dev.lowres.data.preview.ContactSheet;
import dev.lowres.data.preview.PreviewSamples;
import dev.lowres.data.load.Augmentations;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres preview}: a contact sheet of records before and after augmentation. */
@Command(name = "preview",
        description = {"Draw a contact sheet of records before and after augmentation, to check a spec by looking.",
            "",
            "Each row is a record of the split (chosen by --seed) with its class: as stored, then as the loader "
                + "augments it at epochs 0..N-1 with that seed, upscaled so that small images are readable. "
                + "With mixup or cutmix, further columns show the record mixed in its batch, captioned with "
                + "lambda and the partner.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success, the PNG's path is printed", "2:bad option or augmentation spec",
            "66:not a dataset (or an unfinished build), or no such split", "73:the PNG cannot be written",
            "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class PreviewCommand implements Callable<Integer> {
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "The dataset directory.")
    Path data;

    @Option(names = {"-a", "--augment"}, required = true, paramLabel = "SPEC",
            description = "Augmentation spec, e.g. 'paper, cutout' (operations below).")
    String augment;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "PNG", description = "The PNG to write.")
    Path out;

    @Option(names = "--split", defaultValue = "train", paramLabel = "NAME", description = "Split. Default: train.")
    String split;

    @Option(names = {"-n", "--count"}, defaultValue = "8", paramLabel = "N",
            description = "Records (rows). Default: 8.")
    int count;

    @Option(names = {"-k", "--samples"}, defaultValue = "6", paramLabel = "K",
            description = "Augmented versions per record (epochs 0..K-1). Default: 6.")
    int samples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "Seed: picks the records and seeds the augmentations, as in training. Default: 0.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Batch size for mixup and cutmix (clipped to the split). Default: 128.")
    int batchSize;

    @Option(names = "--scale", paramLabel = "S",
            description = "Upscaling factor (nearest). Default: about 96 px per image (3 at 32 px).")
    Integer scale;

    /** Lists the operations in the help, with their defaults and papers. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.usageMessage().footer("", "Augmentations (in the order given; mixup and cutmix last):",
                Augmentations.help().stripTrailing().replace("%", "%%"));
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 256) {
            throw new IllegalArgumentException("--count must be between 1 and 256: " + count);
        }
        if (samples < 1 || samples > 32) {
            throw new IllegalArgumentException("--samples must be between 1 and 32: " + samples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1: " + batchSize);
        }
        if (scale != null && (scale < 1 || scale > 32)) {
            throw new IllegalArgumentException("--scale must be between 1 and 32: " + scale);
        }
        PreviewSamples.Result result = PreviewSamples.collect(new PreviewSamples.Options(data, split, augment, count,
                samples, seed, batchSize, null));
        ContactSheet.Sheet sheet = result.sheet();
        int s = scale != null ? scale : ContactSheet.defaultScale(sheet);
        byte[] png = ContactSheet.png(sheet, s);
        Path target = out.toAbsolutePath().normalize();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, png);
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ContactSheet.Layout layout = ContactSheet.layout(sheet, s);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %s: %d records x (stored + %d%s) of %s, %d x %d px; augment: %s%n", target,
                result.records(), samples, result.mixed() ? " + " + samples + " mixed" : "", split, layout.width(),
                layout.height(), result.spec());
        return ExitCodes.OK;
    }
}
