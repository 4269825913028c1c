package dev.lowres.train.metrics;

import org.hipparchus.stat.regression.SimpleRegression;

/**
 * An ordinary least-squares line {@code y = slope * x + intercept}, for plots of accuracy on one test set
 * against accuracy on another across many models (fitted by Hipparchus's {@link SimpleRegression}).
 *
 * <p>{@link #probit} fits the line on probit-scaled accuracies, {@code Phi^-1(y) = slope * Phi^-1(x) +
 * intercept}, as Recht, Roelofs, Schmidt &amp; Shankar 2019 ("Do ImageNet Classifiers Generalize to
 * ImageNet?") do for ImageNet vs ImageNetV2 (and Taori et al. 2020, "Measuring Robustness to Natural
 * Distribution Shifts in Image Classification", for "effective robustness"); {@code Phi^-1} is
 * {@link Normal#inverseCdf}.
 *
 * @param n the number of points
 * @param slope the slope (on the fitted scale)
 * @param intercept the intercept (on the fitted scale)
 * @param r2 the coefficient of determination {@code 1 - SS_res / SS_tot} on the fitted scale; NaN when all
 *     y are equal
 * @param probit whether the line was fitted on probit-scaled values
 */
public record LinearFit(int n, double slope, double intercept, double r2, boolean probit) {
    /**
     * The least-squares line through {@code (x[i], y[i])}.
     *
     * @param x at least two values, not all equal, finite
     * @param y as many values, finite
     */
    public static LinearFit of(double[] x, double[] y) {
        return fit(x, y, false);
    }

    /**
     * The least-squares line through {@code (Phi^-1(x[i]), Phi^-1(y[i]))}.
     *
     * @param x accuracies (or other proportions) strictly between 0 and 1
     * @param y as many, strictly between 0 and 1
     */
    public static LinearFit probit(double[] x, double[] y) {
        return fit(probitScale(x, "x"), probitScale(y, "y"), true);
    }

    /** The line's y at {@code x}, on the original scale (through {@code Phi} and {@code Phi^-1} for probit fits). */
    public double predict(double x) {
        if (!probit) {
            return slope * x + intercept;
        }
        return Normal.cdf(slope * Normal.inverseCdf(x) + intercept);
    }

    private static LinearFit fit(double[] x, double[] y, boolean probit) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("a line needs at least 2 points, got " + x.length);
        }
        SimpleRegression line = new SimpleRegression();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
            }
            line.addData(x[i], y[i]);
        }
        if (line.getXSumSquares() == 0) {
            throw new IllegalArgumentException("all x values are equal (" + x[0] + "): no line fits");
        }
        double r2 = line.getTotalSumSquares() == 0 ? Double.NaN : line.getRSquare();
        return new LinearFit(x.length, line.getSlope(), line.getIntercept(), r2, probit);
    }

    private static double[] probitScale(double[] v, String name) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0 && v[i] < 1)) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + v[i]
                        + ": probit scaling needs proportions strictly between 0 and 1");
            }
            out[i] = Normal.inverseCdf(v[i]);
        }
        return out;
    }
}
