package dev.lowres.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CalibrationAccumulatorTest {
    /**
     * Four records, two classes, four bins (0, .25], (.25, .5], (.5, .75], (.75, 1]:
     * <pre>
     * probs       label  prediction  confidence  bin  right
     * .9 .1       0      0           .9          3    yes
     * .8 .2       1      0           .8          3    no
     * .6 .4       0      0           .6          2    yes
     * .5 .5       1      0 (tie)     .5 (edge)   1    no
     * </pre>
     * bin 3: n 2, conf .85, acc .5, gap .35; bin 2: n 1, conf .6, acc 1, gap .4; bin 1: n 1, conf .5, acc 0,
     * gap .5. ECE = .35*2/4 + .4/4 + .5/4 = .175 + .1 + .125 = .4; MCE = .5.
     * NLL = -(ln .9 + ln .2 + ln .6 + ln .5)/4 = (0.1053605 + 1.6094379 + 0.5108256 + 0.6931472)/4 = 0.7296928.
     * Brier = ((.01 + .01) + (.64 + .64) + (.16 + .16) + (.25 + .25))/4 = 2.12/4 = .53.
     */
    @Test
    void handWorkedExample() {
        CalibrationAccumulator c = new CalibrationAccumulator(4);
        c.add(0, new float[] {0.9f, 0.1f});
        c.add(1, new float[] {0.8f, 0.2f});
        c.add(0, new float[] {0.6f, 0.4f});
        c.add(1, new float[] {0.5f, 0.5f});
        CalibrationResult r = c.result();
        assertEquals(4, r.records());
        assertEquals(0.4, r.ece(), 1e-6);
        assertEquals(0.5, r.mce(), 1e-6);
        assertEquals(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.6) + Math.log(0.5)) / 4, r.nll(), 1e-6);
        assertEquals(0.7296928, r.nll(), 1e-6);
        assertEquals(0.53, r.brier(), 1e-6);
        assertEquals(0.5, r.accuracy());
        assertEquals(0.7, r.meanConfidence(), 1e-6);
        assertEquals(4, r.bins().size());
        assertEquals(new ReliabilityBin(0, 0.25, 0, Double.NaN, Double.NaN), r.bins().get(0));
        ReliabilityBin b1 = r.bins().get(1);
        assertEquals(0.25, b1.lower());
        assertEquals(0.5, b1.upper());
        assertEquals(1, b1.count());
        assertEquals(0.5, b1.meanConfidence());
        assertEquals(0.0, b1.accuracy());
        assertEquals(2, r.bins().get(3).count());
        assertEquals(0.85, r.bins().get(3).meanConfidence(), 1e-6);
        assertEquals(0.5, r.bins().get(3).accuracy());
    }

    @Test
    void edgesGoToTheLowerBinAndZeroToBinZero() {
        assertEquals(0, CalibrationAccumulator.bin(0, 4));
        assertEquals(0, CalibrationAccumulator.bin(0.25, 4));
        assertEquals(1, CalibrationAccumulator.bin(Math.nextUp(0.25), 4));
        assertEquals(1, CalibrationAccumulator.bin(0.5, 4));
        assertEquals(3, CalibrationAccumulator.bin(1, 4));
        assertEquals(14, CalibrationAccumulator.bin(1, 15));
        // every double edge b/15 goes below itself, the next double above it
        for (int b = 1; b < 15; b++) {
            double edge = (double) b / 15;
            assertEquals(b - 1, CalibrationAccumulator.bin(edge, 15), "edge " + b);
            assertEquals(b, CalibrationAccumulator.bin(Math.nextUp(edge), 15), "above edge " + b);
        }
        // a float 0.2f is a little above 0.2, so with 5 bins it is not on the edge
        assertEquals(1, CalibrationAccumulator.bin(0.2f, 5));
    }

    @Test
    void confidentAndRightIsPerfect() {
        CalibrationAccumulator c = new CalibrationAccumulator();
        for (int i = 0; i < 10; i++) {
            float[] p = new float[5];
            p[i % 5] = 1f;
            c.add(i % 5, p);
        }
        CalibrationResult r = c.result();
        assertEquals(0.0, r.brier());
        assertEquals(0.0, r.ece());
        assertEquals(0.0, r.nll());
        assertEquals(1.0, r.accuracy());
        assertEquals(10, r.bins().get(14).count());
        assertEquals(15, r.bins().size());
    }

    @Test
    void uniformNllIsLogClassesAndZeroIsClamped() {
        CalibrationAccumulator c = new CalibrationAccumulator();
        float[] uniform = new float[10];
        Arrays.fill(uniform, 0.1f);
        c.add(3, uniform);
        c.add(7, uniform);
        assertEquals(Math.log(10), c.result().nll(), 1e-6);
        // Brier of uniform over C classes: (1 - 1/C)^2 + (C - 1)/C^2 = 1 - 1/C
        assertEquals(0.9, c.result().brier(), 1e-6);

        CalibrationAccumulator z = new CalibrationAccumulator();
        z.add(1, new float[] {1f, 0f});
        assertEquals(-Math.log(1e-12), z.result().nll(), 1e-9);
        assertEquals(2.0, z.result().brier());
        assertEquals(1.0, z.result().ece());

        CalibrationAccumulator none = new CalibrationAccumulator();
        none.add(0, new float[] {0f, 0f}); // confidence 0: bin 0
        assertEquals(1, none.result().bins().get(0).count());
    }

    @Test
    void givenPredictionAndMerge() {
        CalibrationAccumulator c = new CalibrationAccumulator(4);
        c.add(1, new float[] {0.5f, 0.5f}, 1); // the tie resolved by the caller: right
        assertEquals(1.0, c.result().accuracy());
        CalibrationAccumulator a = new CalibrationAccumulator(4);
        a.add(0, new float[] {0.9f, 0.1f});
        CalibrationAccumulator b = new CalibrationAccumulator(4);
        b.add(1, new float[] {0.8f, 0.2f});
        a.merge(b);
        CalibrationAccumulator both = new CalibrationAccumulator(4);
        both.add(0, new float[] {0.9f, 0.1f});
        both.add(1, new float[] {0.8f, 0.2f});
        assertEquals(both.result(), a.result());
    }

    @Test
    void badInput() {
        CalibrationAccumulator c = new CalibrationAccumulator();
        assertThrows(IllegalArgumentException.class, () -> c.add(2, new float[] {0.5f, 0.5f}));
        assertThrows(IllegalArgumentException.class, () -> c.add(0, new float[] {Float.NaN, 0.5f}));
        assertThrows(IllegalArgumentException.class, () -> c.add(0, new float[] {1.5f, 0.5f}));
        c.add(0, new float[] {0.5f, 0.5f});
        assertThrows(IllegalArgumentException.class, () -> c.add(0, new float[] {0.5f, 0.25f, 0.25f}));
        assertThrows(IllegalArgumentException.class, () -> new CalibrationAccumulator(0));
        assertTrue(Double.isNaN(new CalibrationAccumulator().result().ece()));
    }
}
