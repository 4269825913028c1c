package dev.lowres.web.pages;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowres.train.report.EvalReport;
import dev.lowres.train.report.Svg;
import dev.lowres.train.run.MetricsLog;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.web.http.HttpError;
import dev.lowres.web.http.Request;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * A run's page (its record, configuration, checkpoints and learning curves), the curves alone (what the page
 * fetches again when its event stream says metrics.jsonl grew), that event stream, and several runs'
 * curves overlaid.
 */
public final class RunPages {
    /** How often the event stream looks at metrics.jsonl. */
    static final long POLL_MILLIS = 400;
    /** A comment line this often keeps proxies from closing an idle stream and finds a gone client. */
    static final long KEEP_ALIVE_MILLIS = 15_000;
    /** Runs overlaid on one chart at most. */
    public static final int MAX_OVERLAID = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RootedFiles files;
    private volatile boolean stopping;

    public RunPages(RootedFiles files) {
        this.files = files;
    }

    public void routes(Router router) {
        router.get("/run", this::page)
                .get("/run/curves", this::curves)
                .get("/run/events", this::events)
                .get("/runs", this::overlay);
    }

    /** Ends the event streams (the server is stopping). */
    public void stop() {
        stopping = true;
    }

    /** A checkpoint file. */
    public record Checkpoint(String name, long bytes, Instant modified) {
    }

    /** The run page. */
    public record RunView(String path, String record, String config, List<Checkpoint> checkpoints,
                          List<MetricsLog.Epoch> epochs, String curves, List<EvalLink> evaluations, long metricsBytes) {
    }

    /** An evaluation inside the run directory. */
    public record EvalLink(String path, String name) {
    }

    /** Several runs' curves. */
    public record Overlay(List<String> paths, dev.lowres.train.report.EvalReport.Figure top1,
                          dev.lowres.train.report.EvalReport.Figure loss) {
    }

    private Path run(String path) {
        Path dir = files.resolve(path);
        if (!Files.isRegularFile(dir.resolve(RunDirectory.RUN))) {
            throw HttpError.notFound("not a run (no run.json): " + path);
        }
        return dir;
    }

    /** metrics.jsonl's complete lines, typed (a line cut by a kill, or still being written, is left out). */
    static MetricsLog.Lines lines(Path dir) throws IOException {
        return new MetricsLog(dir.resolve(RunDirectory.METRICS)).read();
    }

