package dev.lowres.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TemperatureTest {
    /** Logits z ~ N(0, spread^2) per class; labels drawn from softmax(z / t0) with a seeded Random. */
    static int[] sample(float[][] logits, double t0, double spread, Random random) {
        int[] labels = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            for (int k = 0; k < logits[i].length; k++) {
                logits[i][k] = (float) (random.nextGaussian() * spread);
            }
            float[] p = Temperature.softmax(logits[i], t0);
            double u = random.nextDouble();
            int k = 0;
            double cum = p[0];
            while (u >= cum && k < p.length - 1) {
                cum += p[++k];
            }
            labels[i] = k;
        }
        return labels;
    }

    @Test
    void softmaxIsStable() {
        float[] p = Temperature.softmax(new float[] {1000f, 1000f, 0f}, 1.0);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, p);
        float[] q = Temperature.softmax(new float[] {0f, (float) Math.log(3)}, 1.0);
        assertEquals(0.25f, q[0], 1e-7);
        assertEquals(0.75f, q[1], 1e-7);
        // T = 2 halves the logits: softmax(0, ln 9 / 2) = softmax(0, ln 3)
        float[] r = Temperature.softmax(new float[] {0f, (float) Math.log(9)}, 2.0);
        assertEquals(0.25f, r[0], 1e-7);
        assertThrows(IllegalArgumentException.class, () -> Temperature.softmax(new float[] {0f}, 0));
    }

    @Test
    void nllOfEqualLogitsIsLogClasses() {
        float[][] z = new float[3][7];
        assertEquals(Math.log(7), Temperature.nll(z, new int[] {0, 3, 6}, 1.0), 1e-12);
        assertEquals(Math.log(7), Temperature.nll(z, new int[] {0, 3, 6}, 5.0), 1e-12);
        // no spread at all: the NLL is flat and T = 1 is returned
        assertEquals(1.0, Temperature.fit(z, new int[] {0, 3, 6}));
    }

    /** The optimum of a small set, found independently by a 200-step golden-section search in numpy. */
    @Test
    void matchesAnIndependentSearch() {
        float[][] z = {{2, 0, -1}, {0.5f, 1.5f, 0}, {1, 1, 3}, {0, -2, 1}};
        int[] y = {0, 0, 2, 1};
        double t = Temperature.fit(z, y);
        assertEquals(3.751783464870233, t, 3.751783464870233 * 1e-6);
        assertEquals(1.059928170503334, Temperature.nll(z, y, t), 1e-12);
        assertEquals(1.3056929466635754, Temperature.nll(z, y, 1.0), 1e-12);
        assertTrue(Temperature.nll(z, y, t) < Temperature.nll(z, y, t * 1.001));
        assertTrue(Temperature.nll(z, y, t) < Temperature.nll(z, y, t / 1.001));
    }

    @Test
    void recoversAKnownTemperature() {
        for (double t0 : new double[] {0.5, 2.5}) {
            float[][] z = new float[20_000][10];
            int[] y = sample(z, t0, 2.0, new Random(42));
            double t = Temperature.fit(z, y);
            assertEquals(t0, t, 0.05 * t0, "T0 = " + t0);
        }
    }

    @Test
    void boundsAndErrors() {
        // perfectly separated: the NLL keeps falling as T falls, so the lower bound
        float[][] z = {{3, 0}, {0, 3}};
        assertEquals(Temperature.MIN_T, Temperature.fit(z, new int[] {0, 1}));
        // always wrong: the NLL keeps falling as T grows, so the upper bound
        assertEquals(Temperature.MAX_T, Temperature.fit(z, new int[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> Temperature.fit(z, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Temperature.fit(z, new int[] {0, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> Temperature.fit(new float[][] {{Float.NaN, 0}}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Temperature.fit(new float[0][], new int[0]));
    }

    @Test
    void studyFitsOnEvenAndEvaluatesOnOdd() {
        // over-confident logits: the labels follow softmax(z / 3)
        float[][] z = new float[4001][10];
        int[] y = sample(z, 3.0, 2.0, new Random(5));
        TemperatureStudy.Result r = TemperatureStudy.run(z, y);
        assertEquals(2001, r.fitRecords());
        assertEquals(2000, r.evalRecords());
        assertEquals(2000, r.before().records());
        assertEquals(3.0, r.temperature(), 0.3);
        assertEquals(r.top1Before(), r.top1After());
        assertTrue(r.after().nll() < r.before().nll(), r.toString());
        assertTrue(r.after().ece() < r.before().ece(), r.toString());
        assertTrue(r.after().brier() < r.before().brier(), r.toString());
        assertTrue(r.after().ece() < 0.05, r.toString());

        // the fit half is the even records: fitting them directly gives the same T
        float[][] even = new float[2001][];
        int[] evenY = new int[2001];
        for (int i = 0; i < z.length; i += 2) {
            even[i / 2] = z[i];
            evenY[i / 2] = y[i];
        }
        assertEquals(Temperature.fit(even, evenY), r.temperature());
        // and the evaluation half's "before" is the odd records at T = 1
        CalibrationAccumulator odd = new CalibrationAccumulator();
        for (int i = 1; i < z.length; i += 2) {
            odd.add(y[i], Temperature.softmax(z[i], 1.0));
        }
        assertEquals(odd.result().nll(), r.before().nll(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TemperatureStudy.run(new float[][] {{1, 2}}, new int[] {0}));
    }
}
