package dev.lowres.data.load;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** What Mixup and CutMix share: Beta draws, the partner permutation, and the mixing of soft targets. */
final class Mixing {
    private Mixing() {
    }

    /**
     * A draw from Beta(alpha, alpha) as X / (X + Y) with X, Y ~ Gamma(alpha) (Marsaglia &amp; Tsang 2000),
     * computed from the logarithms so that small alphas do not underflow.
     */
    static double beta(double alpha, SplittableRandom random) {
        double logX = logGamma(alpha, random);
        double logY = logGamma(alpha, random);
        return 1 / (1 + Math.exp(logY - logX));
    }

    /**
     * The logarithm of a Gamma(shape, 1) draw: Marsaglia &amp; Tsang's squeeze for shape &gt;= 1; for shape
     * &lt; 1, Gamma(shape + 1) * U^(1/shape).
     */
    static double logGamma(double shape, SplittableRandom random) {
        if (shape < 1) {
            double u = 1 - random.nextDouble(); // (0, 1]
            return logGamma(shape + 1, random) + Math.log(u) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            double x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2 || (u > 0 && Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v)))) {
                return Math.log(d) + Math.log(v);
            }
        }
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates, as {@code torch.randperm} in distribution). */
    static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Targets of row i become {@code lambda * t[i] + (1 - lambda) * t[partner[i]]}. */
    static void mixTargets(FloatBatch batch, int[] partner, float lambda) {
        int n = batch.size();
        int classes = batch.classes();
        FloatBuffer targets = batch.targets();
        float[] copy = batch.targetScratch();
        targets.get(0, copy, 0, n * classes);
        float rest = 1 - lambda;
        float[] row = new float[classes];
        for (int i = 0; i < n; i++) {
            int a = i * classes;
            int b = partner[i] * classes;
            for (int k = 0; k < classes; k++) {
                row[k] = lambda * copy[a + k] + rest * copy[b + k];
            }
            targets.put(a, row, 0, classes);
        }
    }
}
