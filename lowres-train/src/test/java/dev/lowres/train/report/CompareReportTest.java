package dev.lowres.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareReportTest {
    /** Three models x three seeds on val; ImageNetV2 top-1 exactly 0.8 x + 0.05. */
    static List<CompareRow> rows(double noise) {
        List<CompareRow> rows = new ArrayList<>();
        String[] models = {"wrn-28-2", "wrn-28-5", "wrn-28-10"};
        java.util.Random rnd = new java.util.Random(5);
        for (int mi = 0; mi < models.length; mi++) {
            for (int seed = 0; seed < 3; seed++) {
                double val = 0.40 + 0.08 * mi + 0.02 * seed;
                double v2 = 0.8 * val + 0.05 + noise * rnd.nextGaussian();
                String run = "runs/" + models[mi] + "-s" + seed;
                String group = models[mi] + " imagenet32-paper";
                rows.add(new CompareRow(run, models[mi], "imagenet32-paper", seed, group, "val",
                        ReportSamples.typed(ReportSamples.compareMetrics(val, val + 0.24, seed))));
                rows.add(new CompareRow(run, models[mi], "imagenet32-paper", seed, group, "imagenetv2",
                        ReportSamples.typed(ReportSamples.compareMetrics(v2, v2 + 0.22, seed))));
            }
        }
        return rows;
    }

    @Test
    void scatterHasOnePointPerRunAndTheExactFit() throws Exception {
        List<CompareRow> rows = rows(0);
        // a run evaluated on val only has no point
        rows.add(new CompareRow("runs/resnet-s0", "resnet-18", "imagenet32-paper", 0, "resnet", "val",
                ReportSamples.typed(ReportSamples.compareMetrics(0.5, 0.7, 0))));
        String html = CompareReport.html(rows, "val", "imagenetv2");
        EvalReportTest.parse(html);
        List<String> svgs = EvalReportTest.svgs(html);
        // the scatter, then the Pareto section's top-1 against latency (the samples hold latencies, no non-zero counts)
        assertEquals(2, svgs.size());
        assertTrue(html.indexOf("id=\"pareto\"") > html.indexOf(svgs.get(0)));
        assertEquals(9, EvalReportTest.count(svgs.get(0), "class=\"point\""));
        assertTrue(html.contains("y = 0.8x + 0.05, r² = 1"), "slope 0.8, intercept 0.05");
        assertTrue(svgs.get(0).contains(">y = x</text>"), "the diagonal is labelled");
        assertTrue(html.contains("<title>runs/wrn-28-5-s1 (wrn-28-5, seed 1): val 50.0%, imagenetv2 45.0%</title>"));
    }

    @Test
    void compressedRunsGetTop1AgainstSizeAndLatencyWithTheirFront() throws Exception {
        List<CompareRow> rows = new java.util.ArrayList<>();
        double[][] runs = {{0.90, 691834, 2.2}, {0.89, 352698, 1.9}, {0.89, 140192, 2.3}, {0.85, 800000, 3.0}};
        for (int i = 0; i < runs.length; i++) {
            com.fasterxml.jackson.databind.node.ObjectNode m = ReportSamples.compareMetrics(runs[i][0], 0.99, i);
            m.putObject("efficiency").put("nonzero_parameters", (long) runs[i][1]).put("latency_ms_batch1", runs[i][2]);
            rows.add(new CompareRow("runs/r" + i, "wrn-16-2", "cosine", i, "r" + i, "test", ReportSamples.typed(m)));
        }
        String html = CompareReport.html(rows, null, null);
        EvalReportTest.parse(html);
        String pareto = html.substring(html.indexOf("id=\"pareto\""));
        assertEquals(2, EvalReportTest.count(pareto, "<svg"), "against size and against latency");
        assertTrue(pareto.contains("Pareto front (no other run is both more accurate and cheaper in non-zero "
                + "parameters): r2, r0."), pareto);
        assertTrue(pareto.contains("cheaper in latency at batch 1 (ms)): r1, r0."), pareto);
    }

    @Test
    void seedStudyHasMeanSampleStdMinMax() throws Exception {
        String html = CompareReport.html(rows(0), "val", "imagenetv2");
        int at = html.indexOf("<h3>on val</h3>");
        assertTrue(at > 0);
        String table = html.substring(at, html.indexOf("</table>", at));
        // wrn-28-2's top-1 0.40, 0.42, 0.44: mean 42.0%, sample std 2.00 points, min 40.0%, max 44.0%, range 4.00
        assertTrue(table.contains("<strong>wrn-28-2 imagenet32-paper</strong><br/><span class=\"muted small\">seeds "
                + "0, 1, 2</span></td><td>top-1 accuracy</td><td class=\"num\">3</td><td class=\"num\">42.0%</td>"
                + "<td class=\"num\">2.00 pts</td><td class=\"num\">40.0%</td><td class=\"num\">44.0%</td>"
                + "<td class=\"num\">4.00 pts</td></tr>"), table);
        assertEquals(3, EvalReportTest.count(table, "<tr class=\"first\">"), "3 groups");
        assertTrue(table.contains("the same for every seed: ") && table.contains("parameters 1,596,216"),
                "constant metrics are listed, not tabulated");
        assertEquals(2, EvalReportTest.count(html, "<h3>on "), "2 eval sets");
        EvalReportTest.parse(html);
    }

    @Test
    void tableHasEveryRunAndEvalSet() throws Exception {
        String html = CompareReport.html(rows(0.01), null, null);
        int start = html.indexOf("id=\"all\"");
        String table = html.substring(start, html.indexOf("</table>", start));
        assertEquals(18, EvalReportTest.count(table, "<td><code>runs/"), "9 runs x 2 eval sets");
        assertTrue(table.indexOf("<td>val</td>") < table.indexOf("<td>imagenetv2</td>"), "the caller's order");
        String all = html.substring(start, html.indexOf("id=\"seeds\""));
        assertTrue(all.contains(">1,596,216<"));
        assertFalse(all.contains("<strong>1,596,216</strong>"), "no best where all are equal");
        assertTrue(table.contains("<strong>60.0%</strong>"), "best val top-1 is bold");
        assertTrue(html.contains("Top-1 on imagenetv2 vs val") || html.contains("Top-1 on val vs imagenetv2"));
        assertFalse(html.contains("NaN"));
    }

    @Test
    void oneEvalSetSkipsTheScatter() throws Exception {
        List<CompareRow> rows = rows(0).stream().filter(r -> r.evalName().equals("val")).toList();
        String html = CompareReport.html(rows, null, null);
        assertTrue(html.contains("Scatter skipped: it needs two different eval sets"));
        EvalReportTest.parse(html);
        List<CompareRow> one = List.of(rows.get(0));
        String single = CompareReport.html(one, "val", "imagenetv2");
        assertTrue(single.contains("No seed study"));
        assertTrue(single.contains("Scatter skipped: no run has top-1 on both val and imagenetv2"));
    }
}
