package dev.lowres.train.eval;

import dev.lowres.data.Version;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.corrupt.Corruption;
import dev.lowres.data.load.SplitView;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Prediction;
import dev.lowres.train.metrics.MultiLabels;
import dev.lowres.train.run.MetricsLog;
import dev.lowres.train.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of a trained run on one split: the clean pass (accuracy, the confusion matrix, calibration
 * and a fitted temperature, multi-label accuracy), the robustness passes (common corruptions, FGSM, PGD) on an
 * evenly spaced subset, and the network's efficiency. It writes {@code metrics.json} (docs/metrics-json.md)
 * and {@code predictions.jsonl} into its output directory, each atomically, from the records of
 * {@link dev.lowres.train.eval.result}.
 */
public final class Evaluation {
    public static final String METRICS = EvalMetrics.FILE;
    public static final String PREDICTIONS = Prediction.FILE;
    public static final String REPORT = "report.html";
    /** At most this many records' logits are kept for the temperature study (evenly spaced). */
    public static final int TEMPERATURE_RECORDS = 50_000;

    /**
     * What to evaluate and how.
     *
     * @param run the run directory
     * @param weights which of its weights
     * @param data the dataset (null: the run's training dataset)
     * @param split the split (null: the recipe's validation split)
     * @param out the output directory (null: {@code <run>/eval/<dataset>-<split>})
     * @param batchSize forward batch
     * @param flipTta average probabilities with the mirrored image's
     * @param realLabels ReaL labels file (real.json), or null
     * @param labels a general multi-label file (JSON: key -> wnids), or null
     * @param corruptions corruptions to run (empty: none)
     * @param robustRecords records of the robustness subset (0: the whole split)
     * @param attack FGSM/PGD settings, or null for no attacks
     * @param efficiency measure latency and throughput
     * @param gallery mistakes kept for the report's gallery
     * @param seed the seed of corruption noise and PGD's random start
     * @param threads loader threads
     * @param command the command line, recorded
     */
    public record Options(Path run, RunInfo.Weights weights, Path data, String split, Path out, int batchSize,
                          boolean flipTta, Path realLabels, Path labels, List<Corruption> corruptions,
                          int robustRecords, Attacks.Settings attack, boolean efficiency, int gallery, long seed,
                          int threads, List<String> command) {
    }

    /** Hears the evaluation's phases and progress. */
    public interface Listener {
        default void phase(String name, long total) {
        }

        default void progress(long done) {
        }

        default void note(String message) {
        }
    }

    /** What an evaluation left behind. */
    public record Outcome(Path out, EvalMetrics metrics, CleanPass.Pass pass, RunInfo run, Path data,
                          String split) {
    }

    private Evaluation() {
    }

    /**
     * Evaluates as {@code o} says.
     *
     * @param device where the network runs
     * @param precision the forward passes' precision ({@code auto} is resolved for the device)
     * @param channelsLast keep weights and inputs channels-last (the same numbers, faster convolutions)
     */
    public static Outcome run(Options o, Device device, Precision precision, boolean channelsLast, Listener listener)
            throws IOException, DatasetException {
        return run(o, device, precision, channelsLast, listener, null);
    }

