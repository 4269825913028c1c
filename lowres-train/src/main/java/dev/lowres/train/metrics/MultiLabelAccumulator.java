package dev.lowres.train.metrics;

import java.util.BitSet;

/**
 * Accumulates multi-label accuracy against {@link MultiLabels}; see {@link MultiLabelResult}. Each record
 * may be added once. Not thread-safe.
 */
public final class MultiLabelAccumulator {
    private final MultiLabels labels;
    private final BitSet seen;
    private long records;
    private long labelled;
    private long multiRight;
    private long originalRight;
    private long mistakes;
    private long mistakesValid;

    /**
     * @param labels the split's multi-labels
     */
    public MultiLabelAccumulator(MultiLabels labels) {
        this.labels = labels;
        this.seen = new BitSet(labels.records());
    }

    /**
     * Adds one record.
     *
     * @param recordIndex the record's index in the split (the index of {@link MultiLabels})
     * @param originalLabel the record's single label, 0-based
     * @param top1 the model's top-1 prediction
     */
    public void add(int recordIndex, int originalLabel, int top1) {
        if (recordIndex < 0 || recordIndex >= labels.records()) {
            throw new IllegalArgumentException("record " + recordIndex + " out of range [0, " + labels.records()
                    + ")");
        }
        for (int c : new int[] {originalLabel, top1}) {
            if (c < 0 || c >= labels.classes()) {
                throw new IllegalArgumentException("class " + c + " out of range [0, " + labels.classes() + ")");
            }
        }
        if (seen.get(recordIndex)) {
            throw new IllegalArgumentException("record " + recordIndex + " added twice");
        }
        seen.set(recordIndex);
        records++;
        if (!labels.isLabelled(recordIndex)) {
            return;
        }
        labelled++;
        boolean acceptable = labels.accepts(recordIndex, top1);
        if (acceptable) {
            multiRight++;
        }
        if (top1 == originalLabel) {
            originalRight++;
        } else {
            mistakes++;
            if (acceptable) {
                mistakesValid++;
            }
        }
    }

    /** The figures so far. */
    public MultiLabelResult result() {
        return new MultiLabelResult(records, labelled, share(multiRight, labelled), share(originalRight, labelled),
                mistakes, mistakesValid, share(mistakesValid, mistakes));
    }

    private static double share(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
