package dev.lowres.cli;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.EmptyClasses;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lowres info}: the dataset card. */
@Command(name = "info", description = "Print a dataset's card: shape, classes, splits, statistics, provenance.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:success",
            "66:not a dataset (or an unfinished build), or its manifest.json was changed after it was written "
                + "(lowres verify DIR says what)"},
        mixinStandardHelpOptions = true)
final class InfoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "DIR", description = "The dataset directory.")
    Path dir;

    @Option(names = "--json", description = "Print the manifest as JSON instead.")
    boolean json;

    @Option(names = "--classes", description = "List every class (default: the first and last few).")
    boolean allClasses;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Dataset dataset = Dataset.open(dir);
        Manifest m = dataset.manifest();
        if (json) {
            out.println(Json.mapper().writeValueAsString(m));
            return ExitCodes.OK;
        }
        out.printf("dataset   %s  (%s)%n", m.name(), dir.toAbsolutePath().normalize());
        out.printf("format    %s%s%n", m.format(), m.checksum() == null
                ? " (manifest without a checksum, from an older lowres: lowres verify checks it against the files)"
                : "");
        out.printf("image     %d x %d x %d (channels x height x width, uint8, %s)%n",
                m.image().channels(), m.image().height(), m.image().width(),
                m.image().channels() == 3 ? "planar RGB" : m.image().channels() == 1 ? "grey" : "planar");
        out.printf("classes   %d, order %s%n", m.classes().size(), m.classOrder());
        List<ClassEntry> classes = m.classes();
        int show = allClasses || classes.size() <= 8 ? classes.size() : 4;
        for (int i = 0; i < show; i++) {
            printClass(out, classes.get(i));
        }
        if (show < classes.size()) {
            out.printf("          ... %d more (--classes lists all)%n", classes.size() - 2 * show);
            for (int i = classes.size() - show; i < classes.size(); i++) {
                printClass(out, classes.get(i));
            }
        }
        long bytes = 0;
        for (Map.Entry<String, Manifest.Split> e : m.splits().entrySet()) {
            Manifest.Split s = e.getValue();
            for (Manifest.Shard shard : s.shards()) {
                for (String f : shard.files()) {
                    Path p = dir.resolve(f);
                    bytes += Files.exists(p) ? Files.size(p) : 0;
                }
            }
            out.printf(Locale.ROOT, "split     %-6s %,10d records in %d shards; mean %s std %s (pixel units)%n",
                    e.getKey(), s.count(), s.shards().size(), fmt(s.mean()), fmt(s.std()));
            if (s.classCounts() != null && s.classCounts().length > 0) {
                long min = Long.MAX_VALUE;
                long max = 0;
                for (long c : s.classCounts()) {
                    min = Math.min(min, c);
                    max = Math.max(max, c);
                }
                out.printf(Locale.ROOT, "          %-6s records per class: %,d .. %,d%n", "", min, max);
            }
        }
        for (EmptyClasses empty : EmptyClasses.of(m)) {
            out.println("warning   " + empty.describe());
        }
        out.printf(Locale.ROOT, "size      %.1f MiB on disk%n", bytes / 1048576.0);
        Manifest.BuildInfo b = m.build();
        if (b != null) {
            out.printf("built by  %s from %s (%s)%n", b.tool(), b.source(), b.sourceLayout());
            if (b.sourceLayout() != null) {
                out.printf("layout    %s%s%n", b.sourceLayout(), "imagenetv2".equals(b.sourceLayout())
                        ? ": class folder k held the k-th of the 1000 sorted ILSVRC-2012 wnids" : "");
            }
            if (b.resample() != null) {
                Object decoder = b.options() == null ? null : b.options().get("jpeg_decoder");
                out.printf("resample  %s, %s decode%s%n", b.resample(), b.decode(),
                        decoder == null ? "" : " (" + decoder + ")");
            }
            if (b.command() != null && !b.command().isEmpty()) {
                out.printf("command   %s%n", String.join(" ", b.command()));
            }
        }
        List<Manifest.Skipped> skipped = m.skipped() == null ? List.of() : m.skipped();
        Map<String, Long> byReason = new TreeMap<>(skipped.stream()
                .collect(Collectors.groupingBy(Manifest.Skipped::reason, Collectors.counting())));
        out.printf(Locale.ROOT, "skipped   %,d inputs%s%n", skipped.size(), skipped.isEmpty() ? "" : " " + byReason);
        for (int i = 0; i < Math.min(10, skipped.size()); i++) {
            Manifest.Skipped s = skipped.get(i);
            out.printf("          %s/%s: %s%n", s.split(), s.key(), s.message());
        }
        if (skipped.size() > 10) {
            out.printf("          ... %d more in manifest.json%n", skipped.size() - 10);
        }
        return ExitCodes.OK;
    }

    private static void printClass(PrintWriter out, ClassEntry c) {
        out.printf("          %4d  %-10s %s%n", c.index(), c.wnid(), c.name());
    }

    private static String fmt(double[] values) {
        if (values == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", values[i]));
        }
        return sb.append(']').toString();
    }
}
