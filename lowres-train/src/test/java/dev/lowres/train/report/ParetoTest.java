package dev.lowres.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoTest {
    @Test
    void theFrontHoldsTheRunsNoOtherBeatsOnBoth() {
        // base: big and best; p50: half the size, a little worse; s80: smaller still, worse; bad: bigger and worse
        double[] cost = {1000, 500, 200, 1200, 500};
        double[] top1 = {0.90, 0.89, 0.87, 0.85, 0.80};
        assertArrayEquals(new int[] {2, 1, 0}, Pareto.front(cost, top1));
        assertArrayEquals(new int[] {0}, Pareto.front(new double[] {1, 1}, new double[] {0.5, 0.5}),
                "of equal runs one stands for both");
    }

    @Test
    void theChartNamesTheFrontAndNeedsTwoRuns() {
        EvalReport.Figure f = Pareto.chart(List.of("base", "p50", "bad"), new double[] {1000, 500, 1200},
                new double[] {0.9, 0.89, 0.85}, "non-zero parameters");
        assertTrue(f.svg().startsWith("<svg") && f.caption().contains("Pareto front")
                && f.caption().contains(": p50, base."), f.toString());
        assertEquals(null, Pareto.chart(List.of("base"), new double[] {1000}, new double[] {0.9}, "x"));
        assertEquals(null, Pareto.chart(List.of("a", "b"), new double[] {1000, Double.NaN}, new double[] {0.9, 0.8}, "x"));
    }
}