    /**
     * Evaluates as {@code o} says, shared by the ranks of {@code group} when it is not null: each rank scores its
     * share of the split and of the robustness subset, the ranks gather the scores and sum the counts, and every
     * rank computes the same metrics as one process would; rank 0 alone measures the efficiency and writes the files.
     */
    public static Outcome run(Options o, Device device, Precision precision, boolean channelsLast, Listener listener,
                              dev.lowres.train.dist.Group group) throws IOException, DatasetException {
        int ranks = group == null ? 1 : group.size();
        boolean leader = group == null || group.rank() == 0;
        Precision resolved = precision.resolve(device);
        Target t = Target.of(o, group);
        if (leader) {
            Files.createDirectories(t.out());
        }
        try (TrainedModel model = TrainedModel.load(t.run(), o.weights(), device, resolved, channelsLast)) {
            listener.phase("predict " + t.split(), t.records());
            CleanScores clean = new CleanScores(t.records(), t.run().classes().size(), t.multi());
            CleanPass.Pass p = CleanPass.streamSharded(group, model, t.data(), t.split(), t.mapping(), o.batchSize(),
                    o.flipTta(), o.threads(), t.run().classes().size(), listener::progress, clean);
            Map<String, String> skipped = new LinkedHashMap<>();
            EvalMetrics.MultiLabel multiSection = clean.multiLabelSection(o.realLabels() != null ? o.realLabels()
                    : o.labels(), o.realLabels() != null ? "real" : "json");
            if (multiSection == null) {
                skipped.put("multilabel", "no --real-labels or --labels given");
            }
            if (leader) {
                clean.writePredictions(t.out().resolve(PREDICTIONS), p, t.keys());
            }
            EvalMetrics.Robustness robustSection = robustness(model, t, o, group, listener, skipped);
            Efficiency measured = null;
            if (o.efficiency() && leader) {
                listener.phase("efficiency", 0);
                measured = Efficiency.measure(model, Math.min(256, Math.max(1, o.batchSize())), 21, 3);
            } else if (!o.efficiency()) {
                skipped.put("efficiency", "--no-efficiency");
            }
            EvalMetrics m = new EvalMetrics(EvalMetrics.FORMAT, Version.TOOL,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), o.command(), skipped,
                    runSection(t.run(), model, o), t.dataSection(), clean.accuracySection(t.run().classes(),
                    o.flipTta()), multiSection, clean.calibrationSection(), robustSection,
                    efficiencySection(model, measured, device, resolved, o.threads(), ranks,
                            t.records() / Math.max(1e-9, p.seconds())),
                    clean.mistakes(p, t.keys(), o.gallery()));
            if (leader) {
                m.write(t.out().resolve(METRICS));
            }
            return new Outcome(t.out(), m, p, t.run(), t.data(), t.split());
        }
    }

    /**
     * What an evaluation reads and where it writes: the run, the dataset and split (checked against the run's image
     * shape and classes, and agreed on by the ranks), the output directory and the multi-labels.
     */
    private record Target(RunInfo run, Path data, Dataset dataset, String split, int records, ClassMapping mapping,
                          Path out, List<String> keys, MultiLabels multi) {
        static Target of(Options o, dev.lowres.train.dist.Group group) throws IOException, DatasetException {
            RunInfo run = RunInfo.load(o.run());
            Path data = o.data() != null ? o.data() : run.trainData();
            if (!Files.exists(data.resolve("manifest.json"))) {
                throw new java.nio.file.NoSuchFileException(data + " (no dataset there"
                        + (o.data() == null ? ": the run's training data has moved; give --data" : "") + ")");
            }
            Dataset dataset = Dataset.open(data);
            Manifest manifest = dataset.manifest();
            String split = o.split() != null ? o.split() : defaultSplit(run, manifest);
            Manifest.Split s = dataset.split(split);
            if (!manifest.image().equals(run.image())) {
                throw new IllegalArgumentException(data + " holds " + manifest.image().describe() + " images; the "
                        + "run's " + run.recipe().model() + " was trained on " + run.image().describe());
            }
            ClassMapping mapping = ClassMapping.of(manifest.classes(), counts(s, manifest.classes().size()),
                    run.classes());
            if (group != null) {
                // ranks given other splits, subsets or attacks would gather rows of other sizes
                group.agree(String.join("\n", split, String.valueOf(s.count()), String.valueOf(run.classes()),
                        String.valueOf(o.weights()), String.valueOf(o.flipTta()), String.valueOf(o.corruptions()),
                        String.valueOf(o.robustRecords()), String.valueOf(o.attack()), String.valueOf(o.seed()),
                        String.valueOf(o.realLabels() != null || o.labels() != null)),
                        "the evaluation's split or options");
            }
            Path out = o.out() != null ? o.out() : o.run().resolve("eval")
                    .resolve(dataset.dir().toAbsolutePath().normalize().getFileName() + "-" + split);
            List<String> keys = CleanPass.keys(dataset, split);
            MultiLabels multi = null;
            if (o.realLabels() != null) {
                multi = MultiLabels.fromReal(o.realLabels(), keys, run.wnids(), ImageNetClasses.get().wnidsSorted());
            } else if (o.labels() != null) {
                multi = MultiLabels.fromJson(o.labels(), keys, run.wnids());
            }
            return new Target(run, data, dataset, split, Math.toIntExact(s.count()), mapping, out, keys, multi);
        }

        EvalMetrics.DataSection dataSection() {
            Manifest manifest = dataset.manifest();
            return new EvalMetrics.DataSection(data.toAbsolutePath().normalize().toString(), manifest.name(), split,
                    records, manifest.classes().size(), List.of(manifest.image().channels(),
                    manifest.image().height(), manifest.image().width()));
        }
    }

    /**
     * The corruption and attack passes on the evenly spaced subset, each rank on its share; what is not run is
     * said in {@code skipped}. Returns null when neither ran.
     */
    private static EvalMetrics.Robustness robustness(TrainedModel model, Target t, Options o,
                                                     dev.lowres.train.dist.Group group, Listener listener,
                                                     Map<String, String> skipped) throws IOException,
            DatasetException {
        SplitView view = SplitView.open(t.data(), t.split(), false);
        Subset subset = Subset.of(view, t.mapping(), o.robustRecords());
        Subset mine = group == null ? subset.shard(0, 1) : subset.shard(group.rank(), group.size());
        Robustness.Result corrupted = null;
        if (!o.corruptions().isEmpty()) {
            listener.phase("corruptions", (long) subset.size() * (1 + 5L * o.corruptions().size()));
            corrupted = merge(group, Robustness.run(model, view, mine, o.corruptions(), o.seed(),
                    o.batchSize(), listener::progress), subset.size());
        } else {
            skipped.put("corruptions", "--corruptions none");
        }
        Attacks.Result attacked = null;
        if (o.attack() != null && !model.differentiable()) {
            skipped.put("adversarial", "the int8 kernels have no gradient to attack with (attack the fp32 run)");
        } else if (o.attack() != null) {
            listener.phase("attacks", subset.size());
            attacked = merge(group, Attacks.run(model, view, mine, o.attack(), Math.min(o.batchSize(), 128),
                    listener::progress), subset.size());
        } else {
            skipped.put("adversarial", "--no-attacks");
        }
        EvalMetrics.Robustness section = robustnessSection(subset.size(), corrupted, attacked, o.attack());
        if (section == null) {
            skipped.put("robustness", "no corruptions and no attacks asked for");
        }
        return section;
    }

    /** The whole subset's corruption figures from each rank's part: correct counts summed over the ranks. */
    private static Robustness.Result merge(dev.lowres.train.dist.Group group, Robustness.Result part, int records) {
        if (group == null || group.size() == 1) {
            return part;
        }
        double[] counts = new double[1 + 5 * part.corruptions().size()];
        counts[0] = count(part.clean(), part.records());
        for (int c = 0; c < part.corruptions().size(); c++) {
            for (int s = 0; s < 5; s++) {
                counts[1 + 5 * c + s] = count(part.corruptions().get(c).top1()[s], part.records());
            }
        }
        group.sum(counts, "the corruption counts");
        List<Robustness.CorruptionResult> all = new ArrayList<>();
        for (int c = 0; c < part.corruptions().size(); c++) {
            double[] top1 = new double[5];
            for (int s = 0; s < 5; s++) {
                top1[s] = share(counts[1 + 5 * c + s], records);
            }
            all.add(new Robustness.CorruptionResult(part.corruptions().get(c).corruption(), top1));
        }
        return new Robustness.Result(records, share(counts[0], records), List.copyOf(all));
    }

    /** The whole subset's attack figures from each rank's part. */
    private static Attacks.Result merge(dev.lowres.train.dist.Group group, Attacks.Result part, int records) {
        if (group == null || group.size() == 1) {
            return part;
        }
        double[] counts = {count(part.fgsmTop1(), part.records()), count(part.pgdTop1(), part.records())};
        group.sum(counts, "the attack counts");
        return new Attacks.Result(part.settings(), records, share(counts[0], records), share(counts[1], records));
    }

    /** The correct records behind a top-1 share of {@code records} (0 for an empty part). */
    private static double count(double top1, int records) {
        return records == 0 || Double.isNaN(top1) ? 0 : Math.round(top1 * records);
    }

    private static double share(double correct, int records) {
        return records == 0 ? Double.NaN : correct / records;
    }

    private static String defaultSplit(RunInfo run, Manifest manifest) {
        String val = run.recipe().data().valSplit();
        for (String candidate : List.of(val, "val", "test")) {
            if (manifest.splits().containsKey(candidate)) {
                return candidate;
            }
        }
        if (manifest.splits().size() == 1) {
            return manifest.splits().keySet().iterator().next();
        }
        throw new IllegalArgumentException("which split? the dataset has " + manifest.splits().keySet()
                + "; give --split");
    }

    private static long[] counts(Manifest.Split s, int classes) {
        if (s.classCounts() == null || s.classCounts().length != classes) {
            return null;
        }
        return s.classCounts();
    }

    private static EvalMetrics.RunSection runSection(RunInfo run, TrainedModel model, Options o) {
        return new EvalMetrics.RunSection(run.dir().toAbsolutePath().normalize().toString(), run.recipe().model(),
                run.recipe().name(), run.recipe().seed(), run.recipe().epochs(),
                run.dir().relativize(model.weightsFile()) + (o.weights() == RunInfo.Weights.EMA ? " (ema)" : ""),
                run.trainData().toString());
    }

    /** The robustness section, or null when neither corruptions nor attacks ran. */
    private static EvalMetrics.Robustness robustnessSection(int records, Robustness.Result corrupted,
                                                            Attacks.Result attacked, Attacks.Settings attack) {
        if (corrupted == null && attacked == null) {
            return null;
        }
        List<EvalMetrics.CorruptionScore> corruptions = null;
        if (corrupted != null) {
            corruptions = new ArrayList<>();
            for (Robustness.CorruptionResult c : corrupted.corruptions()) {
                corruptions.add(new EvalMetrics.CorruptionScore(c.corruption().id(),
                        java.util.Arrays.stream(c.top1()).boxed().toList()));
            }
        }
        EvalMetrics.Adversarial adversarial = attacked == null ? null : new EvalMetrics.Adversarial(attack.epsilon(),
                attacked.records(), num(attacked.fgsmTop1()), num(attacked.pgdTop1()), attack.steps(),
                attack.stepSize());
        return new EvalMetrics.Robustness(records, corrupted == null ? null : num(corrupted.clean()), corruptions,
                corrupted == null ? null : num(corrupted.meanCorruptionTop1()), adversarial);
    }

    private static EvalMetrics.Efficiency efficiencySection(TrainedModel model, Efficiency measured, Device device,
                                                            Precision precision, int threads, int ranks,
                                                            double evalRate) {
        double[] nonzero = model.nonzero();
        return new EvalMetrics.Efficiency(model.parameters(), (long) nonzero[0], model.weightBits(),
                Double.isNaN(nonzero[1]) ? null : round(nonzero[1], 4), round(model.gigaflops(), 4),
                device.toString(), precision.id(), threads,
                measured == null ? null : round(measured.latencyMsBatch1(), 3),
                measured == null ? null : measured.throughputBatch(),
                measured == null ? null : round(measured.throughputImagesPerSecond(), 1),
                ranks > 1 ? ranks : null, round(evalRate, 1));
    }

    /**
     * Writes the outcome's {@value #REPORT}: its metrics, the run's learning curves, and the gallery of
     * mistakes. Returns its path.
     */
    public static Path report(Outcome o) throws IOException, DatasetException {
        Path file = o.out().resolve(REPORT);
        dev.lowres.train.report.EvalReport.write(file, o.metrics(),
                new MetricsLog(o.run().dir().resolve(RunDirectory.METRICS)).read(),
                Gallery.pngs(o.data(), o.split(), o.metrics().mistakes(), 96));
        return file;
    }

    /** Reads the metrics.json of the evaluation in {@code dir}. */
    public static EvalMetrics read(Path dir) throws IOException {
        return EvalMetrics.read(dir.resolve(METRICS));
    }

    private static Double num(double v) {
        return EvalMetrics.figure(v);
    }

    private static double round(double v, int digits) {
        return EvalMetrics.round(v, digits);
    }
}
