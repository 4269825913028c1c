package dev.lowres.train.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes sample reports to look at in a browser: {@code -Dlowres.report.sample=/tmp/report-sample} writes
 * eval.html (1000 classes, with ImageNet's names from the test resources' map_clsloc.txt), eval10.html (ten
 * classes, some sections skipped) and compare.html.
 */
@EnabledIfSystemProperty(named = "lowres.report.sample", matches = ".+")
class ReportSampleTest {
    @Test
    void writeSamples() throws Exception {
        Path dir = Path.of(System.getProperty("lowres.report.sample"));
        Files.createDirectories(dir);
        String[][] classes = new String[1000][];
        Path map = Fixtures.imagenetReference().resolve("map_clsloc.txt");
        List<String> lines = Files.readAllLines(map).stream().filter(l -> !l.isBlank()).sorted().toList();
        for (int i = 0; i < 1000; i++) {
            String[] f = lines.get(i).split(" ");
            classes[i] = new String[] {f[0], f[2].replace('_', ' ')};
        }
        ObjectNode m = ReportSamples.metrics(classes, 24, 7);
        ((ObjectNode) m.path("data")).put("records", 50000).put("classes", 1000);
        EvalReport.write(dir.resolve("eval.html"), ReportSamples.typed(m), ReportSamples.typed(ReportSamples.runLines(40, 1000)), ReportSamples.pngs(m));

        ObjectNode ten = ReportSamples.metrics(ReportSamples.TEN, 12, 1);
        ten.putNull("multilabel");
        ((ObjectNode) ten.path("robustness")).putNull("adversarial");
        ((ObjectNode) ten.path("skipped")).put("multilabel", "no --real-labels or --labels given")
                .put("adversarial", "--attacks none");
        EvalReport.write(dir.resolve("eval10.html"), ReportSamples.typed(ten), ReportSamples.typed(ReportSamples.runLines(12, 10)), ReportSamples.pngs(ten));

        CompareReport.write(dir.resolve("compare.html"), CompareReportTest.rows(0.012), "val", "imagenetv2");
    }
}
