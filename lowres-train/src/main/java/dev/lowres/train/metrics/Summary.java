package dev.lowres.train.metrics;

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
     * Summarises values (two passes, so that the spread of values close together is exact).
     *
     * @param values at least one, all finite
     */
    public static Summary of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("value " + v + " is not finite");
            }
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / values.length;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = values.length == 1 ? 0 : Math.sqrt(ss / (values.length - 1));
        return new Summary(values.length, mean, std, min, max);
    }
}
