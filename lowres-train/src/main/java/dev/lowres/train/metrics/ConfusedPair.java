package dev.lowres.train.metrics;

/**
 * An off-diagonal cell of the confusion matrix.
 *
 * @param trueClass the records' true class
 * @param predictedClass their top-1 prediction ({@code != trueClass})
 * @param count how many records
 * @param shareOfTrueClass {@code count} over the records of {@code trueClass}
 */
public record ConfusedPair(int trueClass, int predictedClass, long count, double shareOfTrueClass) {
}
