package dev.lowres.train.report;

import dev.lowres.data.store.AtomicFiles;
import dev.lowres.train.eval.result.Metric;
import dev.lowres.train.metrics.LinearFit;
import dev.lowres.train.metrics.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code compare.html} of {@code lowres compare}: every headline number per (run, eval set); a seed
 * study of runs that differ only by seed (mean, sample standard deviation, min, max); and the
 * ImageNetV2-style scatter of each run's top-1 on one eval set against another, with the y = x diagonal
 * and a least-squares line (Recht et al. 2019, "Do ImageNet Classifiers Generalize to ImageNet?").
 */
public final class CompareReport {
    private CompareReport() {
    }

    /** What the report shows; {@code compare.jte} lays it out. */
    public record View(long runs, List<String> evals, String recipe, List<Group> groups, List<SeedSet> seeds,
                       List<String> single, Scatter scatter, String paretoEval, List<EvalReport.Figure> pareto) {
    }

    /** One table of headline numbers: the columns of a group of metrics, a row per (run, eval set). */
    public record Group(String title, boolean recipes, List<Column> columns, List<Row> rows) {
    }

    /** A column: its short label and its definition (the header's tooltip). */
    public record Column(String label, String title) {
    }

    /** A row: {@code first} when it starts another eval set. */
    public record Row(boolean first, String eval, String run, String model, String recipe, long seed, List<Cell> cells) {
    }

    /** A number as shown; {@code best} in bold. */
    public record Cell(String text, boolean best) {
    }

    /** The seed groups on one eval set. */
    public record SeedSet(String eval, List<SeedGroup> groups) {
    }

    /** Runs differing only by seed: a line per metric that varies, and those that do not. */
    public record SeedGroup(String name, String seeds, List<List<String>> lines, String constant) {
        public int span() {
            return lines.size() + (constant == null ? 0 : 1);
        }

        /** The table's rows: one per line, then the constant metrics' row; the first carries the group's cell. */
        public List<SeedRow> rows() {
            List<SeedRow> rows = new ArrayList<>();
            lines.forEach(l -> rows.add(new SeedRow(rows.isEmpty(), l, null)));
            if (constant != null) {
                rows.add(new SeedRow(rows.isEmpty(), null, constant));
            }
            return rows;
        }
    }

    /** A row of a seed group: a metric's line, or (cells null) the metrics the same for every seed. */
    public record SeedRow(boolean first, List<String> cells, String constant) {
    }

    /** The scatter of top-1 on one eval set against another, or why it is skipped. */
    public record Scatter(String x, String y, String skipped, String svg, String caption, List<Point> points,
                          String equation, int n) {
    }

    /** One run of the scatter. */
    public record Point(String run, String model, long seed, String x, String y, String gap, String vsFit) {
    }

    /**
     * The report as an HTML string.
     *
     * @param rows one per evaluated (run, eval set)
     * @param scatterX the eval set on the scatter's x axis (e.g. {@code val}); null picks the most common one
     * @param scatterY the eval set on the y axis (e.g. {@code imagenetv2}); null picks the next most common one
     */
    public static String html(List<CompareRow> rows, String scatterX, String scatterY) {
        return Reports.render("compareDocument.jte", view(rows, scatterX, scatterY));
    }

    /**
     * The report's sections without the document around them (the workbench puts them in its pages), with the
     * arguments of {@link #html}.
     */
    public static String body(List<CompareRow> rows, String scatterX, String scatterY) {
        return Reports.render("compare.jte", view(rows, scatterX, scatterY));
    }

    /** Writes {@link #html} to {@code file} atomically (UTF-8). */
    public static void write(Path file, List<CompareRow> rows, String scatterX, String scatterY) throws IOException {
        AtomicFiles.write(file, html(rows, scatterX, scatterY).getBytes(StandardCharsets.UTF_8));
    }

    /** What the report shows, with the arguments of {@link #html}. */
    public static View view(List<CompareRow> rows, String scatterX, String scatterY) {
        List<String> evals = evalsByUse(rows);
        List<CompareRow> sorted = new ArrayList<>(rows); // eval sets by use, then the caller's order (stable)
        sorted.sort(Comparator.comparingInt((CompareRow r) -> evals.indexOf(r.evalName())));
        long runs = rows.stream().map(CompareRow::runDir).distinct().count();
        boolean recipes = rows.stream().map(CompareRow::recipe).distinct().count() > 1;
        String x = scatterX;
        String y = scatterY;
        if (x == null) {
            x = evals.stream().filter(e -> !e.equals(scatterY)).findFirst().orElse(null);
        }
        if (y == null) {
            String fx = x;
            y = evals.stream().filter(e -> !e.equals(fx)).findFirst().orElse(null);
        }
        List<String> single = new ArrayList<>();
        List<SeedSet> seeds = seedStudy(sorted, single);
        String paretoEval = evals.isEmpty() ? null : evals.get(0);
        return new View(runs, evals, rows.isEmpty() || recipes ? null : rows.get(0).recipe(), groups(sorted, recipes),
                seeds, single, scatter(rows, x, y), paretoEval, pareto(sorted, paretoEval));
    }

