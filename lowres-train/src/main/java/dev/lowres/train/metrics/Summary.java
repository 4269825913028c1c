package dev.lowres.train.metrics;

import org.hipparchus.stat.StatUtils;

/**
 * Summary statistics of repeated measurements, e.g. the top-1 of runs that differ only by seed.
 *
 * @param n the number of values
 * @param mean their mean
 * @param std the sample standard deviation (divisor {@code n - 1}, Bessel's correction); 0 when n = 1
 * @param min the smallest value
 * @param max the largest value
 */
public record Summary(int n, double mean, double std, double min, double max) {
    /**
     * Summarises values (Hipparchus's {@link StatUtils}: the variance in two passes with the correction term, so
     * that the spread of values close together is exact).
     *
     * @param values at least one, all finite
     */
    public static Summary of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("value " + v + " is not finite");
            }
        }
        double mean = StatUtils.mean(values);
        return new Summary(values.length, mean, Math.sqrt(StatUtils.variance(values, mean)), StatUtils.min(values),
                StatUtils.max(values));
    }
}
