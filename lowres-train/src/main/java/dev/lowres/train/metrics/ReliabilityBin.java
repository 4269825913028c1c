package dev.lowres.train.metrics;

/**
 * One confidence bin of a reliability diagram, {@code (lower, upper]} (bin 0 also holds confidence 0).
 *
 * @param lower the lower edge
 * @param upper the upper edge
 * @param count records whose confidence falls in the bin
 * @param meanConfidence their mean confidence (NaN when empty)
 * @param accuracy the share of them whose prediction is right (NaN when empty)
 */
public record ReliabilityBin(double lower, double upper, long count, double meanConfidence, double accuracy) {
}