    private void page(Request r) throws IOException {
        Path dir = run(r.required("path"));
        String record = Files.readString(dir.resolve(RunDirectory.RUN), StandardCharsets.UTF_8);
        Path config = dir.resolve(RunDirectory.CONFIG);
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (Path p : List.of(new RunDirectory(dir).checkpoints(), dir)) {
            if (!Files.isDirectory(p)) {
                continue;
            }
            try (Stream<Path> s = Files.list(p)) {
                for (Path f : s.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && name.endsWith(".safetensors")) {
                        checkpoints.add(new Checkpoint(files.relative(f).substring(files.relative(dir).length())
                                .replaceFirst("^/", ""), Files.size(f), Files.getLastModifiedTime(f).toInstant()));
                    }
                }
            }
        }
        Path metrics = dir.resolve(RunDirectory.METRICS);
        long bytes = Files.isRegularFile(metrics) ? Files.size(metrics) : 0;
        MetricsLog.Lines lines = lines(dir);
        List<EvalLink> evals = new ArrayList<>();
        Path evalDir = dir.resolve("eval");
        if (Files.isDirectory(evalDir)) {
            try (Stream<Path> s = Files.list(evalDir)) {
                s.filter(p -> Files.isRegularFile(p.resolve(dev.lowres.train.eval.Evaluation.METRICS))).sorted()
                        .forEach(p -> evals.add(new EvalLink(files.relative(p), p.getFileName().toString())));
            }
        }
        r.html(Templates.render("run.jte", new RunView(files.relative(dir), record,
                Files.isRegularFile(config) ? Files.readString(config, StandardCharsets.UTF_8) : null, checkpoints,
                lines.epochs(), EvalReport.learningCurves(lines), evals, bytes)));
    }

    private void curves(Request r) throws IOException {
        Path dir = run(r.required("path"));
        r.send(200, "text/html; charset=utf-8", EvalReport.learningCurves(lines(dir)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Server-sent events following metrics.jsonl: each new complete line as a {@code metrics} event, a
     * {@code reset} event when the file got shorter (a resumed run keeps only the lines before its checkpoint).
     * {@code from} is the byte offset the page's curves were drawn from (its length then).
     */
    private void events(Request r) throws IOException, InterruptedException {
        Path dir = run(r.required("path"));
        Path file = dir.resolve(RunDirectory.METRICS);
        long offset = r.integer("from", 0, 0, Integer.MAX_VALUE);
        try (Request.EventStream events = r.events()) {
            events.send("hello", "{\"path\":" + JSON.writeValueAsString(files.relative(dir)) + "}");
            long lastSent = System.currentTimeMillis();
            StringBuilder partial = new StringBuilder();
            while (!stopping) {
                long size = Files.isRegularFile(file) ? Files.size(file) : 0;
                if (size < offset) {
                    offset = 0;
                    partial.setLength(0);
                    events.send("reset", "{}");
                    lastSent = System.currentTimeMillis();
                }
                if (size > offset) {
                    byte[] fresh = read(file, offset, size);
                    offset = size;
                    partial.append(new String(fresh, StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, nl).trim();
                        partial.delete(0, nl + 1);
                        if (!line.isEmpty()) {
                            events.send("metrics", line);
                            lastSent = System.currentTimeMillis();
                        }
                    }
                }
                if (System.currentTimeMillis() - lastSent > KEEP_ALIVE_MILLIS) {
                    events.keepAlive();
                    lastSent = System.currentTimeMillis();
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private static byte[] read(Path file, long from, long to) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[(int) Math.min(to - from, 16 << 20)];
            f.seek(from);
            f.readFully(b);
            return b;
        }
    }

    private void overlay(Request r) throws IOException {
        List<String> paths = r.queries("path");
        if (paths.isEmpty()) {
            throw HttpError.badRequest("name the runs: /runs?path=a&path=b");
        }
        if (paths.size() > MAX_OVERLAID) {
            throw HttpError.badRequest("at most " + MAX_OVERLAID + " runs on one chart");
        }
        List<List<MetricsLog.Epoch>> epochs = new ArrayList<>();
        for (String p : paths) {
            epochs.add(lines(run(p)).epochs());
        }
        r.html(Templates.render("runs.jte", new Overlay(paths,
                chart(paths, epochs, MetricsLog.Epoch::valTop1, "validation top-1", true),
                chart(paths, epochs, MetricsLog.Epoch::trainLoss, "training loss", false))));
    }

    /** One figure of an epoch field for several runs. */
    static dev.lowres.train.report.EvalReport.Figure chart(List<String> names, List<List<MetricsLog.Epoch>> epochs,
                                                          ToDoubleFunction<MetricsLog.Epoch> field, String title,
                                                          boolean percent) {
        double maxX = 1;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<MetricsLog.Epoch> run : epochs) {
            for (MetricsLog.Epoch e : run) {
                maxX = Math.max(maxX, e.epoch() + 1);
                double v = field.applyAsDouble(e);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return new dev.lowres.train.report.EvalReport.Figure(null, "No run has a " + title + " yet.");
        }
        double[] range = Svg.niceRange(percent ? Math.max(0, lo) : Math.min(0, lo), percent ? Math.min(1, hi) : hi, 6);
        Svg s = new Svg(560, 320, title + " by epoch").margins(60, 16, 52, 44).domain(0, maxX, range[0], range[1]);
        s.title(title + " by epoch").xAxis(Svg.ticks(0, maxX, 8), Svg::integer, "epoch")
                .yAxis(Svg.ticks(range[0], range[1], 6), percent ? Svg::percent : Svg::plain, title);
        List<Svg.Key> keys = new ArrayList<>();
        for (int i = 0; i < epochs.size(); i++) {
            List<MetricsLog.Epoch> run = epochs.get(i);
            double[] xs = run.stream().mapToDouble(e -> e.epoch() + 1).toArray();
            double[] ys = run.stream().mapToDouble(field).toArray();
            s.line(xs, ys, Svg.color(i), 2, Svg.dash(i / 10), names.get(i));
            keys.add(Svg.Key.line(names.get(i), Svg.color(i)));
        }
        s.legendRow(keys, 60, 38);
        return new dev.lowres.train.report.EvalReport.Figure(s.toString(), null);
    }
}
