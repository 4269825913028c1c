package dev.lowres.train.eval;

import dev.lowres.data.Version;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.corrupt.Corruption;
import dev.lowres.data.load.SplitView;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Prediction;
import dev.lowres.train.metrics.AccuracyAccumulator;
import dev.lowres.train.metrics.AccuracyResult;
import dev.lowres.train.metrics.CalibrationAccumulator;
import dev.lowres.train.metrics.CalibrationResult;
import dev.lowres.train.metrics.MultiLabelAccumulator;
import dev.lowres.train.metrics.MultiLabelResult;
import dev.lowres.train.metrics.MultiLabels;
import dev.lowres.train.metrics.Temperature;
import dev.lowres.train.metrics.TemperatureStudy;
import dev.lowres.train.metrics.TopK;
import dev.lowres.train.run.MetricsLog;
import dev.lowres.train.run.RunDirectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
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
        int rank = group == null ? 0 : group.rank();
        int ranks = group == null ? 1 : group.size();
        boolean leader = rank == 0;
        Precision resolved = precision.resolve(device);
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
        if (manifest.image().channels() != run.image().channels() || manifest.image().height() != run.image().height()
                || manifest.image().width() != run.image().width()) {
            throw new IllegalArgumentException(data + " holds " + shape(manifest.image()) + " images; the run's "
                    + run.recipe().model() + " was trained on " + shape(run.image()));
        }
        ClassMapping mapping = ClassMapping.of(manifest.classes(), counts(s, manifest.classes().size()),
                run.classes());
        if (group != null) {
            // ranks given other splits, subsets or attacks would gather rows of other sizes
            group.agree(String.join("\n", split, String.valueOf(s.count()), String.valueOf(run.classes()),
                    String.valueOf(o.weights()), String.valueOf(o.flipTta()), String.valueOf(o.corruptions()),
                    String.valueOf(o.robustRecords()), String.valueOf(o.attack()), String.valueOf(o.seed()),
                    String.valueOf(o.realLabels() != null || o.labels() != null)), "the evaluation's split or options");
        }
        Path out = o.out() != null ? o.out()
                : o.run().resolve("eval").resolve(dataset.dir().toAbsolutePath().normalize().getFileName() + "-" + split);
        if (leader) {
            Files.createDirectories(out);
        }
        MultiLabels multi = null;
        List<String> keys = CleanPass.keys(dataset, split);
        if (o.realLabels() != null) {
            multi = MultiLabels.fromReal(o.realLabels(), keys, run.wnids(), ImageNetClasses.get().wnidsSorted());
        } else if (o.labels() != null) {
            multi = MultiLabels.fromJson(o.labels(), keys, run.wnids());
        }

        try (TrainedModel model = TrainedModel.load(run, o.weights(), device, resolved, channelsLast)) {
            listener.phase("predict " + split, s.count());
            int n = Math.toIntExact(s.count());
            int classes = run.classes().size();
            AccuracyAccumulator accuracy = new AccuracyAccumulator(classes);
            CalibrationAccumulator calibration = new CalibrationAccumulator();
            MultiLabelAccumulator multiAcc = multi == null ? null : new MultiLabelAccumulator(multi);
            double[] lossSum = {0};
            long[] top5Hits = new long[classes];
            int[][] top5 = new int[n][];
            float[][] prob5 = new float[n][];
            // the temperature study keeps the logits of at most TEMPERATURE_RECORDS evenly spaced records
            int stride = Math.max(1, (n + TEMPERATURE_RECORDS - 1) / TEMPERATURE_RECORDS);
            List<float[]> sampleScores = new ArrayList<>();
            List<Integer> sampleLabels = new ArrayList<>();
            CleanPass.Pass p = CleanPass.streamSharded(group, model, data, split, mapping, o.batchSize(), o.flipTta(),
                    o.threads(), classes, listener::progress, (record, label, scores) -> {
                        float[] probs = Temperature.softmax(scores, 1.0);
                        int[] top = TopK.indices(probs, Math.min(5, classes));
                        top5[record] = top;
                        prob5[record] = new float[top.length];
                        for (int k = 0; k < top.length; k++) {
                            prob5[record][k] = probs[top[k]];
                        }
                        accuracy.add(label, top);
                        for (int k : top) {
                            top5Hits[label] += k == label ? 1 : 0;
                        }
                        calibration.add(label, probs, top[0]);
                        lossSum[0] += -Math.log(Math.max(probs[label], 1e-12));
                        if (multiAcc != null) {
                            multiAcc.add(record, label, top[0]);
                        }
                        if (record % stride == 0) {
                            sampleScores.add(scores);
                            sampleLabels.add(label);
                        }
                    });
            Map<String, String> skipped = new LinkedHashMap<>();
            EvalMetrics.DataSection dataSection = new EvalMetrics.DataSection(
                    data.toAbsolutePath().normalize().toString(), manifest.name(), split, n,
                    manifest.classes().size(), List.of(manifest.image().channels(), manifest.image().height(),
                    manifest.image().width()));
            EvalMetrics.Accuracy accuracySection = accuracySection(accuracy.result(), top5Hits, run.classes(),
                    n == 0 ? Double.NaN : lossSum[0] / n, o.flipTta());
            MultiLabelResult mr = multiAcc == null ? null : multiAcc.result();
            EvalMetrics.MultiLabel multiSection = null;
            if (mr == null) {
                skipped.put("multilabel", "no --real-labels or --labels given");
            } else {
                multiSection = multiLabelSection(mr, o.realLabels() != null ? o.realLabels() : o.labels(),
                        o.realLabels() != null ? "real" : "json", multi);
            }
            EvalMetrics.Calibration calibrationSection = calibrationSection(calibration.result(),
                    sampleScores.toArray(new float[0][]), sampleLabels.stream().mapToInt(Integer::intValue).toArray());
            if (leader) {
                writePredictions(out.resolve(PREDICTIONS), p, keys, top5, prob5, multi);
            }

            SplitView view = SplitView.open(data, split, false);
            Subset subset = Subset.of(view, mapping, o.robustRecords());
            Subset mine = subset.shard(rank, ranks);
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
            EvalMetrics.Robustness robustSection = robustnessSection(subset.size(), corrupted, attacked, o.attack());
            if (robustSection == null) {
                skipped.put("robustness", "no corruptions and no attacks asked for");
            }
            Efficiency measured = null;
            if (o.efficiency() && leader) {
                listener.phase("efficiency", 0);
                measured = Efficiency.measure(model, Math.min(256, Math.max(1, o.batchSize())), 21, 3);
            } else if (!o.efficiency()) {
                skipped.put("efficiency", "--no-efficiency");
            }
            EvalMetrics m = new EvalMetrics(EvalMetrics.FORMAT, Version.TOOL,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), o.command(), skipped,
                    runSection(run, model, o), dataSection, accuracySection, multiSection, calibrationSection,
                    robustSection, efficiencySection(model, measured, device, resolved, o.threads(), ranks,
                    n / Math.max(1e-9, p.seconds())), mistakes(p, keys, top5, prob5, multi, o.gallery()));
            if (leader) {
                m.write(out.resolve(METRICS));
            }
            return new Outcome(out, m, p, run, data, split);
        }
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

    private static String shape(Manifest.ImageShape s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
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

    private static EvalMetrics.Accuracy accuracySection(AccuracyResult a, long[] top5Hits, List<ClassEntry> classes,
                                                        double loss, boolean flip) {
        List<EvalMetrics.ClassScore> perClass = new ArrayList<>();
        for (var c : a.perClass()) {
            ClassEntry e = classes.get(c.classIndex());
            perClass.add(new EvalMetrics.ClassScore(c.classIndex(), e.wnid(), e.name(), c.count(), num(c.accuracy()),
                    num(c.count() == 0 ? Double.NaN : (double) top5Hits[c.classIndex()] / c.count())));
        }
        List<EvalMetrics.Confusion> confused = new ArrayList<>();
        for (var pair : a.mostConfused(20)) {
            ClassEntry t = classes.get(pair.trueClass());
            ClassEntry q = classes.get(pair.predictedClass());
            confused.add(new EvalMetrics.Confusion(pair.trueClass(), t.wnid(), t.name(), pair.predictedClass(),
                    q.wnid(), q.name(), pair.count(), num(pair.shareOfTrueClass())));
        }
        return new EvalMetrics.Accuracy(num(a.top1()), num(a.top5()), num(a.meanPerClass()), num(loss), flip,
                perClass, confused);
    }

    private static EvalMetrics.MultiLabel multiLabelSection(MultiLabelResult r, Path source, String kind,
                                                            MultiLabels labels) {
        return new EvalMetrics.MultiLabel(source.getFileName().toString(), kind, r.labelled(),
                num(r.multiLabelTop1()), num(r.originalTop1OnLabelled()), r.mistakes(), r.mistakesValid(),
                num(r.mistakesValidShare()), labels.droppedLabels(), labels.unmatchedFileKeys());
    }

    private static EvalMetrics.Calibration calibrationSection(CalibrationResult c, float[][] sampleScores,
                                                              int[] sampleLabels) {
        List<EvalMetrics.Bin> bins = new ArrayList<>();
        for (var b : c.bins()) {
            bins.add(new EvalMetrics.Bin(round(b.lower(), 6), round(b.upper(), 6), b.count(),
                    num(b.meanConfidence()), num(b.accuracy())));
        }
        EvalMetrics.TemperatureFit temperature = null;
        if (sampleLabels.length >= 2) {
            TemperatureStudy.Result t = TemperatureStudy.run(sampleScores, sampleLabels);
            temperature = new EvalMetrics.TemperatureFit(round(t.temperature(), 6), t.fitRecords(), t.evalRecords(),
                    scores(t.before()), scores(t.after()));
        }
        return new EvalMetrics.Calibration(c.bins().size(), num(c.ece()), num(c.nll()), num(c.brier()), bins,
                temperature);
    }

    private static EvalMetrics.Scores scores(CalibrationResult c) {
        return new EvalMetrics.Scores(num(c.ece()), num(c.nll()), num(c.brier()));
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

    private static List<EvalMetrics.Mistake> mistakes(CleanPass.Pass p, List<String> keys, int[][] top5,
                                                      float[][] prob5, MultiLabels multi, int limit) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < p.labels().length; i++) {
            if (top5[i][0] != p.labels()[i]) {
                wrong.add(i);
            }
        }
        wrong.sort(Comparator.comparingDouble((Integer i) -> -prob5[i][0]).thenComparingInt(i -> i));
        List<EvalMetrics.Mistake> list = new ArrayList<>();
        for (int i : wrong.subList(0, Math.min(limit, wrong.size()))) {
            List<EvalMetrics.Guess> guesses = new ArrayList<>();
            for (int k = 0; k < top5[i].length; k++) {
                guesses.add(new EvalMetrics.Guess(top5[i][k], round(prob5[i][k], 5)));
            }
            list.add(new EvalMetrics.Mistake(i, keys.get(i), p.labels()[i], guesses,
                    multi == null || !multi.isLabelled(i) ? null : multi.accepts(i, top5[i][0])));
        }
        return list;
    }

    /**
     * One line per record: index, key, label, top-5 and their probabilities, and where multi-labels were given
     * {@code real_correct} (whether they accept the top-1; absent for a record they do not label).
     */
    private static void writePredictions(Path file, CleanPass.Pass p, List<String> keys, int[][] top5, float[][] prob5,
                                         MultiLabels multi) throws IOException {
        Path temp = AtomicFiles.temp(file);
        try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            for (int i = 0; i < p.labels().length; i++) {
                List<Double> probs = new ArrayList<>(prob5[i].length);
                for (float v : prob5[i]) {
                    probs.add(round(v, 6));
                }
                w.write(new Prediction(i, keys.get(i), p.labels()[i], java.util.Arrays.stream(top5[i]).boxed().toList(),
                        probs, multi != null && multi.isLabelled(i) ? multi.accepts(i, top5[i][0]) : null).toLine());
                w.write('\n');
            }
        }
        AtomicFiles.commit(temp, file);
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
