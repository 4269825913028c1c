package dev.lowres.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.corrupt.Corruption;
import dev.lowres.data.load.SplitView;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
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
 * and {@code predictions.jsonl} into its output directory, each atomically.
 */
public final class Evaluation {
    public static final String METRICS = "metrics.json";
    public static final String PREDICTIONS = "predictions.jsonl";
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
    public record Outcome(Path out, ObjectNode metrics, CleanPass.Pass pass, RunInfo run, Path data,
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
            ObjectNode m = Json.mapper().createObjectNode();
            m.put("format", "lowres-eval/1");
            m.put("tool", Version.TOOL);
            m.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            m.set("command", Json.mapper().valueToTree(o.command()));
            ObjectNode skipped = m.putObject("skipped");
            m.set("run", runSection(run, model, o));
            ObjectNode d = m.putObject("data");
            d.put("dir", data.toAbsolutePath().normalize().toString());
            d.put("name", manifest.name());
            d.put("split", split);
            d.put("records", n);
            d.put("classes", manifest.classes().size());
            d.set("image", Json.mapper().valueToTree(List.of(manifest.image().channels(), manifest.image().height(),
                    manifest.image().width())));

            AccuracyResult a = accuracy.result();
            m.set("accuracy", accuracySection(a, top5Hits, run.classes(), n == 0 ? Double.NaN : lossSum[0] / n,
                    o.flipTta()));
            MultiLabelResult mr = multiAcc == null ? null : multiAcc.result();
            if (mr == null) {
                m.putNull("multilabel");
                skipped.put("multilabel", "no --real-labels or --labels given");
            } else {
                m.set("multilabel", multiLabelSection(mr, o.realLabels() != null ? o.realLabels() : o.labels(),
                        o.realLabels() != null ? "real" : "json", multi));
            }
            m.set("calibration", calibrationSection(calibration.result(), sampleScores.toArray(new float[0][]),
                    sampleLabels.stream().mapToInt(Integer::intValue).toArray()));
            if (leader) {
                writePredictions(out.resolve(PREDICTIONS), p, keys, top5, prob5, multi);
            }

            SplitView view = SplitView.open(data, split, false);
            Subset subset = Subset.of(view, mapping, o.robustRecords());
            Subset mine = subset.shard(rank, ranks);
            ObjectNode robust = Json.mapper().createObjectNode();
            robust.put("records", subset.size());
            boolean anyRobust = false;
            if (!o.corruptions().isEmpty()) {
                listener.phase("corruptions", (long) subset.size() * (1 + 5L * o.corruptions().size()));
                Robustness.Result r = merge(group, Robustness.run(model, view, mine, o.corruptions(), o.seed(),
                        o.batchSize(), listener::progress), subset.size());
                num(robust, "clean_top1", r.clean());
                ArrayNode list = robust.putArray("corruptions");
                for (Robustness.CorruptionResult c : r.corruptions()) {
                    ObjectNode cn = list.addObject();
                    cn.put("name", c.corruption().id());
                    ArrayNode t = cn.putArray("top1");
                    for (double v : c.top1()) {
                        t.add(v);
                    }
                }
                num(robust, "mean_corruption_top1", r.meanCorruptionTop1());
                anyRobust = true;
            } else {
                skipped.put("corruptions", "--corruptions none");
            }
            if (o.attack() != null && !model.differentiable()) {
                skipped.put("adversarial", "the int8 kernels have no gradient to attack with (attack the fp32 run)");
            } else if (o.attack() != null) {
                listener.phase("attacks", subset.size());
                Attacks.Result r = merge(group, Attacks.run(model, view, mine, o.attack(), Math.min(o.batchSize(), 128),
                        listener::progress), subset.size());
                ObjectNode adv = robust.putObject("adversarial");
                adv.put("epsilon", o.attack().epsilon());
                adv.put("records", r.records());
                num(adv, "fgsm_top1", r.fgsmTop1());
                num(adv, "pgd_top1", r.pgdTop1());
                adv.put("pgd_steps", o.attack().steps());
                adv.put("pgd_step_size", o.attack().stepSize());
                anyRobust = true;
            } else {
                skipped.put("adversarial", "--no-attacks");
            }
            if (anyRobust) {
                m.set("robustness", robust);
            } else {
                m.putNull("robustness");
                skipped.put("robustness", "no corruptions and no attacks asked for");
            }
            ObjectNode e = m.putObject("efficiency");
            e.put("parameters", model.parameters());
            double[] nonzero = model.nonzero();
            e.put("nonzero_parameters", (long) nonzero[0]);
            e.put("weight_bits", model.weightBits());
            if (!Double.isNaN(nonzero[1])) {
                e.put("weight_sparsity", round(nonzero[1], 4));
            }
            e.put("gflops_per_image", round(model.gigaflops(), 4));
            e.put("device", device.toString());
            e.put("precision", resolved.id());
            e.put("threads", o.threads());
            if (o.efficiency() && leader) {
                listener.phase("efficiency", 0);
                Efficiency eff = Efficiency.measure(model, Math.min(256, Math.max(1, o.batchSize())), 21, 3);
                e.put("latency_ms_batch1", round(eff.latencyMsBatch1(), 3));
                e.put("throughput_batch", eff.throughputBatch());
                e.put("throughput_images_per_second", round(eff.throughputImagesPerSecond(), 1));
            } else if (!o.efficiency()) {
                skipped.put("efficiency", "--no-efficiency");
            }
            if (ranks > 1) {
                e.put("ranks", ranks);
            }
            e.put("eval_images_per_second", round(n / Math.max(1e-9, p.seconds()), 1));
            m.set("mistakes", mistakes(p, keys, top5, prob5, multi, o.gallery()));
            if (skipped.isEmpty()) {
                m.remove("skipped");
            }
            if (leader) {
                AtomicFiles.write(out.resolve(METRICS), Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(m));
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

    private static ObjectNode runSection(RunInfo run, TrainedModel model, Options o) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("dir", run.dir().toAbsolutePath().normalize().toString());
        r.put("model", run.recipe().model());
        r.put("recipe", run.recipe().name());
        r.put("seed", run.recipe().seed());
        r.put("epochs", run.recipe().epochs());
        r.put("checkpoint", run.dir().relativize(model.weightsFile()).toString()
                + (o.weights() == RunInfo.Weights.EMA ? " (ema)" : ""));
        r.put("train_data", run.trainData().toString());
        return r;
    }

    private static ObjectNode accuracySection(AccuracyResult a, long[] top5Hits, List<ClassEntry> classes, double loss,
                                              boolean flip) {
        ObjectNode n = Json.mapper().createObjectNode();
        num(n, "top1", a.top1());
        num(n, "top5", a.top5());
        num(n, "mean_per_class", a.meanPerClass());
        num(n, "loss", loss);
        n.put("flip_tta", flip);
        ArrayNode per = n.putArray("per_class");
        for (var c : a.perClass()) {
            ObjectNode cn = per.addObject();
            ClassEntry e = classes.get(c.classIndex());
            cn.put("index", c.classIndex());
            cn.put("wnid", e.wnid());
            cn.put("name", e.name());
            cn.put("records", c.count());
            num(cn, "top1", c.accuracy());
            num(cn, "top5", c.count() == 0 ? Double.NaN : (double) top5Hits[c.classIndex()] / c.count());
        }
        ArrayNode confused = n.putArray("most_confused");
        for (var pair : a.mostConfused(20)) {
            ObjectNode pn = confused.addObject();
            ClassEntry t = classes.get(pair.trueClass());
            ClassEntry q = classes.get(pair.predictedClass());
            pn.put("true", pair.trueClass());
            pn.put("true_wnid", t.wnid());
            pn.put("true_name", t.name());
            pn.put("predicted", pair.predictedClass());
            pn.put("predicted_wnid", q.wnid());
            pn.put("predicted_name", q.name());
            pn.put("count", pair.count());
            num(pn, "share", pair.shareOfTrueClass());
        }
        return n;
    }

    private static ObjectNode multiLabelSection(MultiLabelResult r, Path source, String kind, MultiLabels labels) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("source", source.getFileName().toString());
        n.put("kind", kind);
        n.put("labelled", r.labelled());
        num(n, "top1", r.multiLabelTop1());
        num(n, "original_top1", r.originalTop1OnLabelled());
        n.put("mistakes", r.mistakes());
        n.put("mistakes_valid", r.mistakesValid());
        num(n, "mistakes_valid_share", r.mistakesValidShare());
        n.put("dropped_labels", labels.droppedLabels());
        n.put("unmatched_file_entries", labels.unmatchedFileKeys());
        return n;
    }

