package dev.lowres.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowres.data.load.SplitView;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of {@code lowres serve} and its errors, over real HTTP on 127.0.0.1, in process. */
class WorkbenchHttpTest {
    @TempDir
    static Path tmp;
    static WebFixture f;
    static Workbench server;
    static HttpClient http;
    static ByteArrayOutputStream log = new ByteArrayOutputStream();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        f = WebFixture.create(tmp.resolve("root"));
        server = Workbench.start(f.root, "127.0.0.1", 0, new PrintStream(log, true, StandardCharsets.UTF_8));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(pathAndQuery))).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String contentType, String body, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> upload(String run, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url("/api/predict?run=" + q(run))))
                .header("Content-Type", contentType).header("Origin", url("")).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    static List<JsonNode> predictions() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(f.eval.resolve("predictions.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void theFrontPageListsWhatTheRootHolds() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        String page = r.body();
        assertTrue(page.contains("/dataset?path=datasets%2Fsynth"), page);
        assertTrue(page.contains("/dataset?path=datasets%2Ftiny"));
        assertTrue(page.contains("/run?path=runs%2Fr1"));
        assertTrue(page.contains("/eval?path=runs%2Fr1%2Feval%2Ftiny-val"));
        assertTrue(page.contains("2 / 2"), "the run's epochs done / planned");
        assertEquals("default-src 'self'", r.headers().firstValue("Content-Security-Policy").orElse("").split(";")[0]);
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        JsonNode catalog = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url("/api/catalog"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<String> paths = new ArrayList<>();
        catalog.forEach(e -> paths.add(e.path("path").asText()));
        assertTrue(paths.containsAll(List.of("datasets/synth", "datasets/tiny", "runs/r1", "runs/r1/eval/tiny-val")),
                paths.toString());
    }

    @Test
    void aDatasetCardShowsItsClassesSplitsAndSkippedInputs() throws Exception {
        String page = get("/dataset?path=datasets/synth").body();
        assertEquals(10, count(page.substring(page.indexOf("id=\"class-list\"")), "<tr><td class=\"num\">"),
                "one row per class");
        assertTrue(page.contains("3 inputs did not become records"), page);
        assertEquals(3, count(page.substring(page.indexOf("id=\"skipped-list\"")), "<tr><td>"));
        String resample = dev.lowres.data.store.Dataset.open(f.synth).manifest().build().resample();
        assertTrue(page.contains("<tr><th>resample</th><td>" + resample + "</td></tr>"), "how it was built");
        // search by wnid or by name, case-insensitively
        String wnid = dev.lowres.data.store.Dataset.open(f.synth).manifest().classes().get(3).wnid();
        String name = dev.lowres.data.store.Dataset.open(f.synth).manifest().classes().get(3).name();
        for (String query : List.of(wnid, name.toUpperCase(java.util.Locale.ROOT))) {
            String found = get("/dataset?path=datasets/synth&q=" + q(query)).body();
            assertTrue(found.contains("1 of 10 classes"), query + ": " + found);
            assertTrue(found.contains(wnid));
        }
        assertTrue(get("/dataset?path=datasets/synth&q=nothing-like-this").body().contains("0 of 10 classes"));
    }

    @Test
    void aClassGridShowsItsRecordsAndTheImagesAreTheStoredPixels() throws Exception {
        SplitView view = SplitView.open(f.tiny, "train", false);
        String page = get("/dataset/class?path=datasets/tiny&split=train&label=2").body();
        int shown = count(page, "<img class=\"px\"");
        assertEquals(40, shown, "160 records in 4 classes: 40 of class 2 on one page");
        Matcher m = Pattern.compile("index=(\\d+)\" alt").matcher(page);
        assertTrue(m.find());
        int index = Integer.parseInt(m.group(1));
        assertEquals(2, view.label(index));
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(url(
                "/dataset/image?path=datasets/tiny&split=train&index=" + index))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(8, image.getWidth());
        byte[] stored = new byte[3 * 8 * 8];
        view.read(index, stored, 0);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int rgb = image.getRGB(x, y);
                assertEquals(stored[y * 8 + x] & 0xFF, (rgb >> 16) & 0xFF);
                assertEquals(stored[64 + y * 8 + x] & 0xFF, (rgb >> 8) & 0xFF);
                assertEquals(stored[128 + y * 8 + x] & 0xFF, rgb & 0xFF);
            }
        }
        String record = get("/dataset/record?path=datasets/tiny&split=train&index=" + index).body();
        assertTrue(record.contains("<code id=\"record-key\">train" + index + "</code>"), record);
        // the synthetic build pages: 60 a page
        assertEquals(404, get("/dataset/class?path=datasets/tiny&split=train&label=2&page=1").statusCode());
        assertEquals(400, get("/dataset/class?path=datasets/tiny&split=train&label=9").statusCode());
        assertEquals(404, get("/dataset/class?path=datasets/tiny&split=nope&label=0").statusCode());
        assertEquals(400, get("/dataset/image?path=datasets/tiny&split=val&index=40").statusCode());
    }

    @Test
    void aRunPageShowsItsCurvesEpochsCheckpointsAndConfig() throws Exception {
        String page = get("/run?path=runs/r1").body();
        assertTrue(page.contains("<svg"), "the learning curves");
        assertEquals(2, count(page.substring(page.indexOf("id=\"epoch-table\"")), "<tr><td class=\"num\">"));
        assertTrue(page.contains("model.safetensors"));
        assertTrue(page.contains("checkpoints/last.safetensors"));
        assertTrue(page.contains("model: wrn-8-1"), "config.yaml");
        assertTrue(page.contains("/eval?path=runs%2Fr1%2Feval%2Ftiny-val"));
        String curves = get("/run/curves?path=runs/r1").body();
        assertTrue(curves.startsWith("<h2") && curves.contains("<svg"));
        String overlay = get("/runs?path=runs/r1&path=runs/r1").body();
        assertEquals(2, count(overlay, "<svg"), "top-1 and loss");
        assertEquals(400, get("/runs").statusCode());
        assertEquals(404, get("/run?path=datasets/tiny").statusCode());
    }

    @Test
    void theEventStreamSendsEachLineAppendedToMetricsJsonl() throws Exception {
        Path live = f.root.resolve("runs/live");
        Files.createDirectories(live);
        Files.copy(f.run.resolve("run.json"), live.resolve("run.json"));
        Files.copy(f.run.resolve("metrics.jsonl"), live.resolve("metrics.jsonl"));
        long from = Files.size(live.resolve("metrics.jsonl"));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /run/events?path=runs/live&from=" + from + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("HTTP/1.1 200"));
            assertTrue(readUntil(in, "event: hello"));
            String line = "{\"type\":\"epoch\",\"epoch\":2,\"step\":30,\"val_top1\":0.5}";
            // written in two pieces: nothing is sent until the line is complete
            Files.writeString(live.resolve("metrics.jsonl"), line.substring(0, 20), StandardOpenOption.APPEND);
            Thread.sleep(600);
            Files.writeString(live.resolve("metrics.jsonl"), line.substring(20) + "\n", StandardOpenOption.APPEND);
            assertTrue(readUntil(in, "event: metrics"));
            assertTrue(readUntil(in, "data: " + line.replace(" ", "")), "the whole line, once");
            // a resume truncates the log: the stream says so
            Files.writeString(live.resolve("metrics.jsonl"), "");
            assertTrue(readUntil(in, "event: reset"));
        }
    }

    static boolean readUntil(BufferedReader in, String wanted) throws Exception {
        String l;
        while ((l = in.readLine()) != null) {
            if (l.replace(" ", "").equals(wanted.replace(" ", ""))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anEvaluationPageHasEverySectionAndAConfusionMatrixWhoseCellsOpenTheirRecords() throws Exception {
        String page = get("/eval?path=runs/r1/eval/tiny-val").body();
        for (String section : List.of("id=\"training\"", "Calibration", "Confusion matrix", "Tagged mistakes")) {
            assertTrue(page.contains(section), section);
        }
        List<JsonNode> predictions = predictions();
        long[][] counts = new long[4][4];
        for (JsonNode p : predictions) {
            counts[p.path("label").asInt()][p.path("top5").get(0).asInt()]++;
        }
        String matrix = page.substring(page.indexOf("id=\"confusion-matrix\""), page.indexOf("</table>",
                page.indexOf("id=\"confusion-matrix\"")));
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (i != j && counts[i][j] > 0) {
                    String link = "true=" + i + "&amp;pred=" + j + "\">" + counts[i][j] + "</a>";
                    assertTrue(matrix.contains(link), link + " in " + matrix);
                    String gallery = get("/eval/mistakes?path=runs/r1/eval/tiny-val&true=" + i + "&pred=" + j).body();
                    assertTrue(gallery.contains(counts[i][j] + " of "), gallery);
                    assertEquals(counts[i][j], count(gallery, "class=\"card mistake\""));
                }
            }
        }
    }

    @Test
    void theGalleryFiltersByClassConfidenceAndWhatTheMultiLabelsAccept() throws Exception {
        List<JsonNode> wrong = predictions().stream()
                .filter(p -> p.path("top5").get(0).asInt() != p.path("label").asInt()).toList();
        String all = get("/eval/mistakes?path=runs/r1/eval/tiny-val").body();
        assertEquals(Math.min(48, wrong.size()), count(all, "class=\"card mistake\""));
        assertTrue(all.contains(wrong.size() + " of " + wrong.size() + " mistakes"), all);
        long accepted = wrong.stream().filter(p -> p.path("real_correct").asBoolean(false)).count();
        String real = get("/eval/mistakes?path=runs/r1/eval/tiny-val&real=accepted").body();
        assertEquals(accepted, count(real, "class=\"card mistake\""));
        long confident = wrong.stream().filter(p -> p.path("prob").get(0).asDouble() >= 0.5).count();
        assertEquals(confident, count(get("/eval/mistakes?path=runs/r1/eval/tiny-val&min=0.5").body(),
                "class=\"card mistake\""));
        long either = wrong.stream().filter(p -> p.path("label").asInt() == 1 || p.path("top5").get(0).asInt() == 1).count();
        assertEquals(either, count(get("/eval/mistakes?path=runs/r1/eval/tiny-val&class=1").body(),
                "class=\"card mistake\""));
        assertEquals(400, get("/eval/mistakes?path=runs/r1/eval/tiny-val&real=maybe").statusCode());
        assertEquals(400, get("/eval/mistakes?path=runs/r1/eval/tiny-val&min=2").statusCode());
        assertEquals(400, get("/eval/mistakes?path=runs/r1/eval/tiny-val&tag=silly").statusCode());
    }

    @Test
    void tagsAreSavedBesideTheEvaluationAndRefusedWhenMalformedOrFromElsewhere() throws Exception {
        JsonNode mistake = predictions().stream()
                .filter(p -> p.path("top5").get(0).asInt() != p.path("label").asInt()).findFirst().orElseThrow();
        int index = mistake.path("index").asInt();
        String body = "{\"path\":\"runs/r1/eval/tiny-val\",\"index\":" + index
                + ",\"tags\":[\"fine-grained\",\"label-error\"],\"note\":\"stripes \\\"<b>both</b>\\\" ways\"}";
        HttpResponse<String> ok = post("/eval/tags", "application/json", body, url("").replaceAll("/$", ""));
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode file = JSON.readTree(f.eval.resolve("tags.json").toFile());
        assertEquals("lowres-tags/1", file.path("format").asText());
        JsonNode rec = file.path("records").path(String.valueOf(index));
        assertEquals(mistake.path("key").asText(), rec.path("key").asText());
        assertEquals("[\"fine-grained\",\"label-error\"]", rec.path("tags").toString());
        String gallery = get("/eval/mistakes?path=runs/r1/eval/tiny-val&tag=label-error").body();
        assertEquals(1, count(gallery, "class=\"card mistake\""));
        int note = gallery.indexOf("value=\"stripes");
        assertTrue(note > 0, "the note is shown");
        String shown = gallery.substring(note, gallery.indexOf('>', note + 7));
        assertTrue(shown.startsWith("value=\"stripes &#34;") || shown.startsWith("value=\"stripes &quot;"),
                "the note's quote cannot close its attribute: " + shown);
        assertTrue(get("/eval?path=runs/r1/eval/tiny-val").body().contains("1 records tagged"));

        assertEquals(400, post("/eval/tags", "application/json", body.replace("fine-grained", "cute"), null).statusCode());
        assertEquals(400, post("/eval/tags", "application/json", "{not json", null).statusCode());
        assertEquals(415, post("/eval/tags", "text/plain", body, null).statusCode());
        assertEquals(403, post("/eval/tags", "application/json", body, "http://evil.example").statusCode());
        assertEquals(404, post("/eval/tags", "application/json", body.replace("\"index\":" + index, "\"index\":999"),
                null).statusCode());
        assertEquals(404, post("/eval/tags", "application/json", body.replace("runs/r1/eval/tiny-val", "../x"),
                null).statusCode());
        assertEquals(413, post("/eval/tags", "application/json", "{\"note\":\"" + "x".repeat(40_000) + "\"}", null)
                .statusCode());
        JsonNode served = JSON.readTree(get("/eval/tags?path=runs/r1/eval/tiny-val").body());
        assertEquals("[\"fine-grained\",\"label-error\"]", served.path("records").path(String.valueOf(index))
                .path("tags").toString(), "GET of tags is the file's JSON");
        // clearing the tags removes the record
        assertEquals(200, post("/eval/tags", "application/json", body.replace("\"fine-grained\",\"label-error\"", "")
                .replace("stripes \\\"<b>both</b>\\\" ways", ""), null).statusCode());
        assertFalse(JSON.readTree(f.eval.resolve("tags.json").toFile()).path("records").has(String.valueOf(index)));
    }

    @Test
    void pathsOutsideTheRootAreRefusedAndErrorsSayNoMoreThanTheirMessage() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("run.json"), "{}");
        Files.createSymbolicLink(f.root.resolve("escape"), outside);
        for (String path : List.of("../outside", "..%2Foutside", "%2Fetc", "/etc/passwd", "datasets/../../outside",
                "datasets%5C..%5C..", "nope")) {
            HttpResponse<String> r = get("/run?path=" + path);
            assertEquals(404, r.statusCode(), path);
            assertFalse(r.body().contains(tmp.toString()), "no file system path in " + r.body());
        }
        HttpResponse<String> link = get("/run?path=escape");
        assertEquals(403, link.statusCode(), link.body());
        assertTrue(link.body().contains("a link out of the root"));
        assertFalse(get("/").body().contains("escape"), "the catalog does not follow links");

        HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(url("/nothing-here"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
        assertTrue(JSON.readTree(json.body()).path("error").asText().contains("no page"));
        assertEquals(405, post("/run", "application/json", "{}", null).statusCode());
        assertEquals(400, get("/run").statusCode(), "a path is needed");

        // a metrics.json that is not JSON: a message, no stack trace
        Path bad = Files.createDirectories(f.root.resolve("broken/eval"));
        Files.writeString(bad.resolve("metrics.json"), "{\"format\":\"lowres-eval/1\", oops");
        HttpResponse<String> broken = get("/eval?path=broken/eval");
        assertEquals(422, broken.statusCode());
        assertFalse(broken.body().contains("at dev.lowres") || broken.body().contains("Exception"), broken.body());
        assertTrue(get("/").body().contains("Could not be read"), "the catalog lists it as unreadable");
    }

    @Test
    void aRequestNamingAnotherHostIsRefused() throws Exception {
        for (String host : List.of("evil.example:" + server.port(), "127.0.0.1:1")) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String status = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
                assertTrue(status.startsWith("HTTP/1.1 421"), host + ": " + status);
            }
        }
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theServerBindsToLoopbackByDefaultAndRefusesTheWildcard() throws Exception {
        assertEquals("127.0.0.1", server.host());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Workbench.start(f.root, "0.0.0.0", 0, System.err));
        assertTrue(e.getMessage().contains("wildcard"));
    }

    @Test
    void anExplanationShowsEveryMethodsMapAndAreasAndExplainsTheTargetAsked() throws Exception {
        JsonNode wrong = predictions().stream()
                .filter(p -> p.path("label").asInt() != p.path("top5").get(0).asInt()).findFirst().orElseThrow();
        int index = wrong.path("index").asInt();
        String base = "/explain?run=runs/r1&path=datasets/tiny&split=val&index=" + index;
        HttpResponse<String> r = get(base + "&sync=1");
        assertEquals(200, r.statusCode(), r.body());
        String page = r.body();
        assertEquals(5, count(page, "<figure class=\"map\""), "one map per method");
        Matcher rows = Pattern.compile("<tr data-method=\"([a-z-]+)\"><td>[a-z-]+</td><td class=\"num\">([0-9.]+)</td>"
                + "<td class=\"num\">([0-9.]+)</td>").matcher(page);
        List<String> methods = new ArrayList<>();
        while (rows.find()) {
            methods.add(rows.group(1));
            for (int g = 2; g <= 3; g++) {
                double area = Double.parseDouble(rows.group(g));
                assertTrue(area >= 0 && area <= 1, rows.group(0));
            }
        }
        assertEquals(List.of("gradient", "smoothgrad", "integrated-gradients", "grad-cam", "xrai"), methods);
        assertTrue(page.contains("completeness"), "Integrated Gradients reports its completeness gap");
        assertEquals(2, count(page, "aria-label=\"deletion") + count(page, "aria-label=\"insertion"), "both curves");
        // the explained class is the one predicted, with the probability the evaluation recorded
        int predicted = wrong.path("top5").get(0).asInt();
        assertTrue(page.contains("<span id=\"explained\">" + predicted + " "), "explains the prediction");
        Matcher p = Pattern.compile("explained class p = ([0-9]\\.[0-9]+)").matcher(page);
        assertTrue(p.find(), page);
        assertEquals(wrong.path("prob").get(0).asDouble(), Double.parseDouble(p.group(1)), 1.5e-3);

        String asLabel = get(base + "&target=label&method=gradient&method=grad-cam&sync=1").body();
        assertTrue(asLabel.contains("<span id=\"explained\">" + wrong.path("label").asInt() + " "), "explains the label");
        assertEquals(2, count(asLabel, "<figure class=\"map\""), "only the methods asked for");

        // the record's page offers the runs that take its images, the gallery links to explanations
        String record = get("/dataset/record?path=datasets/tiny&split=val&index=" + index).body();
        assertTrue(record.contains("<option>runs/r1</option>") && !record.contains("runs/r2"), record);
        String gallery = get("/eval/mistakes?path=runs/r1/eval/tiny-val").body();
        assertTrue(gallery.contains("class=\"explain\" href=\"/explain?run=runs%2Fr1&amp;path=datasets%2Ftiny"), gallery);

        HttpResponse<String> badMethod = get(base + "&method=lime");
        assertEquals(400, badMethod.statusCode());
        assertTrue(badMethod.body().contains("integrated-gradients"), "lists the valid methods: " + badMethod.body());
        HttpResponse<String> badTarget = get(base + "&target=n99999999");
        assertEquals(400, badTarget.statusCode());
        HttpResponse<String> otherShape = get("/explain?run=runs/r2&path=datasets/tiny&split=val&index=0");
        assertEquals(422, otherShape.statusCode());
        assertTrue(otherShape.body().contains("takes 3x32x32 images; this dataset's are 3x8x8"), otherShape.body());
        HttpResponse<String> notARun = get("/explain?run=datasets/tiny&path=datasets/tiny&split=val&index=0");
        assertEquals(422, notARun.statusCode());
        assertFalse(notARun.body().contains("Exception") || notARun.body().contains("at dev.lowres"), notARun.body());
        assertEquals(404, get("/explain?run=../x&path=datasets/tiny&split=val&index=0").statusCode());
        assertEquals(400, get(base.replace("index=" + index, "index=400")).statusCode());
    }

    @Test
    void theExplanationPageComesAtOnceAndItsMapsOneByOneWithTheNumbersOfTheWholePage() throws Exception {
        String query = "run=runs/r1&path=datasets/tiny&split=val&index=3&target=predicted&seed=0";
        String page = get("/explain?" + query).body();
        assertEquals(5, count(page, "data-state=\"pending\"><div class=\"pending\""), "five maps to compute");
        assertTrue(page.contains("data-query=\"" + query.replace("/", "%2F").replace("&", "&amp;") + "\""), page);
        assertTrue(page.contains("<noscript>") && page.contains("sync=1"), "a way without scripts");
        String whole = get("/explain?" + query + "&sync=1").body();
        for (String m : List.of("gradient", "smoothgrad", "integrated-gradients", "grad-cam", "xrai")) {
            HttpResponse<String> one = http.send(HttpRequest.newBuilder(URI.create(url("/explain/method?" + query
                    + "&method=" + m))).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, one.statusCode(), one.body());
            JsonNode v = JSON.readTree(one.body());
            assertEquals(m, v.path("id").asText());
            assertTrue(v.path("png").asText().startsWith("data:image/png;base64,"));
            String row = String.format(java.util.Locale.ROOT, "<tr data-method=\"%s\"><td>%s</td><td class=\"num\">%.4f"
                    + "</td><td class=\"num\">%.4f</td>", m, m, v.path("deletion").asDouble(), v.path("insertion").asDouble());
            assertTrue(whole.contains(row), "the same numbers as the whole page: " + row);
        }
        String curves = get("/explain/curves?" + query + "&method=gradient&method=xrai").body();
        assertEquals(2, count(curves, "<svg"), curves);
        assertTrue(curves.contains(">gradient ") && curves.contains(">xrai ") && !curves.contains(">smoothgrad "), curves);
        assertEquals(400, get("/explain/method?" + query).statusCode(), "no method");
        assertEquals(400, get("/explain/method?" + query + "&method=gradient&method=xrai").statusCode(), "two methods");
        assertEquals(400, get("/explain/method?" + query.replace("target=predicted", "target=n42") + "&method=gradient")
                .statusCode());
    }

    @Test
    void anUploadIsResizedExactlyAsTheDatasetWasBuiltAndGetsItsRecordsTopFive() throws Exception {
        dev.lowres.data.store.Dataset ds = dev.lowres.data.store.Dataset.open(f.synth);
        String key = ds.keys(ds.split("val").shards().get(0)).get(2);
        byte[] source = Files.readAllBytes(f.tree.resolve("val").resolve(key));
        HttpResponse<String> r = upload("runs/r2", "image/jpeg", source);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals("datasets/synth", answer.path("pipeline").path("dataset").asText());
        assertEquals("box", answer.path("pipeline").path("filter").asText());
        assertEquals("exact", answer.path("pipeline").path("decode").asText());
        assertTrue(answer.path("pipeline").path("note").isNull(), answer.toString());
        assertEquals("jpeg", answer.path("input").path("format").asText());
        assertEquals(source.length, answer.path("input").path("bytes").asInt());

        // the pixels sent back are the stored record's, pixel for pixel
        byte[] stored = new byte[3 * 32 * 32];
        SplitView.open(f.synth, "val", false).read(2, stored, 0);
        String uri = answer.path("image").asText();
        BufferedImage shown = ImageIO.read(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(
                uri.substring(uri.indexOf(',') + 1))));
        assertEquals(128, shown.getWidth(), "32 px shown 4 times");
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int rgb = shown.getRGB(4 * x, 4 * y);
                int at = y * 32 + x;
                assertEquals((stored[at] & 255) << 16 | (stored[1024 + at] & 255) << 8 | (stored[2048 + at] & 255),
                        rgb & 0xFFFFFF, "pixel " + x + "," + y);
            }
        }
        // and the top-5 is the network's on the stored record
        dev.lowres.train.eval.RunInfo info = dev.lowres.train.eval.RunInfo.load(f.synthRun);
        float[] expected;
        try (dev.lowres.train.eval.TrainedModel model = dev.lowres.train.eval.TrainedModel.load(info,
                dev.lowres.train.eval.RunInfo.Weights.AUTO, dev.lowres.train.engine.Device.cpu())) {
            expected = new dev.lowres.train.explain.Explainer(model).probabilities(stored);
        }
        JsonNode top5 = answer.path("top5");
        assertEquals(5, top5.size());
        for (JsonNode c : top5) {
            assertEquals(expected[c.path("index").asInt()], c.path("probability").asDouble(), 1e-5, c.toString());
            assertEquals(info.wnids().get(c.path("index").asInt()), c.path("wnid").asText());
        }
        for (int k = 1; k < 5; k++) {
            assertTrue(top5.get(k - 1).path("probability").asDouble() >= top5.get(k).path("probability").asDouble());
        }

        // a GIF (its size is not in the header lowres reads before decoding): its format and size as decoded
        BufferedImage gif = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream gifBytes = new ByteArrayOutputStream();
        ImageIO.write(gif, "gif", gifBytes);
        JsonNode asGif = JSON.readTree(upload("runs/r2", "image/gif", gifBytes.toByteArray()).body());
        assertEquals("gif 64 48", asGif.path("input").path("format").asText() + " "
                + asGif.path("input").path("width").asInt() + " " + asGif.path("input").path("height").asInt());

        // a run whose dataset does not say how it was made: box, exact, and a note that says so
        JsonNode tiny = JSON.readTree(upload("runs/r1", "application/octet-stream", source).body());
        assertEquals(8, tiny.path("pipeline").path("size").asInt());
        assertTrue(tiny.path("pipeline").path("note").asText().contains("does not record how its images were made"),
                tiny.toString());
        assertEquals(4, tiny.path("top5").size(), "the tiny run has 4 classes");
        String page = get("/predict?run=runs/r1").body();
        assertTrue(page.contains("id=\"predict-form\"") && page.contains("does not record how"), page);
    }

    @Test
    void uploadsThatAreNotImagesOrTooLargeAreRefusedBeforeDecoding() throws Exception {
        Path bad = dev.lowres.data.testing.Fixtures.bad();
        HttpResponse<String> text = upload("runs/r2", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, text.statusCode());
        assertTrue(text.body().contains("Content-Type image/"), text.body());
        HttpResponse<String> notImage = upload("runs/r2", "image/jpeg", "hello, world".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, notImage.statusCode());
        assertTrue(notImage.body().contains("not_an_image"), notImage.body());
        HttpResponse<String> empty = upload("runs/r2", "image/png", new byte[0]);
        assertEquals(415, empty.statusCode());
        HttpResponse<String> truncated = upload("runs/r2", "image/jpeg", Files.readAllBytes(bad.resolve("truncated.JPEG")));
        assertEquals(422, truncated.statusCode());
        assertTrue(truncated.body().contains("truncated"), truncated.body());
        long start = System.nanoTime();
        HttpResponse<String> bomb = upload("runs/r2", "image/jpeg", Files.readAllBytes(bad.resolve("bomb_60000x60000.JPEG")));
        assertEquals(413, bomb.statusCode());
        assertTrue(bomb.body().contains("too_many_pixels"), bomb.body());
        assertTrue(System.nanoTime() - start < 5e9, "refused from the header, not decoded");
        HttpResponse<String> huge = upload("runs/r2", "image/jpeg", new byte[(int) (dev.lowres.web.pages.PredictPages.MAX_BYTES + 1)]);
        assertEquals(413, huge.statusCode());
        HttpResponse<String> notARun = upload("datasets/synth", "image/jpeg", Files.readAllBytes(bad.resolve("truncated.JPEG")));
        assertEquals(422, notARun.statusCode());
        for (HttpResponse<String> r : List.of(text, notImage, empty, truncated, bomb, huge, notARun)) {
            assertFalse(r.body().contains("Exception") || r.body().contains("at dev."), r.body());
        }
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(url("/api/predict?run=runs%2Fr2")))
                .header("Content-Type", "image/jpeg").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, elsewhere.statusCode());
    }

    @Test
    void theAugmentationPreviewIsTheLoadersSheetAndABadSpecSaysWhy() throws Exception {
        String query = "path=datasets/synth&split=train&augment=" + q("paper, cutout, mixup") + "&count=3&samples=2&seed=7";
        HttpResponse<byte[]> sheet = http.send(HttpRequest.newBuilder(URI.create(url("/dataset/augment.png?" + query)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, sheet.statusCode());
        assertEquals("image/png", sheet.headers().firstValue("Content-Type").orElse(""));
        var expected = dev.lowres.data.preview.PreviewSamples.collect(new dev.lowres.data.preview.PreviewSamples.Options(
                f.synth.toRealPath(), "train", "paper, cutout, mixup", 3, 2, 7, 128, "synth"));
        assertEquals(expected.spec(), sheet.headers().firstValue("X-Augment-Spec").orElse(""));
        assertTrue(java.util.Arrays.equals(dev.lowres.data.preview.ContactSheet.png(expected.sheet(), 3), sheet.body()),
                "the sheet lowres preview draws, pixel for pixel");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(sheet.body()));
        assertEquals(dev.lowres.data.preview.ContactSheet.layout(expected.sheet(), 3).width(), png.getWidth());

        String page = get("/dataset/augment?" + query).body();
        assertTrue(page.contains("id=\"augment-sheet\" src=\"/dataset/augment.png?path=datasets%2Fsynth"), page);
        assertTrue(page.contains("cutmix(alpha=1, p=1)"), "lists the operations");
        assertTrue(get("/dataset?path=datasets/synth").body().contains("id=\"augment-link\""));

        HttpResponse<String> bad = get("/dataset/augment.png?path=datasets/synth&augment=paperz");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("unknown operation 'paperz'") && bad.body().contains("random-erasing"), bad.body());
        assertEquals(400, get("/dataset/augment.png?path=datasets/synth&count=1000").statusCode());
        assertEquals(404, get("/dataset/augment.png?path=datasets/synth&split=test").statusCode());
    }

    @Test
    void theComparisonPageIsLowresComparesReportOverTheRunsTicked() throws Exception {
        JsonNode metrics = JSON.readTree(f.eval.resolve("metrics.json").toFile());
        String page = get("/compare?path=runs/r1&path=" + q("runs/r1/eval/tiny-val")).body();
        assertTrue(page.contains("<h1>Comparison of 1 run on 1 eval set</h1>"), page);
        for (String section : List.of("id=\"all\"", "id=\"seeds\"", "id=\"scatter\"")) {
            assertTrue(page.contains(section), section);
        }
        int at = page.indexOf("<table", page.indexOf("id=\"all\""));
        String table = page.substring(at, page.indexOf("</table>", at));
        Matcher rows = Pattern.compile("<tr><td>tiny-val</td>.*?</tr>").matcher(table);
        int n = 0;
        while (rows.find()) {
            Matcher top1 = Pattern.compile("<td class=\"num\">([0-9.]+)%</td>").matcher(rows.group());
            assertTrue(top1.find(), rows.group());
            assertEquals(100 * metrics.at("/accuracy/top1").asDouble(), Double.parseDouble(top1.group(1)), 0.051);
            n++;
        }
        assertEquals(2, n, "the run and its evaluation, each a row with its top-1: " + table);
        String index = get("/").body();
        assertTrue(index.contains("id=\"compare-form\"") && index.contains("formaction=\"/compare\""), index);
        assertEquals(400, get("/compare").statusCode());
        assertEquals(404, get("/compare?path=../elsewhere").statusCode());
        HttpResponse<String> none = get("/compare?path=datasets/tiny");
        assertEquals(422, none.statusCode());
        assertTrue(none.body().contains("holds no evaluation") && !none.body().contains(f.root.toString()), none.body());
    }

    @Test
    void networksAreKeptTwoAtATimeReloadedWhenTheirWeightsChangeAndClosedAtTheEnd() throws Exception {
        Path copy = tmp.resolve("copies/r3");
        Files.createDirectories(copy.getParent());
        try (var walk = Files.walk(f.run)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path to = copy.resolve(f.run.relativize(p).toString());
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
        byte[] pixels = new byte[3 * 8 * 8];
        SplitView.open(f.tiny, "val", false).read(0, pixels, 0);
        dev.lowres.web.model.Models models = new dev.lowres.web.model.Models();
        float[] first = models.with(f.run, l -> l.explainer().probabilities(pixels));
        models.with(f.synthRun, l -> l.model());
        assertEquals(2, models.loaded());
        var third = models.with(copy, l -> l.model());
        assertEquals(dev.lowres.web.model.Models.KEPT, models.loaded(), "the network used longest ago was closed");
        float[] again = models.with(f.run, l -> l.explainer().probabilities(pixels));
        assertTrue(java.util.Arrays.equals(first, again), "loaded again, the same network");
        assertEquals(2, models.loaded());
        Path weights = copy.resolve("model.safetensors");
        Files.setLastModifiedTime(weights, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(weights).toMillis() + 5000));
        assertFalse(third == models.with(copy, l -> l.model()), "new weights: the network is loaded again");
        models.close();
        assertEquals(0, models.loaded());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> models.with(f.run, l -> l.model()));
    }
}
