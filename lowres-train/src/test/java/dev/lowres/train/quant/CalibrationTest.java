package dev.lowres.train.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Activation quantization parameters: 7-bit levels, so that fbgemm's AVX2 int16 pair sums cannot saturate. */
class CalibrationTest {
    @Test
    void activationsUseLevelsZeroTo127WithZeroExact() {
        double[] p = Calibration.qparams(new double[] {-1.0, 1.54});
        assertEquals(2.54 / 127, p[0], 1e-12, "the range spread over 127 steps, not 255");
        assertEquals(50, p[1], "zero point: -lo / scale, rounded");
        // the range's ends land on levels 0 and 127
        assertEquals(0, Math.round(-1.0 / p[0] + p[1]));
        assertEquals(127, Math.round(1.54 / p[0] + p[1]));
        // a range of non-negative values (after a ReLU) starts at level 0
        assertEquals(0, Calibration.qparams(new double[] {0, 6.58})[1]);
        // 2 x 127 x 127 (the largest pair sum of vpmaddubsw) fits in int16
        assertEquals(true, 2 * Calibration.LEVELS * 127 <= Short.MAX_VALUE);
    }
}
