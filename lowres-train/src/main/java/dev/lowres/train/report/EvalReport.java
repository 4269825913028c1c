package dev.lowres.train.report;

import dev.lowres.data.store.AtomicFiles;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Metric;
import dev.lowres.train.run.MetricsLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code report.html} of {@code lowres eval}: one self-contained page (inline CSS, inline SVG, images as
 * data URIs) built from a {@code metrics.json} (format {@code lowres-eval/1}, see {@code docs/metrics-json.md}),
 * the training run's {@code metrics.jsonl} lines and PNGs of the gallery's mistakes.
 *
 * <p>Sections: header; skipped sections; headline numbers with their definitions; learning curves;
 * per-class accuracy; most-confused pairs; calibration (reliability diagram); robustness (corruptions by
 * severity, attacks); the gallery of mistakes. A section whose metrics are null says why it was skipped.
 *
 * <p>This class reads the numbers and draws the charts ({@link Svg}); the markup is in the templates
 * ({@code src/main/jte/eval*.jte}, {@link View} and its section records their parameters): {@code evalDocument.jte}
 * makes the file, {@code eval.jte} the content the workbench's evaluation page shows.
 */
public final class EvalReport {
    private static final String TRAIN = "#1f77b4";
    private static final String VAL = "#d62728";
    private static final String EMA = "#9467bd";

    private EvalReport() {
    }

    /** A class's names, from {@code accuracy.per_class}. */
    private record ClassName(String name, String wnid) {
    }

    /**
     * The report as an HTML string.
     *
     * @param metrics the {@code metrics.json}
     * @param runMetricsLines the training run's {@code metrics.jsonl} lines (may be null)
     * @param galleryPngs PNG bytes of a mistake's (upscaled) image by its record index (may be empty or null)
     */
    public static String html(EvalMetrics metrics, MetricsLog.Lines runMetricsLines, Map<Integer, byte[]> galleryPngs) {
        return Reports.render("evalDocument.jte", view(metrics, runMetricsLines, galleryPngs));
    }

    /**
     * The report's content without the document around it: what {@code lowres serve} shows on an evaluation's
     * page, so that the file and the page say the same thing the same way.
     */
    public static String body(EvalMetrics metrics, MetricsLog.Lines runMetricsLines, Map<Integer, byte[]> galleryPngs) {
        return Reports.render("eval.jte", view(metrics, runMetricsLines, galleryPngs));
    }

    /** A fact of the report's header: its name, its value as shown, whether the value is code (a path, a command). */
    public record Fact(String name, String value, boolean code) {
    }

    /**
     * A row of the headline table: {@code group} where a new group of metrics starts (else null); {@code note} the
     * muted text shown instead of the definition (a skipped metric), else null.
     */
    public record HeadlineRow(String group, String label, String value, String definition, String note) {
    }

    /**
     * What the report shows; {@code eval.jte} lays it out ({@code evalDocument.jte} as a file). The sections after
     * the headline table come as markup of their own ({@code sections}).
     */
    public record View(String model, String data, List<List<Fact>> facts, List<Fact> skipped,
                       List<HeadlineRow> headlines, Training training, Accuracy accuracy, Calibration calibration,
                       Robustness robustness, Gallery gallery, String tool, String format) {
        public String title() {
            return "lowres eval: " + model + " on " + data;
        }
    }

    /** The report's view of a {@code metrics.json}, with the arguments of {@link #html}. */
    public static View view(EvalMetrics metrics, MetricsLog.Lines runMetricsLines, Map<Integer, byte[]> galleryPngs) {
        if (metrics == null) {
            throw new IllegalArgumentException("no metrics.json");
        }
        MetricsLog.Lines lines = runMetricsLines == null ? MetricsLog.Lines.NONE : runMetricsLines;
        Map<Integer, byte[]> pngs = galleryPngs == null ? Map.of() : galleryPngs;
        Map<Integer, ClassName> names = classNames(metrics);
        String model = orNone(Metric.of(metrics.run(), EvalMetrics.RunSection::model));
        String data = orNone(Metric.of(metrics.data(), EvalMetrics.DataSection::name)) + " / "
                + orNone(Metric.of(metrics.data(), EvalMetrics.DataSection::split));
        return new View(model, data, facts(metrics), skippedFacts(metrics), headlines(metrics), training(lines),
                accuracy(metrics), calibration(metrics), robustness(metrics), gallery(metrics, names, pngs),
                orNone(metrics.tool()), orNone(metrics.format()));
    }

    /** A run's learning curves (loss, accuracy and learning rate) from its metrics.jsonl lines, as markup. */
    public static String learningCurves(MetricsLog.Lines runMetricsLines) {
        return Reports.render("evalTraining.jte", java.util.Collections.singletonMap("t",
                training(runMetricsLines == null ? MetricsLog.Lines.NONE : runMetricsLines)));
    }

    /** The reports' stylesheet (the web workbench's pages use it too). */
    public static String stylesheet() {
        return Html.CSS;
    }

