package dev.lowres.train.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates top-1 / top-5 accuracy, per-class accuracy and the confusion matrix, one record at a time.
 * Not thread-safe: use one per thread and {@link #merge} them.
 *
 * @see AccuracyResult
 */
public final class AccuracyAccumulator {
    private final int classes;
    private final int needed;
    private final long[][] confusion;
    private long records;
    private long top1;
    private long top5;

    /**
     * @param classes the number of classes of the dataset (at least 1)
     */
    public AccuracyAccumulator(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1: " + classes);
        }
        this.classes = classes;
        this.needed = Math.min(5, classes);
        this.confusion = new long[classes][classes];
    }

    /** The number of classes. */
    public int classes() {
        return classes;
    }

    /**
     * Adds one record.
     *
     * @param label the true class, 0-based
     * @param topK the record's predictions, highest first (see {@link TopK#indices}); at least five of them,
     *     or all classes when there are fewer than five; entries past the fifth are ignored
     */
    public void add(int label, int[] topK) {
        checkClass(label, "label");
        if (topK.length < needed) {
            throw new IllegalArgumentException("need the top " + needed + " predictions, got " + topK.length);
        }
        boolean inTop5 = false;
        for (int j = 0; j < needed; j++) {
            checkClass(topK[j], "prediction");
            inTop5 |= topK[j] == label;
        }
        records++;
        if (topK[0] == label) {
            top1++;
        }
        if (inTop5) {
            top5++;
        }
        confusion[label][topK[0]]++;
    }

    /**
     * Adds one record from its scores (probabilities or logits; the order is the same).
     *
     * @param label the true class, 0-based
     * @param scores one score per class
     */
    public void addScores(int label, float[] scores) {
        if (scores.length != classes) {
            throw new IllegalArgumentException("expected " + classes + " scores, got " + scores.length);
        }
        add(label, TopK.indices(scores, needed));
    }

    /** Adds the records of another accumulator with the same number of classes. */
    public void merge(AccuracyAccumulator other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("cannot merge " + other.classes + " classes into " + classes);
        }
        records += other.records;
        top1 += other.top1;
        top5 += other.top5;
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                confusion[t][p] += other.confusion[t][p];
            }
        }
    }

    /** The figures so far (a snapshot: later additions do not change it). */
    public AccuracyResult result() {
        List<ClassAccuracy> perClass = new ArrayList<>(classes);
        double sum = 0;
        int present = 0;
        for (int t = 0; t < classes; t++) {
            long count = 0;
            for (long c : confusion[t]) {
                count += c;
            }
            long correct = confusion[t][t];
            double acc = count == 0 ? Double.NaN : (double) correct / count;
            if (count > 0) {
                sum += acc;
                present++;
            }
            perClass.add(new ClassAccuracy(t, count, correct, acc));
        }
        double n = records;
        return new AccuracyResult(records, top1, top5, records == 0 ? Double.NaN : top1 / n,
                records == 0 ? Double.NaN : top5 / n, present == 0 ? Double.NaN : sum / present, perClass,
                ConfusionMatrix.of(confusion));
    }

    private void checkClass(int c, String what) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException(what + " " + c + " out of range [0, " + classes + ")");
        }
    }
}
