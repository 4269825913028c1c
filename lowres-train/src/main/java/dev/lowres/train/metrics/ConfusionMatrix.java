package dev.lowres.train.metrics;

import java.util.Arrays;

/**
 * An immutable confusion matrix of top-1 predictions: {@code count(t, p)} records of true class {@code t}
 * predicted as {@code p}. Dense ({@code classes x classes} longs: 8 MB for 1000 classes), which keeps
 * lookups trivial and costs nothing to fill; copies are handed out, never the array itself.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    /** A matrix with a copy of the given counts (rows: true class, columns: prediction). */
    public static ConfusionMatrix of(long[][] counts) {
        long[][] copy = new long[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            if (counts[t].length != counts.length) {
                throw new IllegalArgumentException("confusion matrix must be square: row " + t + " has "
                        + counts[t].length + " columns, expected " + counts.length);
            }
            copy[t] = counts[t].clone();
        }
        return new ConfusionMatrix(copy);
    }

    /** The number of classes. */
    public int classes() {
        return counts.length;
    }

    /** Records of true class {@code trueClass} predicted (top-1) as {@code predicted}. */
    public long count(int trueClass, int predicted) {
        return counts[trueClass][predicted];
    }

    /** Records of true class {@code trueClass}. */
    public long rowTotal(int trueClass) {
        long sum = 0;
        for (long c : counts[trueClass]) {
            sum += c;
        }
        return sum;
    }

    /** A copy of one row: the predictions for true class {@code trueClass}. */
    public long[] row(int trueClass) {
        return counts[trueClass].clone();
    }

    /** A copy of the whole matrix, rows by true class. */
    public long[][] toArray() {
        long[][] copy = new long[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            copy[t] = counts[t].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix other && Arrays.deepEquals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix[" + counts.length + " classes]";
    }
}