    private static ObjectNode calibrationSection(CalibrationResult c, float[][] sampleScores, int[] sampleLabels) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("bins", c.bins().size());
        calibrationNumbers(n, c);
        ArrayNode bins = n.putArray("reliability");
        for (var b : c.bins()) {
            ObjectNode bn = bins.addObject();
            bn.put("lower", round(b.lower(), 6));
            bn.put("upper", round(b.upper(), 6));
            bn.put("count", b.count());
            num(bn, "confidence", b.meanConfidence());
            num(bn, "accuracy", b.accuracy());
        }
        if (sampleLabels.length >= 2) {
            TemperatureStudy.Result t = TemperatureStudy.run(sampleScores, sampleLabels);
            ObjectNode tn = n.putObject("temperature");
            tn.put("value", round(t.temperature(), 6));
            tn.put("fit_records", t.fitRecords());
            tn.put("eval_records", t.evalRecords());
            calibrationNumbers(tn.putObject("before"), t.before());
            calibrationNumbers(tn.putObject("after"), t.after());
        }
        return n;
    }

    private static void calibrationNumbers(ObjectNode n, CalibrationResult c) {
        num(n, "ece", c.ece());
        num(n, "nll", c.nll());
        num(n, "brier", c.brier());
    }

    private static ArrayNode mistakes(CleanPass.Pass p, List<String> keys, int[][] top5, float[][] prob5, MultiLabels multi, int limit) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < p.labels().length; i++) {
            if (top5[i][0] != p.labels()[i]) {
                wrong.add(i);
            }
        }
        wrong.sort(Comparator.comparingDouble((Integer i) -> -prob5[i][0]).thenComparingInt(i -> i));
        ArrayNode list = Json.mapper().createArrayNode();
        for (int i : wrong.subList(0, Math.min(limit, wrong.size()))) {
            ObjectNode n = list.addObject();
            n.put("index", i);
            n.put("key", keys.get(i));
            n.put("label", p.labels()[i]);
            ArrayNode t = n.putArray("top5");
            for (int k = 0; k < top5[i].length; k++) {
                t.addObject().put("index", top5[i][k]).put("prob", round(prob5[i][k], 5));
            }
            if (multi == null || !multi.isLabelled(i)) {
                n.putNull("real_correct");
            } else {
                n.put("real_correct", multi.accepts(i, top5[i][0]));
            }
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
            var writer = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);
            for (int i = 0; i < p.labels().length; i++) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("index", i);
                line.put("key", keys.get(i));
                line.put("label", p.labels()[i]);
                line.put("top5", top5[i]);
                double[] probs = new double[prob5[i].length];
                for (int k = 0; k < probs.length; k++) {
                    probs[k] = round(prob5[i][k], 6);
                }
                line.put("prob", probs);
                if (multi != null && multi.isLabelled(i)) {
                    line.put("real_correct", multi.accepts(i, top5[i][0]));
                }
                w.write(writer.writeValueAsString(line));
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
        List<JsonNode> lines = new ArrayList<>();
        Path metrics = o.run().dir().resolve(RunDirectory.METRICS);
        if (Files.exists(metrics)) {
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(Json.mapper().readTree(line));
                }
            }
        }
        Path file = o.out().resolve(REPORT);
        dev.lowres.train.report.EvalReport.write(file, o.metrics(), lines,
                Gallery.pngs(o.data(), o.split(), o.metrics().path("mistakes"), 96));
        return file;
    }

    /** Reads a metrics.json written by an evaluation. */
    public static JsonNode read(Path dir) throws IOException {
        return Json.mapper().readTree(dir.resolve(METRICS).toFile());
    }

    private static void num(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, round(v, 6));
        } else {
            n.putNull(key);
        }
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        return java.math.BigDecimal.valueOf(v).setScale(digits, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }
}
