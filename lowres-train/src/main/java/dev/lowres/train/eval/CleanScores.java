package dev.lowres.train.eval;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.AtomicFiles;
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
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What an evaluation's clean pass keeps of each record's scores, as they stream by ({@link CleanPass.Sink}): the
 * top-5 and their probabilities, accuracy and the confusion matrix, calibration, the multi-label figures, the mean
 * loss, and the logits of at most {@link Evaluation#TEMPERATURE_RECORDS} evenly spaced records for the temperature
 * study; then the sections of {@code metrics.json} and the lines of {@code predictions.jsonl} made from them.
 */
final class CleanScores implements CleanPass.Sink {
    private final int classes;
    private final AccuracyAccumulator accuracy;
    private final CalibrationAccumulator calibration = new CalibrationAccumulator();
    private final MultiLabels multi;
    private final MultiLabelAccumulator multiAccuracy;
    private final long[] top5Hits;
    private final int[][] top5;
    private final float[][] prob5;
    private final int stride;
    private final List<float[]> sampleScores = new ArrayList<>();
    private final List<Integer> sampleLabels = new ArrayList<>();
    private double lossSum;

    /**
     * @param records the split's records
     * @param classes the network's outputs
     * @param multi multi-labels for the split, or null
     */
    CleanScores(int records, int classes, MultiLabels multi) {
        this.classes = classes;
        this.accuracy = new AccuracyAccumulator(classes);
        this.multi = multi;
        this.multiAccuracy = multi == null ? null : new MultiLabelAccumulator(multi);
        this.top5Hits = new long[classes];
        this.top5 = new int[records][];
        this.prob5 = new float[records][];
        this.stride = Math.max(1, (records + Evaluation.TEMPERATURE_RECORDS - 1) / Evaluation.TEMPERATURE_RECORDS);
    }

    @Override
    public void accept(int record, int label, float[] scores) {
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
        lossSum += -Math.log(Math.max(probs[label], 1e-12));
        if (multiAccuracy != null) {
            multiAccuracy.add(record, label, top[0]);
        }
        if (record % stride == 0) {
            sampleScores.add(scores);
            sampleLabels.add(label);
        }
    }

    /** Top-1, top-5, per-class figures and the most confused pairs of {@code names} (the network's classes). */
    EvalMetrics.Accuracy accuracySection(List<ClassEntry> names, boolean flip) {
        AccuracyResult a = accuracy.result();
        double loss = top5.length == 0 ? Double.NaN : lossSum / top5.length;
        List<EvalMetrics.ClassScore> perClass = new ArrayList<>();
        for (var c : a.perClass()) {
            ClassEntry e = names.get(c.classIndex());
            perClass.add(new EvalMetrics.ClassScore(c.classIndex(), e.wnid(), e.name(), c.count(), num(c.accuracy()),
                    num(c.count() == 0 ? Double.NaN : (double) top5Hits[c.classIndex()] / c.count())));
        }
        List<EvalMetrics.Confusion> confused = new ArrayList<>();
        for (var pair : a.mostConfused(20)) {
            ClassEntry t = names.get(pair.trueClass());
            ClassEntry q = names.get(pair.predictedClass());
            confused.add(new EvalMetrics.Confusion(pair.trueClass(), t.wnid(), t.name(), pair.predictedClass(),
                    q.wnid(), q.name(), pair.count(), num(pair.shareOfTrueClass())));
        }
        return new EvalMetrics.Accuracy(num(a.top1()), num(a.top5()), num(a.meanPerClass()), num(loss), flip,
                perClass, confused);
    }

    /** The multi-label figures read from {@code source} (of {@code kind} real or json), or null without labels. */
    EvalMetrics.MultiLabel multiLabelSection(Path source, String kind) {
        if (multiAccuracy == null) {
            return null;
        }
        MultiLabelResult r = multiAccuracy.result();
        return new EvalMetrics.MultiLabel(source.getFileName().toString(), kind, r.labelled(),
                num(r.multiLabelTop1()), num(r.originalTop1OnLabelled()), r.mistakes(), r.mistakesValid(),
                num(r.mistakesValidShare()), multi.droppedLabels(), multi.unmatchedFileKeys());
    }

    /** The reliability bins, ECE, NLL and Brier score, and the fitted temperature (from two records on). */
    EvalMetrics.Calibration calibrationSection() {
        CalibrationResult c = calibration.result();
        List<EvalMetrics.Bin> bins = new ArrayList<>();
        for (var b : c.bins()) {
            bins.add(new EvalMetrics.Bin(round(b.lower(), 6), round(b.upper(), 6), b.count(),
                    num(b.meanConfidence()), num(b.accuracy())));
        }
        EvalMetrics.TemperatureFit temperature = null;
        if (sampleLabels.size() >= 2) {
            TemperatureStudy.Result t = TemperatureStudy.run(sampleScores.toArray(new float[0][]),
                    sampleLabels.stream().mapToInt(Integer::intValue).toArray());
            temperature = new EvalMetrics.TemperatureFit(round(t.temperature(), 6), t.fitRecords(), t.evalRecords(),
                    scores(t.before()), scores(t.after()));
        }
        return new EvalMetrics.Calibration(c.bins().size(), num(c.ece()), num(c.nll()), num(c.brier()), bins,
                temperature);
    }

    private static EvalMetrics.Scores scores(CalibrationResult c) {
        return new EvalMetrics.Scores(num(c.ece()), num(c.nll()), num(c.brier()));
    }

    /** The {@code limit} most confident mistakes, most confident first (ties by record). */
    List<EvalMetrics.Mistake> mistakes(CleanPass.Pass p, List<String> keys, int limit) {
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
     * Writes one line per record, atomically: index, key, label, top-5 and their probabilities, and where
     * multi-labels were given {@code real_correct} (whether they accept the top-1; absent for a record they do not
     * label).
     */
    void writePredictions(Path file, CleanPass.Pass p, List<String> keys) throws IOException {
        Path temp = AtomicFiles.temp(file);
        try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            for (int i = 0; i < p.labels().length; i++) {
                List<Double> probs = new ArrayList<>(prob5[i].length);
                for (float v : prob5[i]) {
                    probs.add(round(v, 6));
                }
                w.write(new Prediction(i, keys.get(i), p.labels()[i], Arrays.stream(top5[i]).boxed().toList(),
                        probs, multi != null && multi.isLabelled(i) ? multi.accepts(i, top5[i][0]) : null).toLine());
                w.write('\n');
            }
        }
        AtomicFiles.commit(temp, file);
    }

    private static Double num(double v) {
        return EvalMetrics.figure(v);
    }

    private static double round(double v, int digits) {
        return EvalMetrics.round(v, digits);
    }
}
