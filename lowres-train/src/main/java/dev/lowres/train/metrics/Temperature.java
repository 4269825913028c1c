package dev.lowres.train.metrics;

/**
 * Temperature scaling (Guo, Pleiss, Sun &amp; Weinberger 2017, "On Calibration of Modern Neural Networks",
 * section 4.2): one scalar {@code T > 0} divides every logit, {@code softmax(z / T)}, chosen to minimise the
 * mean negative log-likelihood on held-out records. It changes confidences, never the ranking, so accuracy
 * stays the same.
 *
 * <p>Fitting: with {@code beta = 1/T} the mean NLL {@code f(beta) = mean(logsumexp(beta z) - beta z_y)} is
 * convex, with {@code f'(beta) = mean(E_p[z] - z_y)} and {@code f''(beta) = mean(Var_p[z]) >= 0}. lowres
 * finds the root of {@code f'} by Newton's method safeguarded by bisection inside
 * {@code T in [}{@value #MIN_T}{@code , }{@value #MAX_T}{@code ]}, to a relative precision of 1e-9 in T
 * (far below the 1e-4 the figures need). If the optimum lies outside the range the nearest end is returned
 * (e.g. {@value #MIN_T} when the fit records are separated perfectly, where the NLL falls as T falls to 0).
 * Logits with no spread (every logit of every record equal) leave the NLL flat; T = 1 is returned. All
 * arithmetic is in double.
 */
public final class Temperature {
    /** The smallest temperature returned. */
    public static final double MIN_T = 0.05;
    /** The largest temperature returned. */
    public static final double MAX_T = 20;

    private static final double RELATIVE_TOLERANCE = 1e-9;
    private static final int MAX_ITERATIONS = 200;

    private Temperature() {
    }

    /**
     * The softmax of {@code logits / t}, computed stably in double (the largest scaled logit is subtracted
     * before {@code exp}) and rounded to float.
     *
     * @param logits one record's logits (finite)
     * @param t the temperature, {@code > 0}
     */
    public static float[] softmax(float[] logits, double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("temperature must be positive and finite: " + t);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z / t);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            e[k] = Math.exp(logits[k] / t - max);
            sum += e[k];
        }
        float[] p = new float[logits.length];
        for (int k = 0; k < logits.length; k++) {
            p[k] = (float) (e[k] / sum);
        }
        return p;
    }

    /**
     * The mean NLL (natural log) of {@code softmax(logits / t)} at the labels, computed stably in double
     * (no clamping: {@code logsumexp(z/t) - z_y/t}).
     */
    public static double nll(float[][] logits, int[] labels, double t) {
        check(logits, labels);
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("temperature must be positive and finite: " + t);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v / t);
            }
            double s = 0;
            for (float v : z) {
                s += Math.exp(v / t - max);
            }
            sum += max + Math.log(s) - z[labels[i]] / t;
        }
        return sum / logits.length;
    }

    /**
     * The temperature that minimises the mean NLL of {@code softmax(logits / T)} over the records.
     *
     * @param logits {@code [records][classes]}, finite
     * @param labels the true class of each record, 0-based
     * @return T in [{@value #MIN_T}, {@value #MAX_T}]
     */
    public static double fit(float[][] logits, int[] labels) {
        check(logits, labels);
        double lo = 1 / MAX_T;
        double hi = 1 / MIN_T;
        double[] d = new double[2];
        derivatives(logits, labels, 1.0, d);
        if (d[1] == 0 && spreadless(logits)) {
            return 1.0;
        }
        derivatives(logits, labels, lo, d);
        if (d[0] >= 0) {
            return MAX_T;
        }
        derivatives(logits, labels, hi, d);
        if (d[0] <= 0) {
            return MIN_T;
        }
        // f' is non-decreasing: keep f'(lo) < 0 < f'(hi)
        double beta = 1.0;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            derivatives(logits, labels, beta, d);
            if (d[0] == 0) {
                return 1 / beta;
            }
            if (d[0] < 0) {
                lo = beta;
            } else {
                hi = beta;
            }
            double next = d[1] > 0 ? beta - d[0] / d[1] : Double.NaN;
            if (!(next > lo && next < hi)) {
                next = Math.sqrt(lo * hi);
            }
            boolean converged = Math.abs(next - beta) <= RELATIVE_TOLERANCE * beta
                    || hi - lo <= RELATIVE_TOLERANCE * lo;
            beta = next;
            if (converged) {
                break;
            }
        }
        return 1 / beta;
    }

    /** {@code d[0] = f'(beta)}, {@code d[1] = f''(beta)}. */
    private static void derivatives(float[][] logits, int[] labels, double beta, double[] d) {
        double first = 0;
        double second = 0;
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, beta * v);
            }
            double s = 0;
            double sz = 0;
            for (float v : z) {
                double w = Math.exp(beta * v - max);
                s += w;
                sz += w * v;
            }
            double mean = sz / s;
            double var = 0;
            for (float v : z) {
                double w = Math.exp(beta * v - max);
                double dz = v - mean;
                var += w * dz * dz;
            }
            first += mean - z[labels[i]];
            second += var / s;
        }
        d[0] = first / logits.length;
        d[1] = second / logits.length;
    }

    private static boolean spreadless(float[][] logits) {
        for (float[] z : logits) {
            for (float v : z) {
                if (v != z[0]) {
                    return false;
                }
            }
        }
        return true;
    }

    static void check(float[][] logits, int[] labels) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException(logits.length + " rows of logits but " + labels.length + " labels");
        }
        if (logits.length == 0) {
            throw new IllegalArgumentException("no records");
        }
        int classes = logits[0].length;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != classes || classes == 0) {
                throw new IllegalArgumentException("record " + i + " has " + logits[i].length
                        + " logits, expected " + classes + (classes == 0 ? " (at least 1)" : ""));
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of record " + i
                        + " out of range [0, " + classes + ")");
            }
            for (float v : logits[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("record " + i + " has a non-finite logit: " + v);
                }
            }
        }
    }
}
