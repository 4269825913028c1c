package dev.lowres.data.corrupt;

import java.util.SplittableRandom;

/**
 * Normal and Poisson draws from a {@link SplittableRandom}, written out here (rather than the JDK's
 * {@code nextGaussian}) so that the numbers depend only on the generator's documented stream.
 */
final class Sampling {
    private static final int LOG_FACTORIAL_TABLE = 1024;
    private static final double[] LOG_FACTORIAL = new double[LOG_FACTORIAL_TABLE];
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    static {
        for (int k = 2; k < LOG_FACTORIAL_TABLE; k++) {
            LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);
        }
    }

    private final SplittableRandom random;
    private boolean haveSpare;
    private double spare;

    Sampling(SplittableRandom random) {
        this.random = random;
    }

    double uniform() {
        return random.nextDouble();
    }

    /** A standard normal draw: Marsaglia's polar method, the second value of each pair kept for the next call. */
    double normal() {
        if (haveSpare) {
            haveSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * m;
        haveSpare = true;
        return u * m;
    }

    /**
     * A Poisson draw of mean {@code lambda}: multiplication of uniforms (Knuth) below 10, above it Hörmann's
     * transformed rejection with squeeze, PTRS (W. Hörmann, "The transformed rejection method for generating
     * Poisson random variables", Insurance: Mathematics and Economics 12, 1993), the algorithm numpy's
     * {@code random.poisson} uses for large means.
     */
    long poisson(double lambda) {
        return poisson(new PoissonMean(lambda));
    }

    /** As {@link #poisson(double)}, with the per-mean constants computed once. */
    long poisson(PoissonMean m) {
        double lambda = m.lambda;
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 10) {
            double p = random.nextDouble();
            long k = 0;
            while (p > m.expMinus) {
                k++;
                p *= random.nextDouble();
            }
            return k;
        }
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double us = 0.5 - Math.abs(u);
            long k = (long) Math.floor((2 * m.a / us + m.b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= m.vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (Math.log(v) + m.logInvAlpha - Math.log(m.a / (us * us) + m.b)
                    <= -lambda + k * m.logLambda - logFactorial(k)) {
                return k;
            }
        }
    }

    /** The constants of PTRS (and of the small-mean method) for one mean. */
    static final class PoissonMean {
        final double lambda;
        final double expMinus;
        final double logLambda;
        final double a;
        final double b;
        final double logInvAlpha;
        final double vr;

        PoissonMean(double lambda) {
            this.lambda = lambda;
            this.expMinus = Math.exp(-lambda);
            double slam = Math.sqrt(lambda);
            this.logLambda = Math.log(lambda);
            this.b = 0.931 + 2.53 * slam;
            this.a = -0.059 + 0.02483 * b;
            this.logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
            this.vr = 0.9277 - 3.6224 / (b - 2);
        }
    }

    /** {@code log(k!)}: a table below 1024, Stirling's series (error below 1e-17 relative) above. */
    static double logFactorial(long k) {
        if (k < LOG_FACTORIAL_TABLE) {
            return LOG_FACTORIAL[(int) k];
        }
        double x = k;
        double inv = 1 / x;
        double inv2 = inv * inv;
        return (x + 0.5) * Math.log(x) - x + HALF_LOG_2PI
                + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
    }
}
