package dev.lowres.train.metrics;

/**
 * Top-1 accuracy of one class.
 *
 * @param classIndex the class (0-based, the dataset's order)
 * @param count records whose true label is this class
 * @param correct of those, records whose top-1 prediction is this class
 * @param accuracy {@code correct / count}; NaN when the class has no records
 */
public record ClassAccuracy(int classIndex, long count, long correct, double accuracy) {
}