    /** Writes {@link #html} to {@code file} atomically (UTF-8). */
    public static void write(Path file, EvalMetrics metrics, MetricsLog.Lines runMetricsLines,
                             Map<Integer, byte[]> galleryPngs) throws IOException {
        AtomicFiles.write(file, html(metrics, runMetricsLines, galleryPngs).getBytes(StandardCharsets.UTF_8));
    }

    // ---- header, skipped, summary -------------------------------------------------------------------

    private static List<List<Fact>> facts(EvalMetrics m) {
        EvalMetrics.RunSection run = m.run();
        EvalMetrics.DataSection data = m.data();
        List<Fact> left = List.of(
                fact("run", Metric.of(run, EvalMetrics.RunSection::dir), true),
                fact("model", Metric.of(run, EvalMetrics.RunSection::model), false),
                fact("recipe", Metric.of(run, EvalMetrics.RunSection::recipe), false),
                fact("seed", Metric.of(run, EvalMetrics.RunSection::seed), false),
                fact("epochs", Metric.of(run, EvalMetrics.RunSection::epochs), false),
                fact("checkpoint", Metric.of(run, EvalMetrics.RunSection::checkpoint), false),
                fact("trained on", Metric.of(run, EvalMetrics.RunSection::trainData), true),
                fact("data", Metric.of(data, EvalMetrics.DataSection::dir), true));
        List<Fact> right = List.of(
                fact("dataset", Metric.of(data, EvalMetrics.DataSection::name), false),
                fact("split", Metric.of(data, EvalMetrics.DataSection::split), false),
                fact("records", Metric.of(data, d -> Html.count((double) d.records())), false),
                fact("classes", Metric.of(data, EvalMetrics.DataSection::classes), false),
                fact("image (C, H, W)", Metric.of(data, d -> d.image() == null ? null : d.image().stream()
                        .map(String::valueOf).collect(java.util.stream.Collectors.joining("×"))), false),
                fact("flip TTA", Metric.of(m.accuracy(), EvalMetrics.Accuracy::flipTta), false),
                fact("created", m.created(), false),
                fact("command", m.command().isEmpty() ? null : String.join(" ", m.command()), true));
        return List.of(left, right);
    }

    /** A header fact: "—" for a value the file lacks (then never shown as code). */
    private static Fact fact(String name, Object value, boolean code) {
        return new Fact(name, value == null ? Html.NONE : value.toString(), code && value != null);
    }

    /** The sections metrics.json says were not computed, and why. */
    private static List<Fact> skippedFacts(EvalMetrics m) {
        List<Fact> out = new ArrayList<>();
        m.skipped().forEach((part, why) -> out.add(new Fact(part, why, true)));
        return out;
    }

    private static List<HeadlineRow> headlines(EvalMetrics m) {
        List<HeadlineRow> out = new ArrayList<>();
        String group = null;
        for (Headline k : Headline.ALL) {
            Double v = k.value(m);
            String starts = k.group().equals(group) ? null : k.group();
            group = k.group();
            String reason = v == null ? k.metric().skipReason(m) : null;
            String note = null;
            if (v == null && (reason != null || !sectionPresent(m, k.section()))) {
                note = "skipped: " + (reason != null ? reason : skipReason(m, k.section()));
            } else if (v == null) {
                note = "not recorded in metrics.json";
            }
            out.add(new HeadlineRow(starts, k.label(), k.format(v), note == null ? k.define(m) : null, note));
        }
        return out;
    }

    // ---- learning curves ----------------------------------------------------------------------------

    /** The training section: figures (or a note where one cannot be drawn) and the epoch table. */
    public record Training(List<Figure> figures, List<List<String>> epochs) {
    }

    /** A chart with its caption, or (svg null) a note in its place. */
    public record Figure(String svg, String caption) {
    }

    private static Training training(MetricsLog.Lines lines) {
        List<MetricsLog.Epoch> epochs = lines.epochs();
        List<MetricsLog.Step> steps = lines.steps();
        if (lines.isEmpty()) {
            return null;
        }
        List<Figure> figures = new ArrayList<>();
        // x in epochs done: an epoch line sits at epoch + 1; a step line between its epoch's first and last step
        TreeMap<Integer, Long> endStep = new TreeMap<>();
        for (MetricsLog.Epoch e : epochs) {
            endStep.put(e.epoch(), e.step());
        }
        double perEpoch = Double.NaN;
        if (!endStep.isEmpty()) {
            Map.Entry<Integer, Long> first = endStep.firstEntry();
            perEpoch = (double) first.getValue() / (first.getKey() + 1);
        }
        boolean byEpoch = Double.isFinite(perEpoch) && perEpoch > 0;
        double[] sx = new double[steps.size()];
        double[] sLoss = new double[steps.size()];
        double[] sLr = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            MetricsLog.Step s = steps.get(i);
            long step = s.step();
            if (byEpoch) {
                int e = s.epoch();
                double start = endStep.containsKey(e - 1) ? endStep.get(e - 1) : e * perEpoch;
                double end = endStep.containsKey(e) ? endStep.get(e) : start + perEpoch;
                sx[i] = e + (end > start ? (step - start) / (end - start) : 1);
            } else {
                sx[i] = step;
            }
            sLoss[i] = s.loss();
            sLr[i] = s.lr();
        }
        double[] ex = new double[epochs.size()];
        for (int i = 0; i < epochs.size(); i++) {
            ex[i] = epochs.get(i).epoch() + 1;
        }
        double xMax = max(max(ex), max(sx));
        double[] xr = byEpoch ? new double[] {0, Math.max(1, xMax)} : new double[] {min(sx), xMax};
        String xTitle = byEpoch ? "epoch" : "optimizer step";
        boolean dots = epochs.size() <= 60;

