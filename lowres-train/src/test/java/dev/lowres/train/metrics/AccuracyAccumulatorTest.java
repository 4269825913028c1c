package dev.lowres.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccuracyAccumulatorTest {
    /**
     * Six classes, seven records (label: top-5):
     * <pre>
     * 0: 0 1 2 3 4   top-1 right
     * 0: 1 0 2 3 4   top-1 wrong (0 -> 1), top-5 right
     * 0: 1 2 3 4 5   wrong (0 -> 1), not in top-5
     * 1: 2 1 0 3 4   wrong (1 -> 2), top-5 right
     * 1: 1 0 2 3 4   right
     * 2: 0 1 3 4 5   wrong (2 -> 0), not in top-5
     * 3: 3 0 1 2 4   right
     * </pre>
     * top-1 3/7, top-5 5/7; per class 1/3, 1/2, 0, 1 (classes 4 and 5 have no records), mean 11/24;
     * most confused: (0 -> 1) x2 = 2/3 of class 0, then (1 -> 2) x1 = 1/2, then (2 -> 0) x1 = 1/1.
     */
    static AccuracyAccumulator example() {
        AccuracyAccumulator acc = new AccuracyAccumulator(6);
        acc.add(0, new int[] {0, 1, 2, 3, 4});
        acc.add(0, new int[] {1, 0, 2, 3, 4});
        acc.add(0, new int[] {1, 2, 3, 4, 5});
        acc.add(1, new int[] {2, 1, 0, 3, 4});
        acc.add(1, new int[] {1, 0, 2, 3, 4});
        acc.add(2, new int[] {0, 1, 3, 4, 5});
        acc.add(3, new int[] {3, 0, 1, 2, 4});
        return acc;
    }

    @Test
    void handWorkedExample() {
        AccuracyResult r = example().result();
        assertEquals(7, r.records());
        assertEquals(3, r.top1Correct());
        assertEquals(5, r.top5Correct());
        assertEquals(3.0 / 7, r.top1(), 1e-15);
        assertEquals(5.0 / 7, r.top5(), 1e-15);
        assertEquals(11.0 / 24, r.meanPerClass(), 1e-15);
        assertEquals(new ClassAccuracy(0, 3, 1, 1.0 / 3), r.perClass().get(0));
        assertEquals(new ClassAccuracy(1, 2, 1, 0.5), r.perClass().get(1));
        assertEquals(new ClassAccuracy(2, 1, 0, 0.0), r.perClass().get(2));
        assertEquals(new ClassAccuracy(3, 1, 1, 1.0), r.perClass().get(3));
        assertEquals(0, r.perClass().get(4).count());
        assertTrue(Double.isNaN(r.perClass().get(5).accuracy()));
        assertEquals(2, r.confusion().count(0, 1));
        assertEquals(1, r.confusion().count(0, 0));
        assertEquals(3, r.confusion().rowTotal(0));
        assertEquals(List.of(new ConfusedPair(0, 1, 2, 2.0 / 3), new ConfusedPair(1, 2, 1, 0.5),
                new ConfusedPair(2, 0, 1, 1.0)), r.mostConfused(10));
        assertEquals(List.of(new ConfusedPair(0, 1, 2, 2.0 / 3), new ConfusedPair(1, 2, 1, 0.5)), r.mostConfused(2));
        assertEquals(List.of(), r.mostConfused(0));
    }

    @Test
    void resultIsASnapshotAndImmutable() {
        AccuracyAccumulator acc = example();
        AccuracyResult r = acc.result();
        acc.add(5, new int[] {5, 0, 1, 2, 3});
        assertEquals(7, r.records());
        long[][] m = r.confusion().toArray();
        m[0][1] = 99;
        assertEquals(2, r.confusion().count(0, 1));
        assertThrows(UnsupportedOperationException.class, () -> r.perClass().clear());
        assertEquals(8, acc.result().records());
    }

    @Test
    void fewerThanFiveClassesAndScores() {
        AccuracyAccumulator acc = new AccuracyAccumulator(3);
        acc.addScores(2, new float[] {0.5f, 0.2f, 0.3f}); // top-1 0, label among all 3
        acc.add(1, new int[] {1, 0, 2});
        AccuracyResult r = acc.result();
        assertEquals(0.5, r.top1());
        assertEquals(1.0, r.top5());
        assertThrows(IllegalArgumentException.class, () -> acc.add(0, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new AccuracyAccumulator(6).add(0, new int[] {0, 1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> acc.add(3, new int[] {0, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> acc.add(0, new int[] {0, 1, 7}));
    }

    @Test
    void mergeEqualsOneAccumulator() {
        AccuracyAccumulator a = example();
        AccuracyAccumulator b = new AccuracyAccumulator(6);
        b.add(4, new int[] {5, 4, 0, 1, 2});
        a.merge(b);
        AccuracyAccumulator all = example();
        all.add(4, new int[] {5, 4, 0, 1, 2});
        assertEquals(all.result(), a.result());
    }

    @Test
    void emptyGivesNaN() {
        AccuracyResult r = new AccuracyAccumulator(2).result();
        assertEquals(0, r.records());
        assertTrue(Double.isNaN(r.top1()));
        assertTrue(Double.isNaN(r.meanPerClass()));
    }
}
