package dev.lowres.train.metrics;

/**
 * Temperature scaling measured honestly: T is fitted on one half of the records and judged on the other
 * (Guo et al. 2017, "On Calibration of Modern Neural Networks", fit T on a validation set, report on test).
 *
 * <p>The split is deterministic and needs no seed: records at even indices (0, 2, 4, ...) fit T, records
 * at odd indices (1, 3, 5, ...) are evaluated. The prediction of a record is the argmax of its logits
 * (ties to the lower class), the same before and after scaling. On a split stored in class order (as lowres stores
 * ImageNet's validation set) this puts every class in both halves in nearly equal numbers.
 */
public final class TemperatureStudy {
    private TemperatureStudy() {
    }

    /**
     * The study's figures.
     *
     * @param temperature the fitted T
     * @param fitRecords records that fitted T (even indices)
     * @param evalRecords records evaluated (odd indices)
     * @param before calibration of {@code softmax(z)} on the evaluation half
     * @param after calibration of {@code softmax(z / T)} on the evaluation half
     */
    public record Result(double temperature, long fitRecords, long evalRecords, CalibrationResult before,
                         CalibrationResult after) {
        /** Top-1 of the evaluation half before scaling. */
        public double top1Before() {
            return before.accuracy();
        }

        /** Top-1 of the evaluation half after scaling (the same as before: T does not change the ranking). */
        public double top1After() {
            return after.accuracy();
        }
    }

    /** The study with {@value CalibrationAccumulator#DEFAULT_BINS} bins. */
    public static Result run(float[][] logits, int[] labels) {
        return run(logits, labels, CalibrationAccumulator.DEFAULT_BINS);
    }

    /**
     * Fits T on the even-indexed records and reports ECE, NLL, Brier and top-1 of the odd-indexed records
     * before and after scaling.
     *
     * @param logits {@code [records][classes]}, at least 2 records
     * @param labels the true class of each record
     * @param bins the number of ECE bins
     */
    public static Result run(float[][] logits, int[] labels, int bins) {
        Temperature.check(logits, labels);
        if (logits.length < 2) {
            throw new IllegalArgumentException("a temperature study needs at least 2 records, got "
                    + logits.length);
        }
        int fitCount = (logits.length + 1) / 2;
        float[][] fitLogits = new float[fitCount][];
        int[] fitLabels = new int[fitCount];
        for (int i = 0; i < logits.length; i += 2) {
            fitLogits[i / 2] = logits[i];
            fitLabels[i / 2] = labels[i];
        }
        double t = Temperature.fit(fitLogits, fitLabels);
        CalibrationAccumulator before = new CalibrationAccumulator(bins);
        CalibrationAccumulator after = new CalibrationAccumulator(bins);
        for (int i = 1; i < logits.length; i += 2) {
            int predicted = TopK.argmax(logits[i]);
            before.add(labels[i], Temperature.softmax(logits[i], 1.0), predicted);
            after.add(labels[i], Temperature.softmax(logits[i], t), predicted);
        }
        return new Result(t, fitCount, logits.length - fitCount, before.result(), after.result());
    }
}
