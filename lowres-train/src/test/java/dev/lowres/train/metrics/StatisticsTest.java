package dev.lowres.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatisticsTest {
    @Test
    void summary() {
        // mean 2.5; squared deviations 2.25 + .25 + .25 + 2.25 = 5; sample variance 5/3
        Summary s = Summary.of(new double[] {4, 1, 3, 2});
        assertEquals(new Summary(4, 2.5, Math.sqrt(5.0 / 3), 1, 4), s);
        assertEquals(1.2909944487358056, s.std(), 1e-15);
        assertEquals(new Summary(1, 0.7, 0, 0.7, 0.7), Summary.of(new double[] {0.7}));
        // values close together keep their spread (two passes)
        Summary close = Summary.of(new double[] {1e9 + 1, 1e9 + 2, 1e9 + 3});
        assertEquals(1.0, close.std(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new double[] {1, Double.NaN}));
    }

    @Test
    void linearFit() {
        LinearFit exact = LinearFit.of(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7});
        assertEquals(2, exact.slope(), 1e-15);
        assertEquals(1, exact.intercept(), 1e-15);
        assertEquals(1, exact.r2(), 1e-15);
        // mean (2.5, 3.5); Sxx 5, Sxy 4: slope .8, intercept 1.5; residuals -.3 -.1 1.1 -.7: SSres 1.8, SStot 5
        LinearFit noisy = LinearFit.of(new double[] {1, 2, 3, 4}, new double[] {2, 3, 5, 4});
        assertEquals(0.8, noisy.slope(), 1e-15);
        assertEquals(1.5, noisy.intercept(), 1e-15);
        assertEquals(0.64, noisy.r2(), 1e-15);
        assertEquals(4, noisy.n());
        assertEquals(3.9, noisy.predict(3), 1e-15);
        assertTrue(Double.isNaN(LinearFit.of(new double[] {1, 2}, new double[] {5, 5}).r2()));
        assertThrows(IllegalArgumentException.class, () -> LinearFit.of(new double[] {1, 1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> LinearFit.of(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> LinearFit.of(new double[] {1, 2}, new double[] {1}));
    }

    @Test
    void inverseNormal() {
        // reference values: Python's statistics.NormalDist().inv_cdf (Wichura's AS241)
        assertEquals(1.959963984540054, Normal.inverseCdf(0.975), 1e-6);
        assertEquals(1.9599639845400536, Normal.inverseCdf(0.975), 1e-13);
        assertEquals(0.0, Normal.inverseCdf(0.5), 1e-15);
        assertEquals(1.0, Normal.inverseCdf(0.8413447460685429), 1e-13);
        assertEquals(-0.5244005127080407, Normal.inverseCdf(0.3), 1e-13);
        assertEquals(-3.090232306167813, Normal.inverseCdf(0.001), 1e-13);
        assertEquals(3.090232306167813, Normal.inverseCdf(0.999), 1e-12);
        assertEquals(-6.361340902404056, Normal.inverseCdf(1e-10), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, Normal.inverseCdf(0));
        assertEquals(Double.POSITIVE_INFINITY, Normal.inverseCdf(1));
        assertThrows(IllegalArgumentException.class, () -> Normal.inverseCdf(1.5));
        // round trip through the CDF across the three regions of Acklam's algorithm
        for (double p = 0.001; p < 1; p += 0.00731) {
            assertEquals(p, Normal.cdf(Normal.inverseCdf(p)), 1e-15 + 1e-13 * p, "p = " + p);
        }
        assertEquals(0.975, Normal.cdf(1.959963984540054), 1e-15);
        assertEquals(0.5, Normal.cdf(0), 0);
    }

    @Test
    void probitFit() {
        // y = Phi(0.5 + 1.2 Phi^-1(x)), y from Python's statistics.NormalDist
        double[] x = {0.6, 0.7, 0.8, 0.9};
        double[] y = {0.7893062839265512, 0.8706102621797904, 0.9344713318389769, 0.9792181260291692};
        LinearFit f = LinearFit.probit(x, y);
        assertTrue(f.probit());
        assertEquals(1.2, f.slope(), 1e-12);
        assertEquals(0.5, f.intercept(), 1e-12);
        assertEquals(1.0, f.r2(), 1e-12);
        assertEquals(0.9344713318389769, f.predict(0.8), 1e-12);
        // a linear fit of the same points is not exact
        assertTrue(LinearFit.of(x, y).r2() < 0.999);
        assertThrows(IllegalArgumentException.class, () -> LinearFit.probit(new double[] {0, 0.5}, new double[] {0.2, 0.3}));
        assertThrows(IllegalArgumentException.class, () -> LinearFit.probit(new double[] {0.1, 0.5}, new double[] {0.2, 1}));
    }
}
