package dev.lowres.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real browser: Debian's chromium, headless, driven by its chromedriver through Selenium
 * (never a downloaded browser). Skipped, saying why, where /usr/bin/chromium or /usr/bin/chromedriver is
 * missing; {@code .ci/run} installs both. Screenshots go to {@code target/screenshots}.
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("lowres.web.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("lowres.web.chromedriver", "/usr/bin/chromedriver"));

    @TempDir
    static Path tmp;
    static WebFixture f;
    static Workbench server;
    static ChromeDriver driver;
    static Path shots;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "no " + CHROMIUM + " or " + DRIVER + " (apt-get install chromium chromium-driver): browser tests skipped");
        f = WebFixture.create(tmp.resolve("root"));
        server = Workbench.start(f.root, "127.0.0.1", 0, new PrintStream(System.err, true, StandardCharsets.UTF_8));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1400",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
        driver = new ChromeDriver(service, options);
        shots = Files.createDirectories(Path.of(System.getProperty("lowres.web.screenshots", "target/screenshots")));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    static String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    static void shot(String name) throws Exception {
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @Test
    void aClassGridShowsEachOfItsRecordsDecodedAtTheirStoredSize() throws Exception {
        driver.get(url("/dataset?path=datasets/synth"));
        assertEquals(10, driver.findElements(By.cssSelector("#class-list tr")).size() - 1);
        shot("dataset-card");
        driver.findElement(By.cssSelector("#class-list tr:nth-child(4) td.num a")).click();
        waiting().until(d -> d.getCurrentUrl().contains("/dataset/class"));
        List<WebElement> images = driver.findElements(By.cssSelector("#sample-grid img"));
        long stored = dev.lowres.data.store.Dataset.open(f.synth).manifest().splits().get("train").classCounts()[2];
        assertEquals(stored, images.size(), "one image per record of the class");
        waiting().until(d -> (Boolean) js("return Array.from(document.querySelectorAll('#sample-grid img'))"
                + ".every(i => i.complete && i.naturalWidth === 32 && i.naturalHeight === 32)"));
        assertEquals("pixelated", js("return getComputedStyle(arguments[0]).imageRendering", images.get(0)));
        assertEquals(64L, js("return arguments[0].clientWidth", images.get(0)), "32 px shown at twice the size");
        shot("dataset-class-grid");
    }

    @Test
    void aRunsCurvesGrowWhileAnotherProcessAppendsToMetricsJsonl() throws Exception {
        Path live = Files.createDirectories(f.root.resolve("runs/live"));
        Files.copy(f.run.resolve("run.json"), live.resolve("run.json"));
        Files.copy(f.run.resolve("config.yaml"), live.resolve("config.yaml"));
        List<String> lines = Files.readAllLines(f.run.resolve("metrics.jsonl"));
        int firstEpoch = 0;
        while (!lines.get(firstEpoch).startsWith("{\"type\":\"epoch\"")) {
            firstEpoch++;
        }
        Files.write(live.resolve("metrics.jsonl"), lines.subList(0, firstEpoch + 1));
        driver.get(url("/run?path=runs/live"));
        waiting().until(d -> d.findElement(By.id("live-state")).getText().startsWith("Live"));
        long before = points();
        String svgBefore = (String) js("return document.getElementById('curves').innerHTML");
        shot("run-live-before");
        // the run goes on in "another process": its second epoch's lines are appended
        Files.write(live.resolve("metrics.jsonl"), lines.subList(firstEpoch + 1, lines.size()), StandardOpenOption.APPEND);
        waiting().until(d -> !svgBefore.equals(js("return document.getElementById('curves').innerHTML")));
        long after = points();
        assertTrue(after > before, "the curves gained points: " + before + " -> " + after);
        assertTrue(driver.findElement(By.id("live-state")).getText().contains("new lines"));
        shot("run-live-after");
    }

    /** The points of every line of the learning curves (polylines and single-point dots). */
    static long points() {
        return (long) js("let n = document.querySelectorAll('#curves circle').length;"
                + "document.querySelectorAll('#curves polyline').forEach(p => n += p.points.numberOfItems);"
                + "return n;");
    }

    @Test
    void aTagSurvivesAReload() throws Exception {
        driver.get(url("/eval/mistakes?path=runs/r1/eval/tiny-val"));
        WebElement card = driver.findElement(By.cssSelector(".card.mistake"));
        String index = card.getAttribute("data-index");
        card.findElement(By.cssSelector("input.tag[value='fine-grained']")).click();
        waiting().until(d -> "yes".equals(d.findElement(By.cssSelector(".card.mistake[data-index='" + index + "']"))
                .getAttribute("data-saved")));
        shot("mistakes-tagged");
        driver.navigate().refresh();
        WebElement again = driver.findElement(By.cssSelector(".card.mistake[data-index='" + index + "']"));
        assertTrue(again.findElement(By.cssSelector("input.tag[value='fine-grained']")).isSelected());
        assertTrue(Files.readString(f.eval.resolve("tags.json")).contains("fine-grained"));
        driver.get(url("/eval?path=runs/r1/eval/tiny-val"));
        assertEquals("1", driver.findElement(By.cssSelector("#tag-summary .count[data-tag='fine-grained']")).getText());
        shot("eval-page");
    }

    @Test
    void anUploadReturnsTopFiveAndAMistakeOpensItsExplanation() throws Exception {
        dev.lowres.data.store.Dataset ds = dev.lowres.data.store.Dataset.open(f.synth);
        String key = ds.keys(ds.split("val").shards().get(0)).get(0);
        driver.get(url("/run?path=runs/r2"));
        driver.findElement(By.id("predict-link")).click();
        waiting().until(d -> d.getCurrentUrl().contains("/predict"));
        driver.findElement(By.id("predict-file")).sendKeys(f.tree.resolve("val").resolve(key).toString());
        driver.findElement(By.cssSelector("#predict-form button")).click();
        waiting().until(d -> "1".equals(d.findElement(By.id("predict-form")).getAttribute("data-done")));
        List<WebElement> rows = driver.findElements(By.cssSelector("#predict-top5 tbody tr"));
        assertEquals(5, rows.size(), "the top-5");
        assertTrue(rows.get(0).getText().matches("1 n\\d{8} .+ \\d+\\.\\d\\d%"), rows.get(0).getText());
        waiting().until(d -> (Boolean) js("const i = document.getElementById('predict-image');"
                + "return i.complete && i.naturalWidth === 128"));
        assertTrue(driver.findElement(By.id("predict-input")).getText().contains("→ 32×32 (box, exact)"));
        shot("predict");

        driver.get(url("/eval/mistakes?path=runs/r1/eval/tiny-val"));
        driver.findElement(By.cssSelector(".card.mistake a.explain")).click();
        waiting().until(d -> d.getCurrentUrl().contains("/explain"));
        waiting().until(d -> "yes".equals(d.findElement(By.id("maps")).getAttribute("data-done")));
        assertEquals(5, driver.findElements(By.cssSelector("#maps figure.map img")).size(), "every map arrived");
        waiting().until(d -> (Boolean) js("return Array.from(document.querySelectorAll('#maps img'))"
                + ".every(i => i.complete && i.naturalWidth === 160)"));
        assertEquals(5, driver.findElements(By.cssSelector("#faithfulness tr[data-state='done']")).size());
        assertTrue(driver.findElement(By.cssSelector("#faithfulness tr[data-method='xrai'] td.num")).getText()
                .matches("0\\.\\d{4}"), "its deletion area");
        assertEquals(2, driver.findElements(By.cssSelector("#explain-curves svg")).size(), "the curves");
        shot("explain");
    }

    @Test
    void theAugmentationPreviewFollowsTheSpecAsItIsTyped() throws Exception {
        driver.get(url("/dataset?path=datasets/synth"));
        driver.findElement(By.id("augment-link")).click();
        waiting().until(d -> (Boolean) js("const i = document.getElementById('augment-sheet');"
                + "return i.complete && i.naturalWidth > 0"));
        long before = (long) js("return document.getElementById('augment-sheet').naturalWidth");
        WebElement spec = driver.findElement(By.id("augment-spec"));
        spec.clear();
        spec.sendKeys("flip, cutmix");
        waiting().until(d -> "1".equals(d.findElement(By.id("augment-form")).getAttribute("data-drawn")));
        waiting().until(d -> (Boolean) js("return document.getElementById('augment-sheet').src.startsWith('blob:')"
                + " && document.getElementById('augment-sheet').complete"));
        assertTrue(driver.findElement(By.id("augment-status")).getText().contains("cutmix(alpha=1, p=1)"));
        assertTrue(driver.getCurrentUrl().contains("augment=flip%2C+cutmix"), driver.getCurrentUrl());
        long after = (long) js("return document.getElementById('augment-sheet').naturalWidth");
        assertTrue(after > before, "cutmix adds the mixed columns to paper's sheet: " + before + " -> " + after);
        shot("augment");
        spec.sendKeys("z");
        waiting().until(d -> d.findElement(By.id("augment-status")).getText().startsWith("Not drawn"));
        assertTrue(driver.findElement(By.id("augment-status")).getText().contains("unknown"));
    }
}
