package dev.lowres.train.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparsityScheduleTest {
    @Test
    void theCubicRiseOfZhuAndGupta() {
        SparsitySchedule s = new SparsitySchedule(0.8, 100, 1100, 100);
        assertEquals(0, s.at(0));
        assertEquals(0, s.at(99));
        assertEquals(0, s.at(100), "t = t0: s_f (1 - 1^3)");
        assertEquals(0, s.at(199), "constant until the next rise");
        assertEquals(0.8 * (1 - Math.pow(0.9, 3)), s.at(200), 1e-12);
        assertEquals(0.8 * (1 - Math.pow(0.5, 3)), s.at(600), 1e-12);
        assertEquals(0.8 * (1 - Math.pow(0.5, 3)), s.at(699), 1e-12);
        assertEquals(0.8, s.at(1100));
        assertEquals(0.8, s.at(5000));
        double last = 0;
        for (long t = 0; t < 1200; t++) {
            assertTrue(s.at(t) >= last, "never falls");
            last = s.at(t);
        }
        // the rises shrink: pruning slows as fewer weights are left
        assertTrue(s.at(200) - s.at(100) > s.at(1000) - s.at(900));
    }

    @Test
    void oneShotPrunesEverythingBeforeTheFirstStep() {
        assertEquals(0.5, SparsitySchedule.oneShot(0.5).at(0));
    }

    @Test
    void anAmountOutsideZeroToOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.oneShot(1));
        assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.oneShot(0));
        assertThrows(IllegalArgumentException.class, () -> new SparsitySchedule(0.5, 10, 5, 1));
    }
}