        // loss
        double[] trainLoss = col(epochs, MetricsLog.Epoch::trainLoss);
        double[] valLoss = col(epochs, MetricsLog.Epoch::valLoss);
        double lossMax = max(max(trainLoss), max(valLoss), max(sLoss));
        double[] ly = Svg.niceRange(0, Double.isFinite(lossMax) ? lossMax : 1, 5);
        Svg loss = new Svg(540, 320, "loss by epoch").margins(56, 16, 50, 44).domain(xr[0], xr[1], ly[0], ly[1]);
        loss.title("Loss").xAxis(Svg.ticks(xr[0], xr[1], 8), Svg::plain, xTitle)
                .yAxis(Svg.ticks(ly[0], ly[1], 5), Svg::plain, "cross-entropy");
        List<Svg.Key> keys = new ArrayList<>();
        if (steps.size() > 0 && anyFinite(sLoss)) {
            loss.line(sx, sLoss, "#9ecae1", 1, null, "train loss, mean over the logging window");
            keys.add(Svg.Key.line("train (steps)", "#9ecae1"));
        }
        series(loss, ex, trainLoss, TRAIN, null, dots, "train loss, epoch mean", keys, "train (epoch)");
        series(loss, ex, valLoss, VAL, null, dots, "validation loss", keys, "val");
        loss.legendRow(keys, 56, 38);
        figures.add(figure(loss, "Training loss per logging window (light) and per epoch; validation loss per evaluated "
                + "epoch. Epoch marks sit at the end of their epoch."));
        // accuracy
        double[] trainTop1 = col(epochs, MetricsLog.Epoch::trainTop1);
        double[] valTop1 = col(epochs, MetricsLog.Epoch::valTop1);
        double[] valTop5 = col(epochs, MetricsLog.Epoch::valTop5);
        double[] emaTop1 = col(epochs, MetricsLog.Epoch::emaValTop1);
        if (epochs.isEmpty()) {
            figures.add(new Figure(null, "No epoch lines: accuracy by epoch not available."));
        } else {
            double accMax = max(max(trainTop1), max(valTop1), max(valTop5), max(emaTop1));
            double top = Double.isFinite(accMax) ? Math.min(1, Svg.niceRange(0, accMax, 5)[1]) : 1;
            Svg acc = new Svg(540, 320, "accuracy by epoch").margins(56, 16, 50, 44).domain(xr[0], xr[1], 0, top);
            acc.title("Accuracy").xAxis(Svg.ticks(xr[0], xr[1], 8), Svg::plain, xTitle)
                    .yAxis(Svg.ticks(0, top, 5), Svg::percent, "accuracy");
            List<Svg.Key> ak = new ArrayList<>();
            series(acc, ex, trainTop1, TRAIN, null, dots, "train top-1 (augmented batches)", ak, "train top-1");
            series(acc, ex, valTop1, VAL, null, dots, "validation top-1", ak, "val top-1");
            series(acc, ex, valTop5, VAL, "5 3", dots, "validation top-5", ak, "val top-5");
            series(acc, ex, emaTop1, EMA, null, dots, "validation top-1 of the weight average", ak, "EMA val top-1");
            acc.legendRow(ak, 56, 38);
            figures.add(figure(acc, "Top-1 on the augmented training batches and on the validation split after each evaluated "
                    + "epoch; top-5 dashed."));
        }
        // learning rate
        double[] lrx = steps.isEmpty() ? ex : sx;
        double[] lr = steps.isEmpty() ? col(epochs, MetricsLog.Epoch::lr) : sLr;
        if (anyFinite(lr)) {
            double[] lrr = Svg.niceRange(0, max(lr), 4);
            Svg lrs = new Svg(540, 200, "learning rate").margins(56, 16, 30, 44).domain(xr[0], xr[1], 0, lrr[1]);
            lrs.title("Learning rate").xAxis(Svg.ticks(xr[0], xr[1], 8), Svg::plain, xTitle)
                    .yAxis(Svg.ticks(0, lrr[1], 4), Svg::plain, "lr");
            lrs.line(lrx, lr, "#555", 1.5, null, "learning rate");
            figures.add(figure(lrs, "The learning rate of the last step of each logging window" + (steps.isEmpty()
                    ? " (per epoch: no step lines)." : ".")));
        }
        // the epochs as a table, folded
        List<List<String>> rows = new ArrayList<>();
        for (MetricsLog.Epoch e : epochs) {
            rows.add(List.of(String.valueOf(e.epoch() + 1), Html.count((double) e.step()),
                    finite(e.lr()) == null ? Html.NONE : Html.compact(e.lr(), 4),
                    Html.fixed(finite(e.trainLoss()), 4), Html.pct(finite(e.trainTop1())),
                    Html.fixed(finite(e.valLoss()), 4), Html.pct(finite(e.valTop1())),
                    Html.pct(finite(e.valTop5())), Html.pct(finite(e.emaValTop1())),
                    Html.fixed(finite(e.seconds()), 1), Html.count(finite(e.imagesPerSecond()))));
        }
        return new Training(figures, rows);
    }

    private static void series(Svg s, double[] x, double[] y, String color, String dash, boolean dots, String tip,
                               List<Svg.Key> keys, String key) {
        if (!anyFinite(y)) {
            return;
        }
        // epochs without the figure (not evaluated) are left out, not drawn as gaps
        int n = 0;
        for (double v : y) {
            n += Double.isFinite(v) ? 1 : 0;
        }
        double[] fx = new double[n];
        double[] fy = new double[n];
        for (int i = 0, k = 0; i < y.length; i++) {
            if (Double.isFinite(y[i])) {
                fx[k] = x[i];
                fy[k++] = y[i];
            }
        }
        s.line(fx, fy, color, 2, dash, tip);
        if (dots) {
            s.points(fx, fy, 2.5, color, null, null);
        }
        keys.add(dash == null ? Svg.Key.line(key, color) : Svg.Key.dashed(key, color, dash));
    }

    // ---- accuracy: per class, confused pairs --------------------------------------------------------

    /**
     * The accuracy section: why it was skipped, or the per-class chart ({@code curve}: the sorted curve of many
     * classes with the tables of the best and worst; else one bar per class), and the most-confused pairs.
     */
    public record Accuracy(Skip skipped, Figure chart, boolean curve, List<ClassRow> best, List<ClassRow> worst,
                           List<ConfusedPair> confused) {
    }

    /** Why a section was not computed: {@code what} skipped: {@code reason} ({@code section} is null). */
    public record Skip(String what, String reason, String section) {
    }

    private static Skip skip(EvalMetrics m, String section, String what) {
        return new Skip(what, skipReason(m, section), section);
    }

    private static Accuracy accuracy(EvalMetrics m) {
        EvalMetrics.Accuracy acc = m.accuracy();
        if (acc == null) {
            return new Accuracy(skip(m, "accuracy", "Accuracy"), null, false, List.of(), List.of(), List.of());
        }
        List<EvalMetrics.ClassScore> classes = new ArrayList<>(acc.perClass());
        classes.removeIf(c -> finite(c.top1()) == null);
        Figure chart = null;
        boolean curve = false;
        List<ClassRow> best = List.of();
        List<ClassRow> worst = List.of();
        if (!classes.isEmpty()) {
            classes.sort(Comparator.comparingDouble((EvalMetrics.ClassScore c) -> -c.top1())
                    .thenComparing(c -> String.valueOf(c.name())));
            Double mean = finite(acc.meanPerClass());
            Double top1 = finite(acc.top1());
            curve = classes.size() > 30;
            if (curve) {
                chart = perClassCurve(classes, mean, top1);
                int n = classes.size();
                best = classRows(classes.subList(0, Math.min(10, n)));
                List<EvalMetrics.ClassScore> w = new ArrayList<>(classes.subList(Math.max(0, n - 10), n));
                java.util.Collections.reverse(w);
                worst = classRows(w);
            } else {
                chart = perClassBars(classes, mean);
            }
        }
        return new Accuracy(null, chart, curve, best, worst, confused(acc));
    }

    private static Figure perClassBars(List<EvalMetrics.ClassScore> classes, Double mean) {
        int n = classes.size();
        Svg s = new Svg(720, 86 + 22 * n, "top-1 by class").margins(210, 60, 50, 36)
                .domain(0, 1, n - 0.5, -0.5);
        s.title("Top-1 by class, best first").xAxis(Svg.ticks(0, 1, 5), Svg::percent, "top-1 of the class's records");
        if (mean != null) { // under the bars and their labels
            s.segment(mean, n - 0.5, mean, -0.5, "#d62728", 1.5, "5 3");
        }
        for (int i = 0; i < n; i++) {
            EvalMetrics.ClassScore c = classes.get(i);
            double v = c.top1();
            String name = clip(c.name() != null ? c.name() : "class " + c.index(), 30);
            s.rect(0, i - 0.36, v, i + 0.36, "#1f77b4", orEmpty(c.name()) + " (" + orEmpty(c.wnid())
                    + "): top-1 " + Html.pct(v) + ", top-5 " + Html.pct(finite(c.top5())) + ", "
                    + c.records() + " records");
            s.textPx(s.px(0) - 6, s.py(i) + 4, name, "end", 11, "#333");
            s.textPx(s.px(v) + 4, s.py(i) + 4, Html.pct(v), "start", 10, "#555");
        }
        if (mean != null) {
            s.legendRow(List.of(Svg.Key.line("top-1 of the class", "#1f77b4"),
                    Svg.Key.dashed("mean per class " + Html.pct(mean), "#d62728", "5 3")), 210, 38);
        }
        return figure(s, "Top-1 of each class on its own records, sorted; the dashed line is the mean over classes. "
                + "Hover a bar for the class's top-5 and record count.");
    }

    private static Figure perClassCurve(List<EvalMetrics.ClassScore> classes, Double mean, Double top1) {
        int n = classes.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] y5 = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = classes.get(i).top1();
            Double t5 = finite(classes.get(i).top5());
            y5[i] = t5 == null ? Double.NaN : t5;
        }
        Svg s = new Svg(720, 320, "top-1 by class, sorted").margins(56, 20, 50, 44).domain(0.5, n + 0.5, 0, 1);
        s.title("Top-1 of each of the " + n + " classes, sorted best first")
                .xAxis(withOne(Svg.ticks(0, n, 10)), Svg::integer, "class rank")
                .yAxis(Svg.ticks(0, 1, 5), Svg::percent, "top-1 of the class");
        s.area(x, y, 0, "#c6dbef");
        s.line(x, y, "#1f77b4", 1.5, null, "top-1 by class, sorted");
        List<Svg.Key> keys = new ArrayList<>(List.of(Svg.Key.line("top-1 of the class", "#1f77b4")));
        if (anyFinite(y5)) {
            s.dots(x, y5, 1.2, "#ff7f0e");
            keys.add(Svg.Key.dot("its top-5", "#ff7f0e"));
        }
        if (mean != null) {
            s.segment(0.5, mean, n + 0.5, mean, "#d62728", 1.5, "5 3");
            keys.add(Svg.Key.dashed("mean per class " + Html.pct(mean), "#d62728", "5 3"));
        }
        s.legendRow(keys, 56, 38);
        return figure(s, "Each class's top-1 on its own records, sorted (" + n + " classes" + (top1 == null ? ""
                : "; overall top-1 " + Html.pct(top1)) + "). The tables name the ends of the curve.");
    }

    private static double[] withOne(double[] ticks) {
        if (ticks.length > 0 && ticks[0] == 0) {
            ticks[0] = 1;
        }
        return ticks;
    }

    /** A class in a table of classes. */
    public record ClassRow(String name, String wnid, String records, String top1, String top5) {
    }

    private static List<ClassRow> classRows(List<EvalMetrics.ClassScore> classes) {
        return classes.stream().map(c -> new ClassRow(orEmpty(c.name()), orEmpty(c.wnid()),
                Html.count((double) c.records()), Html.pct(finite(c.top1())), Html.pct(finite(c.top5())))).toList();
    }

    /** A most-confused pair: the true and the predicted class, how often, and its bar's length in pixels. */
    public record ConfusedPair(int rank, String trueName, String trueWnid, String predictedName, String predictedWnid,
                               String count, String share, long bar) {
    }

    private static List<ConfusedPair> confused(EvalMetrics.Accuracy acc) {
        List<ConfusedPair> rows = new ArrayList<>();
        double maxShare = 0;
        for (EvalMetrics.Confusion p : acc.mostConfused()) {
            maxShare = finite(p.share()) == null ? maxShare : Math.max(maxShare, p.share());
        }
        int i = 0;
        for (EvalMetrics.Confusion p : acc.mostConfused()) {
            Double share = finite(p.share());
            rows.add(new ConfusedPair(++i, orEmpty(p.trueName()), orEmpty(p.trueWnid()), orEmpty(p.predictedName()),
                    orEmpty(p.predictedWnid()), Html.count((double) p.count()), Html.pct(share),
                    share == null || maxShare <= 0 ? 0 : Math.round(120 * share / maxShare)));
        }
        return rows;
    }

    // ---- calibration --------------------------------------------------------------------------------

    /**
     * The calibration section: why it was skipped, or the reliability diagram and the records per bin, the rows of
     * ECE, NLL and Brier (label and three numbers), what the temperature did (null: none recorded), the bins.
     */
    public record Calibration(Skip skipped, String reliability, String counts, List<List<String>> rows,
                              String temperature, String bins) {
    }

    private static Calibration calibration(EvalMetrics m) {
        EvalMetrics.Calibration c = m.calibration();
        if (c == null) {
            return new Calibration(skip(m, "calibration", "Calibration"), null, null, List.of(), null, null);
        }
        List<EvalMetrics.Bin> bins = c.reliability();
        EvalMetrics.TemperatureFit temp = c.temperature();
        Double ece = finite(c.ece());
        Double after = Metric.ECE_AFTER_T.value(m);
        Double t = temp == null ? null : finite(temp.value());
        String title = "Reliability, ECE " + Html.pct(ece) + (after == null ? "" : " (" + Html.pct(after)
                + " after temperature " + Html.compact(t == null ? Double.NaN : t, 3) + ")");
        Svg r = new Svg(540, 380, "reliability diagram").margins(56, 16, 50, 44).domain(0, 1, 0, 1);
        r.title(title).xAxis(Svg.ticks(0, 1, 5), Svg::percent, "confidence (probability of the predicted class)")
                .yAxis(Svg.ticks(0, 1, 5), Svg::percent, "accuracy in the bin");
        double maxCount = 0;
        for (EvalMetrics.Bin b : bins) {
            maxCount = Math.max(maxCount, b.count());
        }
        for (EvalMetrics.Bin b : bins) {
            double lo = b.lower();
            double hi = b.upper();
            Double a = finite(b.accuracy());
            Double conf = finite(b.confidence());
            long n = b.count();
            if (n == 0 || a == null) {
                continue;
            }
            double pad = (hi - lo) * 0.06;
            String tip = String.format(Locale.ROOT, "confidence %s–%s: %,d records, accuracy %s, mean confidence %s",
                    Html.pct(lo), Html.pct(hi), n, Html.pct(a), Html.pct(conf));
            r.rect(lo + pad, 0, hi - pad, a, "#1f77b4", tip);
            if (conf != null) {
                r.rect(lo + pad, Math.min(a, conf), hi - pad, Math.max(a, conf), "rgba(214,39,40,0.30)", tip);
                r.segment(lo + pad, conf, hi - pad, conf, "#d62728", 1.5, null);
            }
        }
        r.segment(0, 0, 1, 1, "#555", 1.2, "4 3");
        r.legendRow(List.of(Svg.Key.line("accuracy", "#1f77b4"), Svg.Key.line("mean confidence (gap shaded)", "#d62728"),
                Svg.Key.dashed("perfect calibration", "#555", "4 3")), 56, 38);
        // counts, on the same x scale
        // head room over the tallest bar for its (possibly rotated) count label
        double plotH = 190 - 28 - 40;
        double top = Math.max(1, maxCount / (1 - 40 / plotH));
        Svg cs = new Svg(540, 190, "records per confidence bin").margins(56, 16, 28, 40).domain(0, 1, 0, top);
        cs.title("Records per bin").xAxis(Svg.ticks(0, 1, 5), Svg::percent, "confidence")
                .yAxis(Svg.ticks(0, top, 3), v -> Html.count(v), null);
        for (EvalMetrics.Bin b : bins) {
            double lo = b.lower();
            double hi = b.upper();
            long n = b.count();
            double pad = (hi - lo) * 0.06;
            cs.rect(lo + pad, 0, hi - pad, n, "#9aa7b5", String.format(Locale.ROOT, "%,d records", n));
            String label = Html.count((double) n);
            double binPx = cs.px(hi) - cs.px(lo);
            double xMid = cs.px((lo + hi) / 2);
            if (binPx >= 7 * label.length() + 4) {
                cs.textPx(xMid, cs.py(n) - 3, label, "middle", 10, "#333");
            } else {
                cs.textRotated(xMid + 3.5, cs.py(n) - 3, label, -90, "start", 9, "#333");
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("all records, raw", Html.pct2(ece), Html.fixed(finite(c.nll()), 4),
                Html.fixed(finite(c.brier()), 4)));
        String temperature = null;
        if (temp != null) {
            for (String side : new String[] {"before", "after"}) {
                EvalMetrics.Scores sc = side.equals("before") ? temp.before() : temp.after();
                rows.add(List.of("held-out half, " + side + " T",
                        Html.pct2(finite(Metric.of(sc, EvalMetrics.Scores::ece))),
                        Html.fixed(finite(Metric.of(sc, EvalMetrics.Scores::nll)), 4),
                        Html.fixed(finite(Metric.of(sc, EvalMetrics.Scores::brier)), 4)));
            }
            temperature = "Temperature T = " + Html.compact(t == null ? Double.NaN : t, 4) + " fitted (NLL) on "
                    + Html.count((double) temp.fitRecords()) + " records, measured on the other "
                    + Html.count((double) temp.evalRecords()) + (t == null || t == 1 ? "."
                    : t > 1 ? ". T > 1: the raw probabilities were over-confident."
                    : ". T < 1: the raw probabilities were under-confident.");
        }
        return new Calibration(null, r.toString(), cs.toString(), rows, temperature, String.valueOf(c.bins()));
    }

    // ---- robustness ---------------------------------------------------------------------------------

    /**
     * The robustness section: why it was skipped, or the chart by corruption and severity with its table (a row per
     * corruption: name, a value per severity, the mean; {@code corruptions} empty: none recorded), the overall mean,
     * and the attacks (rows of name, epsilon, steps, step size, records, top-1, against clean) or why they were not
     * run ({@code attacksSkipped}).
     */
    public record Robustness(Skip skipped, Figure chart, int severities, List<List<String>> corruptions, String mean,
                             String attacksSkipped, List<List<String>> attacks) {
    }

    private static Robustness robustness(EvalMetrics m) {
        EvalMetrics.Robustness r = m.robustness();
        if (r == null) {
            return new Robustness(skip(m, "robustness", "Robustness"), null, 0, List.of(), null, null, List.of());
        }
        Figure chart = null;
        int severities = 0;
        List<List<String>> rows = new ArrayList<>();
        Double clean = finite(r.cleanTop1());
        List<EvalMetrics.CorruptionScore> cs = new ArrayList<>(r.corruptions() == null ? List.of() : r.corruptions());
        if (!cs.isEmpty()) {
            // legend order = order of the lines' right ends, top first
            cs.sort(Comparator.comparingDouble((EvalMetrics.CorruptionScore c) -> -last(c.top1())));
            double hi = clean == null ? 0 : clean;
            for (EvalMetrics.CorruptionScore c : cs) {
                severities = Math.max(severities, c.top1().size());
                for (Double v : c.top1()) {
                    hi = finite(v) == null ? hi : Math.max(hi, v);
                }
            }
            double top = Math.min(1, Svg.niceRange(0, Math.max(hi, 0.01), 5)[1]);
            Svg s = new Svg(760, 380, "top-1 by corruption severity").margins(56, 190, 30, 44)
                    .domain(0.8, severities + 0.2, 0, top);
            s.title("Top-1 by corruption and severity").xAxis(Svg.ticks(1, severities, severities), Svg::integer,
                    "severity").yAxis(Svg.ticks(0, top, 5), Svg::percent, "top-1");
            if (clean != null) {
                s.segment(0.8, clean, severities + 0.2, clean, "#000", 1.5, "6 4");
                s.textPx(s.px(1), s.py(clean) - 5, "clean " + Html.pct(clean), "start", 10, "#000");
            }
            List<Svg.Key> keys = new ArrayList<>();
            if (clean != null) {
                keys.add(Svg.Key.dashed("clean " + Html.pct(clean), "#000", "6 4"));
            }
            for (int i = 0; i < cs.size(); i++) {
                EvalMetrics.CorruptionScore c = cs.get(i);
                double[] y = new double[c.top1().size()];
                double[] x = new double[y.length];
                for (int k = 0; k < y.length; k++) {
                    x[k] = k + 1;
                    y[k] = finite(c.top1().get(k)) == null ? Double.NaN : c.top1().get(k);
                }
                String name = orEmpty(c.name());
                s.line(x, y, Svg.color(i), 1.8, Svg.dash(i), name);
                s.points(x, y, 2.2, Svg.color(i), null, null);
                keys.add(new Svg.Key(clip(name, 24), Svg.color(i), Svg.dash(i), false));
            }
            double[] a = s.area();
            s.legend(keys, a[2] + 14, a[1] + 8);
            chart = figure(s, "Top-1 on the " + Html.count((double) r.records()) + "-record robustness subset under "
                    + "each corruption at severities 1–5 (legend in the order of severity-5 accuracy); the dashed "
                    + "black line is the subset's clean top-1.");
            for (EvalMetrics.CorruptionScore c : cs) {
                List<String> row = new ArrayList<>(List.of(orEmpty(c.name())));
                double sum = 0;
                int n = 0;
                for (int k = 0; k < severities; k++) {
                    Double v = k < c.top1().size() ? finite(c.top1().get(k)) : null;
                    row.add(Html.pct(v));
                    if (v != null) {
                        sum += v;
                        n++;
                    }
                }
                row.add(Html.pct(n == 0 ? null : sum / n));
                rows.add(row);
            }
        }
        String mean = Html.pct(finite(r.meanCorruptionTop1()));
        EvalMetrics.Adversarial adv = r.adversarial();
        if (adv == null) {
            String reason = Metric.FGSM_TOP1.skipReason(m);
            return new Robustness(null, chart, severities, rows, mean, reason == null
                    || reason.equals(m.skipped().get("robustness")) ? "no reason recorded in metrics.json" : reason,
                    List.of());
        }
        String eps = Html.compact(adv.epsilon(), 4);
        List<List<String>> attacks = new ArrayList<>();
        attacks.add(List.of("none (clean subset)", "0", "", "", Html.count((double) r.records()), Html.pct(clean), ""));
        attacks.add(attack("FGSM", eps, "1", eps, adv.records(), finite(adv.fgsmTop1()), clean));
        attacks.add(attack("PGD", eps, String.valueOf(adv.pgdSteps()), Html.compact(adv.pgdStepSize(), 4),
                adv.records(), finite(adv.pgdTop1()), clean));
        return new Robustness(null, chart, severities, rows, mean, null, attacks);
    }

    /** A row of the attack table: name, epsilon, steps, step size, records, top-1, against clean. */
    private static List<String> attack(String name, String eps, String steps, String stepSize, int records, Double top1,
                                       Double clean) {
        return List.of(name, eps, steps, stepSize, Html.count((double) records), Html.pct(top1),
                top1 == null || clean == null ? "" : String.format(Locale.ROOT, "%+.1f pts", 100 * (top1 - clean)));
    }

    // ---- gallery ------------------------------------------------------------------------------------

    /** One mistake of the gallery: its image (a data: URI, or null), key, true class, ReaL verdict, top-5 bars. */
    public record MistakeCard(int index, String image, String key, String file, String truth, String truthWnid,
                              boolean realCorrect, List<Bar> top5) {
    }

    /** One of a mistake's top-5: its class, the bar's class ({@code ok}: the truth; {@code o}: not the prediction). */
    public record Bar(String name, String kind, String width, String probability) {
    }

    /** The gallery: why it was skipped, or its mistakes (none: none recorded). */
    public record Gallery(Skip skipped, List<MistakeCard> cards) {
    }

    private static Gallery gallery(EvalMetrics m, Map<Integer, ClassName> names, Map<Integer, byte[]> pngs) {
        List<MistakeCard> cards = new ArrayList<>();
        for (EvalMetrics.Mistake x : m.mistakes()) {
            int index = x.index();
            int label = x.label();
            byte[] png = pngs.get(index);
            ClassName truth = names.get(label);
            String key = orEmpty(x.key());
            List<Bar> bars = new ArrayList<>();
            for (EvalMetrics.Guess p : x.top5()) {
                int ci = p.index();
                double prob = p.prob();
                bars.add(new Bar(name(names, ci), ci == label ? "ok" : bars.isEmpty() ? null : "o",
                        String.format(Locale.ROOT, "%.0f", Math.max(0, Math.min(100, 100 * prob))), Html.pct(prob)));
            }
            cards.add(new MistakeCard(index, png == null ? null : Reports.pngDataUri(png), key, key.substring(key.lastIndexOf('/') + 1),
                    name(names, label), truth == null || truth.wnid().isEmpty() ? null : truth.wnid(),
                    Boolean.TRUE.equals(x.realCorrect()), bars));
        }
        return new Gallery(null, cards);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static Map<Integer, ClassName> classNames(EvalMetrics m) {
        Map<Integer, ClassName> names = new HashMap<>();
        for (EvalMetrics.ClassScore c : m.accuracy() == null ? List.<EvalMetrics.ClassScore>of() : m.accuracy().perClass()) {
            names.put(c.index(), new ClassName(orEmpty(c.name()), orEmpty(c.wnid())));
        }
        return names;
    }

    private static String name(Map<Integer, ClassName> names, int index) {
        ClassName c = names.get(index);
        if (c == null) {
            return "class " + index;
        }
        return c.name().isEmpty() ? (c.wnid().isEmpty() ? "class " + index : c.wnid()) : c.name();
    }

    private static Figure figure(Svg svg, String caption) {
        return new Figure(svg.toString(), caption);
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String orNone(String s) {
        return s == null ? Html.NONE : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** {@code v}, or null when not finite. */
    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static double[] col(List<MetricsLog.Epoch> epochs, java.util.function.ToDoubleFunction<MetricsLog.Epoch> f) {
        return epochs.stream().mapToDouble(f).toArray();
    }

    /** The last finite value, or minus infinity. */
    private static double last(List<Double> values) {
        for (int i = values.size() - 1; i >= 0; i--) {
            if (finite(values.get(i)) != null) {
                return values.get(i);
            }
        }
        return Double.NEGATIVE_INFINITY;
    }

    /** Whether {@code m} holds the section (a skipped one is null). */
    private static boolean sectionPresent(EvalMetrics m, String section) {
        return switch (section) {
            case "accuracy" -> m.accuracy() != null;
            case "multilabel" -> m.multilabel() != null;
            case "calibration" -> m.calibration() != null;
            case "robustness" -> m.robustness() != null;
            case "efficiency" -> m.efficiency() != null;
            default -> false;
        };
    }

    /** The recorded reason a top-level section was skipped, or a generic one. */
    private static String skipReason(EvalMetrics m, String section) {
        String r = m.skipped().get(section);
        return r != null && !r.isBlank() ? r : "no reason recorded in metrics.json";
    }

    private static boolean anyFinite(double[] v) {
        for (double x : v) {
            if (Double.isFinite(x)) {
                return true;
            }
        }
        return false;
    }

    private static double max(double... v) {
        double m = Double.NaN;
        for (double x : v) {
            if (Double.isFinite(x) && !(x <= m)) {
                m = x;
            }
        }
        return m;
    }

    private static double max(double[] a, double[] b, double[] c) {
        return max(max(a), max(b), max(c));
    }

    private static double max(double[] a, double[] b, double[] c, double[] d) {
        return max(max(a), max(b), max(c), max(d));
    }

    private static double min(double[] v) {
        double m = Double.NaN;
        for (double x : v) {
            if (Double.isFinite(x) && !(x >= m)) {
                m = x;
            }
        }
        return m;
    }
}
