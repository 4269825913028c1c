package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lowres demo} runs the whole pipeline, ends well above chance and prints its report's path. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void demoRunsEveryStepAndWritesTheReport() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path demo = dir.resolve("demo");
        int code = Main.run(new String[] {"demo", "--output", demo.toString(), "--classes", "10",
            "--train-per-class", "30", "--val-per-class", "10", "--epochs", "3", "-q"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        String text = out.toString();
        for (String step : new String[] {"[1/7] synth", "[2/7] build", "[3/7] verify", "[4/7] export", "[5/7] train",
            "[6/7] evaluate", "[7/7] baseline"}) {
            assertTrue(text.contains(step), "missing step " + step + " in:\n" + text);
        }
        Matcher accuracy = Pattern.compile("val top-1: ([0-9.]+)%").matcher(text);
        assertTrue(accuracy.find(), text);
        assertTrue(Double.parseDouble(accuracy.group(1)) >= 40, "the network is well above the 10% chance: " + text);
        Path report = demo.resolve("report.html");
        assertTrue(text.contains("report: " + report.toAbsolutePath().normalize()), text);
        String html = Files.readString(report);
        assertTrue(html.contains("data:image/png;base64,"), "contact sheets are embedded");
        assertTrue(html.contains("truncated") && html.contains("not_an_image"), "skipped inputs are listed");

        // the evaluation stage: its report is linked, and its top-1 is the training run's last validation
        Matcher evalLine = Pattern.compile("evaluation report: (\\S+)").matcher(text);
        assertTrue(evalLine.find(), text);
        Path evalReport = Path.of(evalLine.group(1));
        assertTrue(html.contains(demo.relativize(evalReport).toString()), "the demo report links the evaluation");
        com.fasterxml.jackson.databind.JsonNode metrics = dev.lowres.data.store.Json.mapper().readTree(
                evalReport.resolveSibling("metrics.json").toFile());
        assertEquals(Double.parseDouble(accuracy.group(1)), 100 * metrics.at("/accuracy/top1").asDouble(), 0.05 + 1e-9);
        assertEquals(100, metrics.at("/data/records").asInt());
        assertEquals(9, metrics.at("/robustness/corruptions").size());
        assertTrue(metrics.at("/robustness/adversarial/pgd_top1").isNumber());
        String evalHtml = Files.readString(evalReport);
        assertTrue(evalHtml.contains("Reliability"), "the reliability diagram is drawn");

        // a second run replaces the first demo; a folder that is not a demo is refused
        assertEquals(0, Main.run(new String[] {"demo", "--output", demo.toString(), "--classes", "3",
            "--train-per-class", "8", "--val-per-class", "4", "--epochs", "1", "-q"}, new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter())));
        Path other = Files.createDirectories(dir.resolve("precious"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        StringWriter refused = new StringWriter();
        assertEquals(ExitCodes.CANT_CREATE, Main.run(new String[] {"demo", "--output", other.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(refused, true)));
        assertTrue(refused.toString().contains("not an earlier demo"), refused.toString());
        assertTrue(Files.exists(other.resolve("notes.txt")));
    }
}
