package dev.lowres.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class EvalReportTest {
    static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every SVG fragment parses as XML on its own; returns them. */
    static List<String> svgs(String html) throws Exception {
        List<String> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            Document d = parse(m.group());
            assertEquals("svg", d.getDocumentElement().getLocalName());
            assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
            out.add(m.group());
        }
        return out;
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void fullReportIsWellFormedAndShowsEverySection() throws Exception {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 12, 1);
        String html = EvalReport.html(ReportSamples.typed(m), ReportSamples.typed(ReportSamples.runLines(40, 10)), ReportSamples.pngs(m));

        Document doc = parse(html); // the whole page is well-formed XML (XHTML-ish)
        assertEquals("html", doc.getDocumentElement().getLocalName());
        List<String> svgs = svgs(html);
        // loss, accuracy, lr, per-class, reliability, counts, corruptions
        assertEquals(7, svgs.size(), "figures");
        for (String id : List.of("summary", "training", "classes", "confused", "calibration", "robustness", "mistakes")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertFalse(html.contains("NaN"), "no NaN leaks from null values");
        assertFalse(html.contains("Infinity"));
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(html).find(), "nothing loaded from the network");
        assertFalse(html.contains("<script"));
    }

    @Test
    void headlineNumbersAreFormattedWithDefinitions() {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 3, 1);
        String html = EvalReport.html(ReportSamples.typed(m), null, Map.of());
        String summary = html.substring(html.indexOf("id=\"summary\""), html.indexOf("id=\"training\""));
        for (String s : List.of(">43.1%<", ">67.2%<", ">42.9%<", ">2.482<", ">49.3%<", ">11.4%<", ">5.1%<", ">5.2%<",
                ">1.9%<", ">44.0%<", ">20.4%<", ">9.7%<", ">1,596,216<", ">0.429<", ">8.13 ms<", ">903<", ">851<")) {
            assertTrue(summary.contains(s), s + " in the summary");
        }
        assertTrue(summary.contains("over the 468 labelled records"), "definitions are filled in from the metrics");
        assertTrue(summary.contains("ε = 1/255"));
        assertTrue(summary.contains("T = 1.31"));
        assertTrue(summary.contains("10-step projected-gradient"));
        // the calibration table has the finer figures; the reliability title has the ECE
        assertTrue(html.contains("Reliability, ECE 5.1% (1.9% after temperature 1.31)"));
        assertTrue(html.contains(">5.12%<"));
        // header
        assertTrue(html.contains("<h1>Evaluation: wrn-28-2 on imagenet32 / val</h1>"));
        assertTrue(html.contains("3×32×32"));
        assertTrue(html.contains(">500<"), "records");
    }

    @Test
    void textIsEscaped() throws Exception {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 12, 1);
        ((ObjectNode) m.path("run")).put("model", "wrn\"<x>");
        String html = EvalReport.html(ReportSamples.typed(m), null, ReportSamples.pngs(m));
        assertFalse(html.contains("<b>&"), "a raw class name would open a tag");
        assertFalse(html.contains("<x>"));
        assertTrue(html.contains("&lt;b&gt;&amp;"), "the class name, escaped");
        assertTrue(html.contains("wrn\"&lt;x&gt;"), "the model, escaped (a quote needs no escaping in text)");
        // in the per-class chart (SVG text) too
        assertTrue(svgs(html).stream().anyMatch(s -> s.contains(">&lt;b&gt;&amp;</text>")));
        parse(html);
    }

    @Test
    void skippedSectionsSayWhy() throws Exception {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 3, 1);
        m.putNull("robustness");
        m.putNull("multilabel");
        ((ObjectNode) m.path("skipped")).put("robustness", "no --corruptions or --attacks given")
                .put("multilabel", "no --real-labels or --labels given");
        String html = EvalReport.html(ReportSamples.typed(m), null, Map.of());
        assertTrue(html.contains("Robustness skipped: no --corruptions or --attacks given (<code>robustness</code> "
                + "is null in metrics.json)"));
        assertTrue(html.contains("skipped: no --real-labels or --labels given"), "ReaL rows of the summary");
        assertTrue(html.contains("<li><code>multilabel</code>: no --real-labels or --labels given</li>"));
        assertTrue(html.contains("Training curves skipped"), "no metrics.jsonl lines");
        // a part of a section, skipped on its own
        ObjectNode n = ReportSamples.metrics(ReportSamples.TEN, 3, 1);
        ((ObjectNode) n.path("robustness")).putNull("adversarial");
        ((ObjectNode) n.path("skipped")).put("robustness.adversarial", "--attacks none");
        String part = EvalReport.html(ReportSamples.typed(n), null, Map.of());
        assertEquals(2, count(part, "<span class=\"muted\">skipped: --attacks none</span>"), "FGSM and PGD rows");
        assertTrue(part.contains("Attacks skipped: --attacks none"));
        assertTrue(part.contains(">26.8%<") || part.contains("mean corruption top-1"), "the rest of robustness stays");
        assertFalse(html.contains("NaN"));
        assertEquals(3, svgs(html).size(), "per-class, reliability, counts; no corruptions, no curves");
    }

    @Test
    void galleryEmbedsPngsAndMarksReal() throws Exception {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 12, 1);
        Map<Integer, byte[]> pngs = new java.util.LinkedHashMap<>(ReportSamples.pngs(m));
        int missing = m.path("mistakes").get(1).path("index").asInt();
        pngs.remove(missing);
        String html = EvalReport.html(ReportSamples.typed(m), null, pngs);
        assertEquals(11, count(html, "src=\"data:image/png;base64,"));
        assertEquals(1, count(html, "no image"));
        int first = m.path("mistakes").get(0).path("index").asInt();
        Matcher src = Pattern.compile("alt=\"record " + first + "\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        assertTrue(src.find());
        assertArrayEquals(pngs.get(first), Base64.getDecoder().decode(src.group(1)));
        long real = 0;
        for (JsonNode x : m.path("mistakes")) {
            real += x.path("real_correct").asBoolean(false) ? 1 : 0;
        }
        assertEquals(4, real);
        assertEquals(real, count(html, "<div><span class=\"badge\">ReaL: correct</span></div>"));
        // each card's true class and its top-5 names
        JsonNode x0 = m.path("mistakes").get(0);
        String truth = ReportSamples.TEN[x0.path("label").asInt()][1];
        assertTrue(html.contains("true: " + Html.esc(truth)));
        assertEquals(12 * 5, count(html, "<span class=\"b\">"), "five probability bars per mistake");
    }

    @Test
    void learningCurvesUseEpochsAndTolerateNulls() throws Exception {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 0, 1);
        List<JsonNode> lines = ReportSamples.runLines(40, 10);
        String html = EvalReport.html(ReportSamples.typed(m), ReportSamples.typed(lines), Map.of());
        String curves = html.substring(html.indexOf("id=\"training\""), html.indexOf("id=\"classes\""));
        assertTrue(curves.contains("aria-label=\"loss by epoch\""));
        assertTrue(curves.contains("aria-label=\"accuracy by epoch\""));
        assertTrue(curves.contains(">epoch</text>"));
        assertTrue(curves.contains("Epoch table (40 epochs)"));
        // val every 2nd epoch: the val line is drawn from the evaluated epochs; odd rows of the table show a dash
        assertTrue(curves.contains("<title>validation top-1</title>"));
        assertFalse(curves.contains("EMA val top-1"), "an all-null series gets no legend entry");
        assertFalse(curves.contains("NaN"));
    }

    @Test
    void thousandClassesStayReadable() throws Exception {
        String[][] classes = new String[1000][];
        for (int i = 0; i < 1000; i++) {
            classes[i] = new String[] {String.format("n%08d", i), "class number " + i};
        }
        ObjectNode m = ReportSamples.metrics(classes, 48, 2);
        String html = EvalReport.html(ReportSamples.typed(m), null, ReportSamples.pngs(m));
        String section = html.substring(html.indexOf("id=\"classes\""), html.indexOf("id=\"confused\""));
        assertTrue(section.contains("10 best classes") && section.contains("10 worst classes"));
        assertEquals(20, count(section, "<td>class number "), "only the ends of the curve are named");
        assertTrue(section.length() < 60_000, "one sorted curve, not a thousand bars: " + section.length());
        svgs(html);
        parse(html);
    }

    @Test
    void writeIsAtomicUtf8(@TempDir Path dir) throws Exception {
        ObjectNode m = ReportSamples.metrics(ReportSamples.TEN, 2, 1);
        Path file = dir.resolve("report.html");
        EvalReport.write(file, ReportSamples.typed(m), null, ReportSamples.pngs(m));
        assertEquals(EvalReport.html(ReportSamples.typed(m), null, ReportSamples.pngs(m)), Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