    /** Eval set names, the most evaluated first (ties: first seen). */
    private static List<String> evalsByUse(List<CompareRow> rows) {
        Map<String, Long> n = rows.stream().collect(Collectors.groupingBy(CompareRow::evalName, LinkedHashMap::new,
                Collectors.counting()));
        List<String> names = new ArrayList<>(n.keySet());
        names.sort(Comparator.comparingLong((String e) -> -n.get(e)));
        return names;
    }

    /** The headlines that at least one row has. */
    private static List<Headline> used(List<CompareRow> rows) {
        List<Headline> used = new ArrayList<>();
        for (Headline k : Headline.ALL) {
            if (rows.stream().anyMatch(r -> k.value(r.metrics()) != null)) {
                used.add(k);
            }
        }
        return used;
    }

    // ---- all numbers --------------------------------------------------------------------------------

    private static List<Group> groups(List<CompareRow> rows, boolean recipes) {
        Map<String, List<Headline>> groups = new LinkedHashMap<>();
        for (Headline k : used(rows)) {
            String g = switch (k.section()) {
                case "accuracy", "multilabel" -> "Accuracy and multi-label (ReaL) accuracy";
                case "calibration", "robustness" -> "Calibration and robustness";
                default -> k.group();
            };
            groups.computeIfAbsent(g, x -> new ArrayList<>()).add(k);
        }
        List<Group> out = new ArrayList<>();
        groups.forEach((title, cols) -> out.add(group(title, rows, cols, recipes)));
        return out;
    }

