package dev.lowres.cli;

import dev.lowres.data.corrupt.Corruption;
import dev.lowres.train.eval.Attacks;
import dev.lowres.train.eval.Evaluation;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.ScriptedRun;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Metric;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.lowres.train.dist.Group;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres eval}: evaluate a trained run past top-1, into metrics.json and report.html. */
@Command(name = "eval",
        description = {"Evaluate a trained run on a dataset split: accuracy (top-1, top-5, per class, confusion), "
                + "multi-label accuracy (ReaL), calibration (ECE, NLL, Brier, temperature), common corruptions, "
                + "FGSM/PGD attacks and efficiency, in metrics.json, predictions.jsonl and report.html.",
            "",
            "Classes are matched to the network's by wnid, so a shifted test set (e.g. ImageNetV2 built with "
                + "lowres build) or a dataset in another class order is scored correctly. The input is normalised "
                + "with the training data's statistics, kept in the run. Corruptions and attacks run on an evenly "
                + "spaced subset (--robust-records), batch by batch.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "2:bad option, labels that do not fit the split, classes the model does not "
                + "know, a run without weights", "66:run or dataset not found",
            "69:another rank died or cannot be reached", "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--run", paramLabel = "DIR", description = "The run directory (or give --torchscript).")
    Path run;

    @Option(names = "--torchscript", paramLabel = "FILE",
            description = "Evaluate a network traced or scripted in PyTorch (torch.jit.trace/script, then save) "
                    + "instead of a run: with --classes and --data; its run directory is <FILE>.lowres (model.pt, "
                    + "config, run.json, input statistics) unless --run names one.")
    Path torchscript;

    @Option(names = "--classes", paramLabel = "FILE",
            description = "With --torchscript: the network's output classes as wnids, one per line, in output order.")
    Path classes;

    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "With --torchscript: the channel means it expects on [0, 1] pixels. Default: ImageNet's "
                    + "0.485,0.456,0.406.")
    double[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S",
            description = "With --torchscript: the channel standard deviations on [0, 1] pixels. Default: "
                    + "ImageNet's 0.229,0.224,0.225.")
    double[] std;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "The dataset. Default: the run's training data.")
    Path data;

    @Option(names = "--split", paramLabel = "NAME", description = "The split. Default: the recipe's validation split.")
    String split;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Where to write. Default: <run>/eval/<dataset>-<split>.")
    Path out;

    @Option(names = "--weights", defaultValue = "auto", paramLabel = "W",
            description = "auto (final, else best, else last), final, best, last, or ema. Default: auto.")
    String weights;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "128", paramLabel = "N",
            description = "Forward batch. Default: 128 (on CPU, larger batches of 32 px images make activations over "
                    + "glibc's 32 MB mmap threshold, mapped and unmapped every batch: batch 256 ran 40%% slower).")
    int batchSize;

    @Option(names = "--flip-tta", description = "Average the probabilities of each image and its mirror image.")
    boolean flipTta;

    @Option(names = "--real-labels", paramLabel = "FILE",
            description = "ReaL labels (real.json: per validation image in file-name order, 0-based sorted-wnid "
                    + "indices; [] excludes the image).")
    Path realLabels;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "A multi-label file: a JSON object from record key to a list of wnids.")
    Path labels;

    @Option(names = "--corruptions", defaultValue = "all", paramLabel = "LIST",
            description = "Common corruptions at severities 1-5: all, none, or a comma list of ids. Default: all.")
    String corruptions;

    @Option(names = "--robust-records", defaultValue = "1000", paramLabel = "N",
            description = "Records (evenly spaced) the corruptions and attacks run on; 0 = the whole split. "
                    + "Default: 1000.")
    int robustRecords;

    @Option(names = "--epsilon", defaultValue = "1", paramLabel = "X",
            description = "L-infinity radius of FGSM and PGD, in 1/255 units. Default: 1.")
    double epsilon;

    @Option(names = "--pgd-steps", defaultValue = "10", paramLabel = "N", description = "Default: 10.")
    int pgdSteps;

    @Option(names = "--pgd-step-size", defaultValue = "0.25", paramLabel = "X",
            description = "In 1/255 units. Default: 0.25.")
    double pgdStepSize;

    @Option(names = "--no-attacks", description = "Skip FGSM and PGD.")
    boolean noAttacks;

    @Option(names = "--no-efficiency", description = "Skip the latency and throughput measurement.")
    boolean noEfficiency;

    @Option(names = "--gallery", defaultValue = "48", paramLabel = "N",
            description = "Mistakes shown in the report, most confident first. Default: 48.")
    int gallery;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "Seed of corruption noise and PGD's random start. Default: 0.")
    long seed;

    @Mixin
    EngineOptions engine;

    @Mixin
    DistributedOptions distributed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (batchSize < 1 || gallery < 0 || robustRecords < 0) {
            throw new IllegalArgumentException("--batch-size must be >= 1, --gallery and --robust-records >= 0");
        }
        if (realLabels != null && labels != null) {
            throw new IllegalArgumentException("give --real-labels or --labels, not both");
        }
        int localRanks = distributed.localRanks();
        dev.lowres.train.dist.World world = localRanks > 1 ? null : distributed.world(System.getenv());
        if ((localRanks > 1 || world != null) && torchscript != null) {
            throw new IllegalArgumentException("--torchscript evaluates in one process (no --nproc or WORLD_SIZE)");
        }
        if (localRanks > 1) {
            if (run == null) {
                throw new IllegalArgumentException("give --run DIR (a lowres run)");
            }
            return LocalRanks.launch(spec, localRanks, engine.threads,
                    (this.out != null ? this.out : run.resolve("eval")).resolve("logs"));
        }
        if (torchscript != null) {
            if (classes == null || data == null) {
                throw new IllegalArgumentException("--torchscript needs --classes (its output wnids) and --data");
            }
            Path dir = run != null ? run : Path.of(torchscript + ".lowres");
            run = ScriptedRun.create(torchscript, ScriptedRun.readClasses(classes), data,
                    mean != null ? mean : ScriptedRun.IMAGENET_MEAN, std != null ? std : ScriptedRun.IMAGENET_STD, dir,
                    CommandLines.current(spec));
        } else if (run == null) {
            throw new IllegalArgumentException("give --run DIR (a lowres run) or --torchscript FILE");
        } else if (classes != null || mean != null || std != null) {
            throw new IllegalArgumentException("--classes, --mean and --std go with --torchscript");
        }
        dev.lowres.train.engine.Device dev = engine.device();
        List<Corruption> list = corruptions.equalsIgnoreCase("none") ? List.of() : Corruption.parseList(corruptions);
        Attacks.Settings attack = noAttacks ? null : new Attacks.Settings(epsilon, pgdSteps, pgdStepSize, seed);
        int n = engine.threads();
        Evaluation.Options options = new Evaluation.Options(run, RunInfo.Weights.parse(weights), data, split,
                this.out, batchSize, flipTta, realLabels, labels, list, robustRecords, attack, !noEfficiency, gallery,
                seed, n, CommandLines.current(spec));
        try (BarListener bars = new BarListener(common.quiet);
             Group group = world == null ? null : Group.connect(world)) {
            Evaluation.Outcome o = Evaluation.run(options, dev, engine.precision(), engine.channelsLast, bars, group);
            bars.close();
            if (world != null && !world.leader()) {
                out.printf("%s: done (rank 0 writes the metrics)%n", world);
                return ExitCodes.OK;
            }
            Path report = Evaluation.report(o);
            summary(out, o.metrics());
            out.printf("  -> %s%n  -> %s%n", o.out().resolve(Evaluation.METRICS), report);
        }
        return ExitCodes.OK;
    }

    static void summary(PrintWriter out, EvalMetrics m) {
        EvalMetrics.DataSection d = m.data();
        out.printf(Locale.ROOT, "%s on %s/%s (%d records): top-1 %s, top-5 %s, mean per class %s%n",
                m.run().model(), d.name(), d.split(), d.records(), pct(Metric.TOP1.value(m)),
                pct(Metric.TOP5.value(m)), pct(Metric.MEAN_PER_CLASS.value(m)));
        EvalMetrics.MultiLabel ml = m.multilabel();
        if (ml != null) {
            out.printf(Locale.ROOT, "multi-label (%s): top-1 %s on %d labelled; %s of the top-1 mistakes are valid labels%n",
                    ml.source(), pct(ml.top1()), ml.labelled(), pct(ml.mistakesValidShare()));
        }
        EvalMetrics.Calibration c = m.calibration();
        EvalMetrics.TemperatureFit t = c.temperature();
        out.printf(Locale.ROOT, "calibration: ECE %s, NLL %s, Brier %s%s%n", pct(c.ece()), fixed(c.nll()),
                fixed(c.brier()), t == null ? "" : String.format(Locale.ROOT,
                        "; temperature %.3f takes held-out ECE %s -> %s", t.value(), pct(Metric.ECE_BEFORE_T.value(m)),
                        pct(Metric.ECE_AFTER_T.value(m))));
        EvalMetrics.Robustness r = m.robustness();
        if (r != null) {
            if (r.corruptions() != null) {
                out.printf(Locale.ROOT, "corruptions (%d records): clean %s, mean over %d corruptions x 5 severities %s%n",
                        r.records(), pct(r.cleanTop1()), r.corruptions().size(), pct(r.meanCorruptionTop1()));
            }
            EvalMetrics.Adversarial adv = r.adversarial();
            if (adv != null) {
                out.printf(Locale.ROOT, "attacks (eps %s/255, %d records): FGSM %s, PGD-%d %s%n",
                        adv.epsilon(), adv.records(), pct(adv.fgsmTop1()), adv.pgdSteps(), pct(adv.pgdTop1()));
            }
        }
        EvalMetrics.Efficiency e = m.efficiency();
        out.printf(Locale.ROOT, "efficiency: %,d parameters, %.3f GFLOPs/image%s; evaluation %.0f img/s%n",
                e.parameters(), e.gflopsPerImage(), e.latencyMsBatch1() != null
                        ? String.format(Locale.ROOT, ", latency %.2f ms (batch 1), %.0f img/s (batch %d)",
                        e.latencyMsBatch1(), e.throughputImagesPerSecond(), e.throughputBatch()) : "",
                e.evalImagesPerSecond() == null ? Double.NaN : e.evalImagesPerSecond());
        out.flush();
    }

    private static String pct(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String fixed(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** One bar per phase of the evaluation. */
    static final class BarListener implements Evaluation.Listener, AutoCloseable {
        private final boolean quiet;
        private Progress bar;
        private long last;

        BarListener(boolean quiet) {
            this.quiet = quiet;
        }

        @Override
        public void phase(String name, long total) {
            close();
            last = 0;
            if (total > 0) {
                bar = Progress.start(name, total, 0, "img", quiet);
            }
        }

        @Override
        public void progress(long done) {
            if (bar != null) {
                bar.step(done - last);
            }
            last = done;
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
