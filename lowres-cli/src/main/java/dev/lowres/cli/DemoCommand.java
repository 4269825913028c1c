package dev.lowres.cli;

import dev.lowres.cli.demo.ContactSheet;
import dev.lowres.cli.demo.DemoReport;
import dev.lowres.cli.demo.NearestClassMean;
import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.interop.ExportOptions;
import dev.lowres.data.interop.ExportResult;
import dev.lowres.data.interop.Exporter;
import dev.lowres.data.interop.ImportFormat;
import dev.lowres.data.interop.ImportOptions;
import dev.lowres.data.interop.Importer;
import dev.lowres.data.interop.ProgressListener;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.synth.SynthOptions;
import dev.lowres.data.synth.SynthResult;
import dev.lowres.data.synth.SyntheticImageNet;
import dev.lowres.train.eval.result.Metric;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres demo}: the whole pipeline on the synthetic default, ending with a report. */
@Command(name = "demo",
        description = {"Run the whole pipeline on a synthetic ImageNet-style tree and write a report.",
            "",
            "synth (JPEG tree) -> build (16 and 32 px, exact) -> verify -> export to the published npz layout "
                + "and import back -> train a small Wide ResNet (the demo recipe) -> evaluate -> report.html, with "
                + "a nearest-class-mean baseline beside it. A few minutes on 2 cores.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success, the report's path is printed", "65:a check failed (the step is named)",
            "73:the output holds something other than an earlier demo", "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class DemoCommand implements Callable<Integer> {
    private static final String MARKER = ".lowres-demo";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-o", "--output"}, defaultValue = "demo", paramLabel = "DIR",
            description = "Where everything goes. Default: ./demo (replaced if it holds an earlier demo).")
    Path output;

    @Option(names = "--classes", defaultValue = "10", paramLabel = "N", description = "Classes. Default: 10.")
    int classes;

    @Option(names = "--train-per-class", defaultValue = "60", paramLabel = "N",
            description = "Training images per class. Default: 60.")
    int trainPerClass;

    @Option(names = "--val-per-class", defaultValue = "10", paramLabel = "N",
            description = "Validation images per class. Default: 10.")
    int valPerClass;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed. Default: 0.")
    long seed;

    @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs. Default: the demo recipe's (6).")
    Integer trainEpochs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        prepare(output);
        DemoReport report = new DemoReport();

        out.println("[1/7] synth: a synthetic ImageNet-style JPEG tree");
        out.flush();
        Path tree = output.resolve("tree");
        SynthOptions synth = SynthOptions.defaults().withClasses(classes).withPerClass(trainPerClass, valPerClass)
                .withSeed(seed).withThreads(n).withOverwrite(true);
        long t0 = System.nanoTime();
        SynthResult synthResult;
        try (Progress bar = Progress.start("synth", synth.totalFiles(), 0, "img", common.quiet)) {
            synthResult = SyntheticImageNet.write(tree, synth, bar::step);
        }
        report.step(new DemoReport.Step("synth", "lowres synth --output " + tree + " --classes " + classes,
                seconds(t0), synthResult.files() + " JPEG files in " + classes + " classes, "
                + synthResult.brokenFiles().size() + " broken on purpose"));

        out.println("[2/7] build: 16x16 and 32x32 datasets from one decode of each image (exact, BOX)");
        out.flush();
        Path data = output.resolve("data");
        t0 = System.nanoTime();
        BuildResult built;
        try (Progress.Deferred bar = Progress.deferred("build", "img", common.quiet)) {
            built = DatasetBuilder.build(BuildOptions.builder().input(tree).output(data).sizes(List.of(16, 32))
                    .threads(n).overwrite(true).command(List.of("lowres", "build", "--input", tree.toString(),
                            "--output", data.toString(), "--size", "16,32")).build(), new BuildListener() {
                                @Override
                                public void started(long total, long resumed) {
                                    bar.started(total, resumed);
                                }

                                @Override
                                public void progressed(long k) {
                                    bar.progressed(k);
                                }
                            });
        }
        report.step(new DemoReport.Step("build", "lowres build --input " + tree + " --output " + data
                + " --size 16,32", seconds(t0), String.format(Locale.ROOT,
                "%d records per size, %d inputs skipped with reasons, %.0f images/s", built.totalRecords(),
                built.skippedCount(), built.imagesPerSecond())));
        if (built.skippedCount() != synthResult.brokenFiles().size()) {
            return fail(out, "build skipped " + built.skippedCount() + " inputs, the tree has "
                    + synthResult.brokenFiles().size() + " broken files");
        }

        out.println("[3/7] verify: shapes, label ranges and every checksum");
        out.flush();
        t0 = System.nanoTime();
        long verified = 0;
        for (Path d : built.datasets()) {
            DatasetVerifier.Report r = DatasetVerifier.verify(d, k -> { });
            if (!r.ok()) {
                return fail(out, "verify " + d + ": " + r.problems());
            }
            verified += r.files();
        }
        report.step(new DemoReport.Step("verify", "lowres verify " + data + "/16x16 (and 32x32)", seconds(t0),
                verified + " files intact"));

        out.println("[4/7] export to the published npz layout and import back");
        out.flush();
        t0 = System.nanoTime();
        Path dataset32 = data.resolve("32x32");
        Path npz = output.resolve("npz");
        ExportResult exported = Exporter.run(ExportOptions.of(dataset32, npz).withOverwrite(true), ProgressListener.NONE);
        Path reimported = output.resolve("reimported");
        Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_NPZ, npz, reimported).withOverwrite(true),
                ProgressListener.NONE);
        if (!sameRecords(Dataset.open(dataset32), Dataset.open(reimported))) {
            return fail(out, "the npz round trip changed records");
        }
        report.step(new DemoReport.Step("export + import", "lowres export --data " + dataset32 + " --output " + npz
                + "; lowres import --format imagenet32-npz", seconds(t0), exported.files().size()
                + " npz files; every record identical after the round trip"));

        out.println("[5/7] train: " + (trainEpochs == null ? "the demo recipe" : trainEpochs + " epochs of the demo recipe")
                + " (a small Wide ResNet) on 32x32, evaluated on val every epoch");
        out.flush();
        t0 = System.nanoTime();
        Path run = output.resolve("run");
        BuildState.deleteRecursively(run);
        List<String> overrides = new java.util.ArrayList<>(List.of("seed=" + seed));
        if (trainEpochs != null) {
            overrides.add("epochs=" + trainEpochs);
            overrides.add("schedule.warmup_epochs=" + Math.min(1, trainEpochs - 1)); // no warm-up in a 1-epoch run
        }
        long trainRecords = built.records().getOrDefault("train", 0L);
        if (trainRecords < dev.lowres.train.recipe.Recipes.resolve("demo", List.of()).batchSize()) {
            overrides.add("batch_size=" + Math.max(1, trainRecords)); // a tiny demo: one batch per epoch
        }
        dev.lowres.train.recipe.Recipe recipe = dev.lowres.train.recipe.Recipes.resolve("demo", overrides);
        dev.lowres.train.engine.Torch.threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        dev.lowres.train.engine.Device device = dev.lowres.train.engine.Device.parse("auto");
        List<dev.lowres.train.loop.EpochMetrics> curve = new java.util.ArrayList<>();
        dev.lowres.train.loop.TrainingRun.Result trained;
        try (TrainCommand.ProgressListener progress = new TrainCommand.ProgressListener(out, common.quiet) {
            @Override
            public void epochFinished(dev.lowres.train.loop.EpochMetrics m) {
                super.epochFinished(m);
                curve.add(m);
            }
        }) {
            trained = new dev.lowres.train.loop.TrainingRun(new dev.lowres.train.loop.RunOptions(dataset32, run, recipe,
                    device, dev.lowres.train.engine.Precision.AUTO, true, false, List.of("lowres", "demo")), progress).run();
        }
        dev.lowres.train.loop.EpochMetrics last = trained.last();
        report.step(new DemoReport.Step("train", "lowres train --data " + dataset32 + " --recipe demo --out " + run,
                seconds(t0), String.format(Locale.ROOT, "%s, %d epochs: val top-1 %.1f%%, top-5 %.1f%%",
                        recipe.model(), trained.epochs(), 100 * last.valTop1(), 100 * last.valTop5())));
        report.training(new DemoReport.TrainingPart(run.toString(), recipe.model(), recipe.description(),
                List.copyOf(curve)));

        out.println("[6/7] evaluate: accuracy, calibration, corruptions, FGSM/PGD, efficiency (lowres eval)");
        out.flush();
        t0 = System.nanoTime();
        dev.lowres.train.eval.Evaluation.Outcome evaluated;
        try (EvalCommand.BarListener bars = new EvalCommand.BarListener(common.quiet)) {
            evaluated = dev.lowres.train.eval.Evaluation.run(new dev.lowres.train.eval.Evaluation.Options(run,
                    dev.lowres.train.eval.RunInfo.Weights.AUTO, dataset32, "val", null, 128, false, null, null,
                    dev.lowres.data.corrupt.Corruption.parseList("all"), 200,
                    new dev.lowres.train.eval.Attacks.Settings(1, 5, 0.5, seed), true, 24, seed,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                    List.of("lowres", "eval", "--run", run.toString(), "--robust-records", "200", "--gallery", "24")),
                    device, dev.lowres.train.engine.Precision.AUTO, true, bars);
        }
        Path evalReport = dev.lowres.train.eval.Evaluation.report(evaluated);
        EvalCommand.summary(out, evaluated.metrics());
        dev.lowres.train.eval.result.EvalMetrics em = evaluated.metrics();
        report.step(new DemoReport.Step("evaluate", "lowres eval --run " + run + " (corruptions and attacks on 200 "
                + "records)", seconds(t0), String.format(Locale.ROOT, "top-1 %.1f%%, ECE %.1f%%, mean corruption "
                + "top-1 %.1f%%, PGD top-1 %.1f%% (eps 1/255)", percent(Metric.TOP1.value(em)),
                percent(Metric.ECE.value(em)), percent(Metric.MEAN_CORRUPTION_TOP1.value(em)),
                percent(Metric.PGD_TOP1.value(em)))));
        report.evaluation(output.relativize(evalReport).toString());

        out.println("[7/7] baseline classifier and report");
        out.flush();
        t0 = System.nanoTime();
        StringBuilder accuracies = new StringBuilder();
        for (Path d : built.datasets()) {
            Dataset ds = Dataset.open(d);
            NearestClassMean.Accuracy a = NearestClassMean.evaluate(ds, "train", "val");
            report.dataset(new DemoReport.DatasetPart(d.toString(), ds.manifest(), a,
                    ContactSheet.png(ds, "val", 8, ds.manifest().image().height() <= 16 ? 4 : 2)));
            accuracies.append(String.format(Locale.ROOT, "%s%s %.0f%%", accuracies.length() == 0 ? "" : ", ",
                    ds.manifest().name(), 100 * a.top1()));
        }
        report.step(new DemoReport.Step("baseline", "nearest class mean on raw pixels, trained on train, "
                + "evaluated on val", seconds(t0), "top-1 " + accuracies + " (chance "
                + String.format(Locale.ROOT, "%.0f%%", 100.0 / classes) + ")"));
        Path html = output.resolve("report.html");
        Files.writeString(html, report.html(), StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "%s val top-1: %.1f%% (top-5 %.1f%%); nearest-class-mean baseline: %s; chance %.0f%%%n",
                recipe.model(), 100 * last.valTop1(), 100 * last.valTop5(), accuracies, 100.0 / classes);
        out.println("evaluation report: " + evalReport.toAbsolutePath().normalize());
        out.println("report: " + html.toAbsolutePath().normalize());
        return ExitCodes.OK;
    }

    /** Makes the output folder, replacing an earlier demo but nothing else. */
    private static void prepare(Path output) throws IOException {
        if (Files.isDirectory(output)) {
            try (var entries = Files.list(output)) {
                boolean empty = entries.findAny().isEmpty();
                if (!empty && !Files.exists(output.resolve(MARKER))) {
                    throw new java.nio.file.FileAlreadyExistsException(output.toString(), null,
                            "not empty and not an earlier demo; choose another --output");
                }
            }
            for (String part : List.of("data", "npz", "reimported", "run")) {
                BuildState.deleteRecursively(output.resolve(part));
            }
        }
        Files.createDirectories(output);
        Files.writeString(output.resolve(MARKER), "written by lowres demo\n");
    }

    private static boolean sameRecords(Dataset a, Dataset b) throws Exception {
        for (String split : a.manifest().splits().keySet()) {
            ByteBuffer all = concat(a, split);
            ByteBuffer other = concat(b, split);
            if (!all.equals(other)) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer concat(Dataset d, String split) throws Exception {
        Manifest.Split s = d.split(split);
        int per = d.manifest().image().bytesPerImage();
        ByteBuffer all = ByteBuffer.allocate((int) s.count() * per);
        for (Manifest.Shard shard : s.shards()) {
            all.put(d.mapImages(shard));
        }
        return all.flip();
    }

    private int fail(PrintWriter out, String what) {
        spec.commandLine().getErr().println("lowres demo: check failed: " + what);
        out.flush();
        return ExitCodes.DATA;
    }

    /** A fraction in percent, NaN where the evaluation has no such figure. */
    private static double percent(Double fraction) {
        return fraction == null ? Double.NaN : 100 * fraction;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