    private static Group group(String title, List<CompareRow> rows, List<Headline> cols, boolean recipes) {
        // the best value of each column within each eval set; bold only where values differ
        Map<String, Map<Headline, double[]>> range = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            for (Headline k : cols) {
                Double v = k.value(r.metrics());
                if (v != null) {
                    range.computeIfAbsent(r.evalName(), e -> new LinkedHashMap<>()).merge(k, new double[] {v, v},
                            (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }
            }
        }
        List<Row> out = new ArrayList<>();
        String previous = null;
        for (CompareRow r : rows) {
            List<Cell> cells = new ArrayList<>();
            for (Headline k : cols) {
                Double v = k.value(r.metrics());
                double[] mm = range.getOrDefault(r.evalName(), Map.of()).get(k);
                boolean bold = v != null && mm != null && mm[0] < mm[1] && k.higherIsBetter() != null
                        && v == (k.higherIsBetter() ? mm[1] : mm[0]);
                cells.add(new Cell(k.format(v), bold));
            }
            out.add(new Row(previous != null && !previous.equals(r.evalName()), r.evalName(), r.runDir(), r.model(),
                    r.recipe(), r.seed(), cells));
            previous = r.evalName();
        }
        return new Group(title, recipes, cols.stream().map(k -> new Column(k.shortLabel(), k.label() + ": "
                + k.define(null))).toList(), out);
    }

    // ---- seed study ---------------------------------------------------------------------------------

    private static List<SeedSet> seedStudy(List<CompareRow> rows, List<String> single) {
        Map<String, Map<String, List<CompareRow>>> byEval = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            String g = r.seedGroup() == null ? r.runDir() : r.seedGroup();
            byEval.computeIfAbsent(r.evalName(), e -> new LinkedHashMap<>()).computeIfAbsent(g, k -> new ArrayList<>())
                    .add(r);
        }
        List<SeedSet> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<CompareRow>>> ev : byEval.entrySet()) {
            List<SeedGroup> groups = new ArrayList<>();
            for (Map.Entry<String, List<CompareRow>> e : ev.getValue().entrySet()) {
                List<CompareRow> g = e.getValue();
                if (g.stream().map(CompareRow::seed).distinct().count() < 2) {
                    single.add(e.getKey() + " on " + ev.getKey());
                    continue;
                }
                List<List<String>> lines = new ArrayList<>();
                List<String> constant = new ArrayList<>();
                for (Headline k : used(g)) {
                    double[] v = g.stream().map(r -> k.value(r.metrics())).filter(x -> x != null)
                            .mapToDouble(Double::doubleValue).toArray();
                    double[] s = Stats.summary(v);
                    if (v.length == g.size() && s[2] == s[3]) {
                        constant.add(k.label() + " " + k.format(s[2]));
                        continue;
                    }
                    lines.add(List.of(k.label(), String.valueOf(v.length), k.format(s[0]), spread(k, s[1]),
                            k.format(s[2]), k.format(s[3]), spread(k, s[3] - s[2])));
                }
                if (lines.isEmpty() && constant.isEmpty()) {
                    continue;
                }
                groups.add(new SeedGroup(e.getKey(), g.stream().map(r -> String.valueOf(r.seed()))
                        .collect(Collectors.joining(", ")), lines, constant.isEmpty() ? null : String.join("; ", constant)));
            }
            if (!groups.isEmpty()) {
                out.add(new SeedSet(ev.getKey(), groups));
            }
        }
        return out;
    }

    /** A spread (std, range) in the metric's units: percentage points for accuracies. */
    private static String spread(Headline k, double v) {
        if (!Double.isFinite(v)) {
            return Html.NONE;
        }
        return switch (k.kind()) {
            case PERCENT -> String.format(Locale.ROOT, "%.2f pts", 100 * v);
            case COUNT, RATE -> Html.count(v);
            default -> Html.compact(v, 3);
        };
    }

    // ---- the scatter --------------------------------------------------------------------------------

    private static Scatter scatter(List<CompareRow> rows, String ex, String ey) {
        if (ex == null || ey == null || ex.equals(ey)) {
            return skipped(ex, ey, "it needs two different eval sets, and "
                    + (ex == null || ey == null ? "fewer than two were given" : "the same one was named twice"));
        }
        Map<String, CompareRow> onX = new LinkedHashMap<>();
        Map<String, CompareRow> onY = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            if (r.evalName().equals(ex) && Headline.ALL.get(0).value(r.metrics()) != null) {
                onX.putIfAbsent(r.runDir(), r);
            } else if (r.evalName().equals(ey) && Headline.ALL.get(0).value(r.metrics()) != null) {
                onY.putIfAbsent(r.runDir(), r);
            }
        }
        List<CompareRow> both = onX.values().stream().filter(r -> onY.containsKey(r.runDir())).toList();
        if (both.isEmpty()) {
            return skipped(ex, ey, "no run has top-1 on both " + ex + " and " + ey);
        }
        int n = both.size();
        double[] x = new double[n];
        double[] y = new double[n];
        String[] tips = new String[n];
        List<String> models = both.stream().map(CompareRow::model).distinct().toList();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            CompareRow r = both.get(i);
            x[i] = Headline.ALL.get(0).value(r.metrics());
            y[i] = Headline.ALL.get(0).value(onY.get(r.runDir()).metrics());
            tips[i] = r.runDir() + " (" + r.model() + ", seed " + r.seed() + "): " + ex + " " + Html.pct(x[i]) + ", "
                    + ey + " " + Html.pct(y[i]);
            lo = Math.min(lo, Math.min(x[i], y[i]));
            hi = Math.max(hi, Math.max(x[i], y[i]));
        }
        double pad = Math.max(0.01, (hi - lo) * 0.08);
        double[] range = Svg.niceRange(Math.max(0, lo - pad), Math.min(1, hi + pad), 6);
        double a0 = range[0];
        double a1 = range[1];
        double[] fit = n >= 2 ? Stats.fit(x, y) : null;
        Svg s = new Svg(560, 560, "top-1 on " + ex + " against " + ey).margins(60, 20, 52, 46)
                .domain(a0, a1, a0, a1);
        s.title("Top-1: " + ex + " (x) vs " + ey + " (y), " + n + (n == 1 ? " run" : " runs"))
                .xAxis(Svg.ticks(a0, a1, 6), Svg::percent, "top-1 on " + ex)
                .yAxis(Svg.ticks(a0, a1, 6), Svg::percent, "top-1 on " + ey);
        s.segment(a0, a0, a1, a1, "#777", 1.2, "5 4");
        s.text(a1 - (a1 - a0) * 0.10, a1 - (a1 - a0) * 0.04, "y = x", "end", 11, "#777");
        List<Svg.Key> keys = new ArrayList<>();
        keys.add(Svg.Key.dashed("y = x", "#777", "5 4"));
        String equation = null;
        if (fit != null) {
            equation = equation(fit);
            double[] seg = clip(fit[0], fit[1], a0, a1);
            if (seg != null) {
                s.segment(seg[0], fit[0] * seg[0] + fit[1], seg[1], fit[0] * seg[1] + fit[1], "#d62728", 1.8, null);
            }
            keys.add(Svg.Key.line("least squares: " + equation, "#d62728"));
        }
        for (int mi = 0; mi < models.size(); mi++) {
            String model = models.get(mi);
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (both.get(i).model().equals(model)) {
                    idx.add(i);
                }
            }
            double[] mx = idx.stream().mapToDouble(i -> x[i]).toArray();
            double[] my = idx.stream().mapToDouble(i -> y[i]).toArray();
            String[] mt = idx.stream().map(i -> tips[i]).toArray(String[]::new);
            s.points(mx, my, 5, Svg.color(mi), mt, "point");
            keys.add(Svg.Key.dot(model, Svg.color(mi)));
        }
        s.legendRow(keys, 60, 38);
        String caption = "Each point is one run: its top-1 on " + ex + " (x) and on " + ey + " (y). Points under "
                + "the dashed y = x line lose accuracy on " + ey + ". " + (fit == null
                ? "A fit needs two runs with different x." : "Least-squares line over the runs (top-1 as fractions): "
                + equation + ".");
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompareRow r = both.get(i);
            points.add(new Point(r.runDir(), r.model(), r.seed(), Html.pct(x[i]), Html.pct(y[i]),
                    String.format(Locale.ROOT, "%+.1f pts", 100 * (y[i] - x[i])), fit == null ? null
                    : String.format(Locale.ROOT, "%+.2f pts", 100 * (y[i] - (fit[0] * x[i] + fit[1])))));
        }
        return new Scatter(ex, ey, null, s.toString(), caption, points, equation, n);
    }

    private static Scatter skipped(String ex, String ey, String why) {
        return new Scatter(ex == null ? "?" : ex, ey == null ? "?" : ey, why, null, null, List.of(), null, 0);
    }

    /** Top-1 against size and against latency on the most used eval set (compressed networks side by side). */
    private static List<EvalReport.Figure> pareto(List<CompareRow> rows, String eval) {
        List<CompareRow> on = rows.stream().filter(r -> r.evalName().equals(eval)).toList();
        List<String> names = on.stream().map(r -> java.nio.file.Path.of(r.runDir()).getFileName().toString()).toList();
        double[] top1 = value(on, Metric.TOP1);
        List<EvalReport.Figure> charts = new ArrayList<>();
        for (EvalReport.Figure f : new EvalReport.Figure[] {
            Pareto.chart(names, value(on, Metric.NONZERO_PARAMETERS), top1, "non-zero parameters"),
            Pareto.chart(names, value(on, Metric.LATENCY_MS), top1, "latency at batch 1 (ms)")}) {
            if (f != null) {
                charts.add(f);
            }
        }
        return charts;
    }

    /** A figure of every row's metrics (NaN where missing). */
    private static double[] value(List<CompareRow> rows, Metric metric) {
        return rows.stream().mapToDouble(r -> {
            Double v = metric.value(r.metrics());
            return v == null ? Double.NaN : v;
        }).toArray();
    }

    /** "y = 0.8x + 0.05, r² = 1" (NaN r² where y does not vary). */
    private static String equation(double[] fit) {
        String b = Html.compact(Math.abs(fit[1]), 3);
        return "y = " + Html.compact(fit[0], 3) + "x " + (fit[1] < 0 && !b.equals("0") ? "− " : "+ ") + b
                + ", r² = " + (Double.isFinite(fit[2]) ? Html.compact(fit[2], 3) : Html.NONE);
    }

    /** The x interval of line y = a x + b inside the square [lo, hi]², or null. */
    private static double[] clip(double a, double b, double lo, double hi) {
        double xa = lo;
        double xb = hi;
        if (a != 0) {
            double p = (lo - b) / a;
            double q = (hi - b) / a;
            xa = Math.max(xa, Math.min(p, q));
            xb = Math.min(xb, Math.max(p, q));
        } else if (b < lo || b > hi) {
            return null;
        }
        return xa < xb ? new double[] {xa, xb} : null;
    }

    /** The report's view of the shared statistics ({@link Summary}, {@link LinearFit}) as arrays. */
    private static final class Stats {
        private Stats() {
        }

        /** mean, sample standard deviation (NaN for n &lt; 2), min, max; all NaN for no values. */
        static double[] summary(double[] v) {
            if (v.length == 0) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            }
            Summary s = Summary.of(v);
            return new double[] {s.mean(), v.length < 2 ? Double.NaN : s.std(), s.min(), s.max()};
        }

        /** Least squares y = a x + b: {a, b, r²}; null when x does not vary. */
        static double[] fit(double[] x, double[] y) {
            for (double xi : x) {
                if (xi != x[0]) {
                    LinearFit f = LinearFit.of(x, y);
                    return new double[] {f.slope(), f.intercept(), f.r2()};
                }
            }
            return null;
        }
    }
}
