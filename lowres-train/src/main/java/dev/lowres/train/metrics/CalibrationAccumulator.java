package dev.lowres.train.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates calibration figures (ECE, MCE, NLL, Brier, the reliability diagram) from per-record
 * probabilities; see {@link CalibrationResult} for the definitions and papers.
 *
 * <p>Binning follows Guo et al. 2017 ("On Calibration of Modern Neural Networks") and their reference code:
 * {@code M} equal-width bins on [0, 1], bin {@code b} = {@code (b/M, (b+1)/M]}, so a confidence exactly on an
 * edge goes to the lower bin, and confidence 0 goes to bin 0. Confidences are compared at their exact value
 * (the float widened to double) with the edges {@code b/M} computed in double: an edge that a float holds
 * exactly (0.25, 0.5 with M = 4) behaves as stated, while {@code 0.2f} (= 0.2000000030) lies above the edge
 * 0.2. The prediction is the highest probability, ties to the lower class (see {@link TopK}).
 *
 * <p>Probabilities are taken as given (not renormalised). Not thread-safe: use one per thread and
 * {@link #merge} them.
 */
public final class CalibrationAccumulator {
    /** The default number of bins, as in Guo et al. 2017. */
    public static final int DEFAULT_BINS = 15;
    /** The floor of {@code p_label} in the NLL. */
    public static final double MIN_PROBABILITY = 1e-12;

    private final int bins;
    private final long[] count;
    private final double[] confidenceSum;
    private final long[] correct;
    private int classes = -1;
    private long records;
    private long right;
    private double nllSum;
    private double brierSum;

    /** An accumulator with {@value #DEFAULT_BINS} bins. */
    public CalibrationAccumulator() {
        this(DEFAULT_BINS);
    }

    /**
     * @param bins the number of equal-width confidence bins (at least 1)
     */
    public CalibrationAccumulator(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1: " + bins);
        }
        this.bins = bins;
        this.count = new long[bins];
        this.confidenceSum = new double[bins];
        this.correct = new long[bins];
    }

    /** The number of bins. */
    public int bins() {
        return bins;
    }

    /**
     * Adds one record.
     *
     * @param label the true class, 0-based
     * @param probs the model's probabilities, one per class (the same length for every record); each in
     *     [0, 1]
     */
    public void add(int label, float[] probs) {
        add(label, probs, -1);
    }

    /**
     * Adds one record whose prediction is given: the argmax of its logits, say, so that rounding the
     * probabilities to float cannot turn a near-tie into a different prediction. The confidence is
     * {@code probs[predicted]}.
     *
     * @param label the true class, 0-based
     * @param probs the model's probabilities, one per class
     * @param predicted the predicted class, or -1 for the highest probability
     */
    public void add(int label, float[] probs, int predicted) {
        if (classes < 0) {
            if (probs.length == 0) {
                throw new IllegalArgumentException("no probabilities");
            }
            classes = probs.length;
        } else if (probs.length != classes) {
            throw new IllegalArgumentException("expected " + classes + " probabilities, got " + probs.length);
        }
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " out of range [0, " + classes + ")");
        }
        if (predicted < -1 || predicted >= classes) {
            throw new IllegalArgumentException("prediction " + predicted + " out of range [0, " + classes + ")");
        }
        int best = 0;
        double brier = 0;
        for (int k = 0; k < classes; k++) {
            float p = probs[k];
            if (!(p >= 0f && p <= 1f)) {
                throw new IllegalArgumentException("probability " + p + " of class " + k + " is not in [0, 1]");
            }
            if (p > probs[best]) {
                best = k;
            }
            double d = k == label ? p - 1.0 : p;
            brier += d * d;
        }
        if (predicted < 0) {
            predicted = best;
        }
        double confidence = probs[predicted];
        int b = bin(confidence, bins);
        count[b]++;
        confidenceSum[b] += confidence;
        records++;
        if (predicted == label) {
            correct[b]++;
            right++;
        }
        nllSum += -Math.log(Math.max(probs[label], MIN_PROBABILITY));
        brierSum += brier;
    }

    /** Adds the records of another accumulator with the same number of bins. */
    public void merge(CalibrationAccumulator other) {
        if (other.bins != bins) {
            throw new IllegalArgumentException("cannot merge " + other.bins + " bins into " + bins);
        }
        if (other.records == 0) {
            return;
        }
        if (classes >= 0 && other.classes != classes) {
            throw new IllegalArgumentException("cannot merge " + other.classes + " classes into " + classes);
        }
        classes = other.classes;
        for (int b = 0; b < bins; b++) {
            count[b] += other.count[b];
            confidenceSum[b] += other.confidenceSum[b];
            correct[b] += other.correct[b];
        }
        records += other.records;
        right += other.right;
        nllSum += other.nllSum;
        brierSum += other.brierSum;
    }

    /**
     * The bin of a confidence: {@code b} with {@code b/M < c <= (b+1)/M}, and 0 for {@code c <= 0}.
     *
     * @param confidence in [0, 1]
     * @param bins {@code M}
     */
    public static int bin(double confidence, int bins) {
        if (!(confidence > 0)) {
            return 0;
        }
        int b = (int) Math.ceil(confidence * bins) - 1;
        b = Math.max(0, Math.min(bins - 1, b));
        // the product may round across an edge: settle against the edges themselves
        while (b > 0 && confidence <= (double) b / bins) {
            b--;
        }
        while (b < bins - 1 && confidence > (double) (b + 1) / bins) {
            b++;
        }
        return b;
    }

    /** The figures so far. */
    public CalibrationResult result() {
        List<ReliabilityBin> diagram = new ArrayList<>(bins);
        double ece = 0;
        double mce = 0;
        double confidence = 0;
        for (int b = 0; b < bins; b++) {
            double meanConf = Double.NaN;
            double acc = Double.NaN;
            if (count[b] > 0) {
                meanConf = confidenceSum[b] / count[b];
                acc = (double) correct[b] / count[b];
                double gap = Math.abs(acc - meanConf);
                ece += gap * count[b] / records;
                mce = Math.max(mce, gap);
                confidence += confidenceSum[b];
            }
            diagram.add(new ReliabilityBin((double) b / bins, (double) (b + 1) / bins, count[b], meanConf, acc));
        }
        if (records == 0) {
            return new CalibrationResult(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, diagram);
        }
        return new CalibrationResult(records, (double) right / records, confidence / records, ece, mce,
                nllSum / records, brierSum / records, diagram);
    }
}
