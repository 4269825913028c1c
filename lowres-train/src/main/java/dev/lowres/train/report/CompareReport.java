package dev.lowres.train.report;

import dev.lowres.train.metrics.LinearFit;
import dev.lowres.train.metrics.Summary;

import dev.lowres.data.store.AtomicFiles;
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

    /**
     * The report as an HTML string.
     *
     * @param rows one per evaluated (run, eval set)
     * @param scatterX the eval set on the scatter's x axis (e.g. {@code val}); null picks the most common one
     * @param scatterY the eval set on the y axis (e.g. {@code imagenetv2}); null picks the next most common one
     */
    public static String html(List<CompareRow> rows, String scatterX, String scatterY) {
        StringBuilder h = new StringBuilder(32 * 1024);
        Html.open(h, "lowres compare");
        h.append(body(rows, scatterX, scatterY));
        Html.close(h);
        return h.toString();
    }

    /**
     * The report's sections without the document around them (the workbench puts them in its pages), with the
     * arguments of {@link #html}.
     */
    public static String body(List<CompareRow> rows, String scatterX, String scatterY) {
        List<String> evals = evalsByUse(rows);
        List<CompareRow> sorted = new ArrayList<>(rows); // eval sets by use, then the caller's order (stable)
        sorted.sort(Comparator.comparingInt((CompareRow r) -> evals.indexOf(r.evalName())));
        StringBuilder h = new StringBuilder(32 * 1024);
        long runs = rows.stream().map(CompareRow::runDir).distinct().count();
        h.append("<h1>Comparison of ").append(runs).append(runs == 1 ? " run" : " runs").append(" on ")
                .append(evals.size()).append(evals.size() == 1 ? " eval set" : " eval sets").append("</h1>\n<p>Eval sets: ")
                .append(Html.esc(String.join(", ", evals))).append(".</p>\n");
        table(h, sorted);
        seedStudy(h, sorted);
        String x = scatterX;
        String y = scatterY;
        if (x == null) {
            x = evals.stream().filter(e -> !e.equals(scatterY)).findFirst().orElse(null);
        }
        if (y == null) {
            String fx = x;
            y = evals.stream().filter(e -> !e.equals(fx)).findFirst().orElse(null);
        }
        scatter(h, rows, x, y);
        pareto(h, sorted, evals.isEmpty() ? null : evals.get(0));
        return h.toString();
    }

    /** Writes {@link #html} to {@code file} atomically (UTF-8). */
    public static void write(Path file, List<CompareRow> rows, String scatterX, String scatterY) throws IOException {
        AtomicFiles.write(file, html(rows, scatterX, scatterY).getBytes(StandardCharsets.UTF_8));
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

    private static void table(StringBuilder h, List<CompareRow> rows) {
        h.append("<h2 id=\"all\">Headline numbers</h2>\n");
        if (rows.isEmpty()) {
            h.append("<p class=\"skip\">No evaluated runs were given.</p>\n");
            return;
        }
        boolean recipes = rows.stream().map(CompareRow::recipe).distinct().count() > 1;
        if (!recipes) {
            h.append("<p>Recipe of every run: ").append(Html.esc(rows.get(0).recipe())).append(".</p>\n");
        }
        Map<String, List<Headline>> groups = new LinkedHashMap<>();
        for (Headline k : used(rows)) {
            String g = switch (k.section()) {
                case "accuracy", "multilabel" -> "Accuracy and multi-label (ReaL) accuracy";
                case "calibration", "robustness" -> "Calibration and robustness";
                default -> k.group();
            };
            groups.computeIfAbsent(g, x -> new ArrayList<>()).add(k);
        }
        for (Map.Entry<String, List<Headline>> g : groups.entrySet()) {
            h.append("<h3>").append(Html.esc(g.getKey())).append("</h3>\n");
            table(h, rows, g.getValue(), recipes);
        }
        h.append("<p class=\"muted small\">Bold: the best value of the column within its eval set (where they "
                + "differ). Hover a column header for its definition; — : not computed in that evaluation.</p>\n");
    }

    private static void table(StringBuilder h, List<CompareRow> rows, List<Headline> cols, boolean recipes) {
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
        h.append("<div class=\"scroll\"><table class=\"wide\"><tr><th>eval set</th><th>run</th><th>model</th>")
                .append(recipes ? "<th>recipe</th>" : "").append("<th class=\"num\">seed</th>");
        for (Headline k : cols) {
            h.append("<th class=\"num\" title=\"").append(Html.esc(k.label() + ": " + k.define(null)))
                    .append("\">").append(Html.esc(k.shortLabel())).append("</th>");
        }
        h.append("</tr>\n");
        String previous = null;
        for (CompareRow r : rows) {
            h.append(previous != null && !previous.equals(r.evalName()) ? "<tr class=\"first\">" : "<tr>");
            previous = r.evalName();
            h.append("<td>").append(Html.esc(r.evalName())).append("</td><td><code>").append(Html.esc(r.runDir()))
                    .append("</code></td><td>").append(Html.esc(r.model())).append("</td>")
                    .append(recipes ? "<td>" + Html.esc(r.recipe()) + "</td>" : "")
                    .append("<td class=\"num\">").append(r.seed()).append("</td>");
            for (Headline k : cols) {
                Double v = k.value(r.metrics());
                double[] mm = range.getOrDefault(r.evalName(), Map.of()).get(k);
                boolean bold = v != null && mm != null && mm[0] < mm[1] && k.higherIsBetter() != null
                        && v == (k.higherIsBetter() ? mm[1] : mm[0]);
                h.append("<td class=\"num\">").append(bold ? "<strong>" : "").append(Html.esc(k.format(v)))
                        .append(bold ? "</strong>" : "").append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    // ---- seed study ---------------------------------------------------------------------------------

    private static void seedStudy(StringBuilder h, List<CompareRow> rows) {
        h.append("<h2 id=\"seeds\">Seed study</h2>\n");
        Map<String, Map<String, List<CompareRow>>> byEval = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            String g = r.seedGroup() == null ? r.runDir() : r.seedGroup();
            byEval.computeIfAbsent(r.evalName(), e -> new LinkedHashMap<>()).computeIfAbsent(g, k -> new ArrayList<>())
                    .add(r);
        }
        List<String> single = new ArrayList<>();
        int shown = 0;
        for (Map.Entry<String, Map<String, List<CompareRow>>> ev : byEval.entrySet()) {
            StringBuilder t = new StringBuilder();
            for (Map.Entry<String, List<CompareRow>> e : ev.getValue().entrySet()) {
                List<CompareRow> g = e.getValue();
                if (g.stream().map(CompareRow::seed).distinct().count() < 2) {
                    single.add(e.getKey() + " on " + ev.getKey());
                    continue;
                }
                List<String[]> lines = new ArrayList<>();
                List<String> constant = new ArrayList<>();
                for (Headline k : used(g)) {
                    double[] v = g.stream().map(r -> k.value(r.metrics())).filter(x -> x != null)
                            .mapToDouble(Double::doubleValue).toArray();
                    double[] s = Stats.summary(v);
                    if (v.length == g.size() && s[2] == s[3]) {
                        constant.add(k.label() + " " + k.format(s[2]));
                        continue;
                    }
                    lines.add(new String[] {k.label(), String.valueOf(v.length), k.format(s[0]), spread(k, s[1]),
                        k.format(s[2]), k.format(s[3]), spread(k, s[3] - s[2])});
                }
                int span = lines.size() + (constant.isEmpty() ? 0 : 1);
                if (span == 0) {
                    continue;
                }
                shown++;
                t.append("<tr class=\"first\"><td rowspan=\"").append(span).append("\"><strong>")
                        .append(Html.esc(e.getKey())).append("</strong><br/><span class=\"muted small\">seeds ")
                        .append(Html.esc(g.stream().map(r -> String.valueOf(r.seed())).collect(Collectors.joining(", "))))
                        .append("</span></td>");
                for (int i = 0; i < lines.size(); i++) {
                    String[] l = lines.get(i);
                    t.append(i == 0 ? "" : "<tr>").append("<td>").append(Html.esc(l[0])).append("</td>");
                    for (int c = 1; c < l.length; c++) {
                        t.append("<td class=\"num\">").append(Html.esc(l[c])).append("</td>");
                    }
                    t.append("</tr>\n");
                }
                if (!constant.isEmpty()) {
                    t.append(lines.isEmpty() ? "" : "<tr>").append("<td colspan=\"7\" class=\"muted small\">the same for "
                            + "every seed: ").append(Html.esc(String.join("; ", constant))).append("</td></tr>\n");
                }
            }
            if (t.length() > 0) {
                h.append("<h3>on ").append(Html.esc(ev.getKey())).append("</h3>\n<table><tr><th>runs differing only ")
                        .append("by seed</th><th>metric</th><th class=\"num\">n</th><th class=\"num\">mean</th>")
                        .append("<th class=\"num\">std</th><th class=\"num\">min</th><th class=\"num\">max</th>")
                        .append("<th class=\"num\">max − min</th></tr>\n").append(t).append("</table>\n");
            }
        }
        if (shown == 0) {
            h.append("<p class=\"skip\">No seed study: no two runs differ only by seed on the same eval set.</p>\n");
        } else {
            h.append("<p class=\"muted small\">std: sample standard deviation (n − 1); for accuracies, in "
                    + "percentage points.</p>\n");
        }
        if (!single.isEmpty()) {
            h.append("<p class=\"muted small\">One seed only: ").append(Html.esc(String.join("; ", single)))
                    .append(".</p>\n");
        }
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

    private static void scatter(StringBuilder h, List<CompareRow> rows, String ex, String ey) {
        h.append("<h2 id=\"scatter\">Top-1 on ").append(Html.esc(ex == null ? "?" : ex)).append(" vs ")
                .append(Html.esc(ey == null ? "?" : ey)).append("</h2>\n");
        if (ex == null || ey == null || ex.equals(ey)) {
            h.append("<p class=\"skip\">Scatter skipped: it needs two different eval sets, and ")
                    .append(ex == null || ey == null ? "fewer than two were given" : "the same one was named twice")
                    .append(".</p>\n");
            return;
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
            h.append("<p class=\"skip\">Scatter skipped: no run has top-1 on both ").append(Html.esc(ex))
                    .append(" and ").append(Html.esc(ey)).append(".</p>\n");
            return;
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
        h.append("<div class=\"figs\"><figure class=\"fig\">").append(s).append("<figcaption>")
                .append(Html.esc("Each point is one run: its top-1 on " + ex + " (x) and on " + ey + " (y). Points under "
                        + "the dashed y = x line lose accuracy on " + ey + ". "
                        + (fit == null ? "A fit needs two runs with different x."
                        : "Least-squares line over the runs (top-1 as fractions): " + equation + ".")))
                .append("</figcaption></figure>\n");
        // the points as a table
        h.append("<div><table><tr><th>run</th><th>model</th><th class=\"num\">seed</th><th class=\"num\">")
                .append(Html.esc(ex)).append("</th><th class=\"num\">").append(Html.esc(ey))
                .append("</th><th class=\"num\">y − x</th>").append(fit == null ? "" : "<th class=\"num\">vs fit</th>")
                .append("</tr>\n");
        for (int i = 0; i < n; i++) {
            CompareRow r = both.get(i);
            h.append("<tr><td><code>").append(Html.esc(r.runDir())).append("</code></td><td>").append(Html.esc(r.model()))
                    .append("</td><td class=\"num\">").append(r.seed()).append("</td><td class=\"num\">")
                    .append(Html.pct(x[i])).append("</td><td class=\"num\">").append(Html.pct(y[i]))
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%+.1f pts", 100 * (y[i] - x[i])))
                    .append("</td>");
            if (fit != null) {
                h.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%+.2f pts",
                        100 * (y[i] - (fit[0] * x[i] + fit[1])))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>");
        if (fit != null) {
            h.append("<p class=\"small\">Fit: <strong>").append(Html.esc(equation)).append("</strong> over ").append(n)
                    .append(" runs").append(n < 3 ? " (two points: r² is 1 by construction)" : "").append(".</p>");
        }
        h.append("</div></div>\n");
    }

    /** Top-1 against size and against latency on the most used eval set (compressed networks side by side). */
    private static void pareto(StringBuilder h, List<CompareRow> rows, String eval) {
        List<CompareRow> on = rows.stream().filter(r -> r.evalName().equals(eval)).toList();
        List<String> names = on.stream().map(r -> java.nio.file.Path.of(r.runDir()).getFileName().toString()).toList();
        double[] top1 = value(on, "/accuracy/top1");
        String size = Pareto.chart(names, value(on, "/efficiency/nonzero_parameters"), top1, "non-zero parameters");
        String speed = Pareto.chart(names, value(on, "/efficiency/latency_ms_batch1"), top1, "latency at batch 1 (ms)");
        if (size.isEmpty() && speed.isEmpty()) {
            return;
        }
        h.append("<h2 id=\"pareto\">Accuracy against size and latency on ").append(Html.esc(eval)).append("</h2>\n")
                .append("<div class=\"figs\">").append(size).append(speed).append("</div>\n");
    }

    /** A number of every row's metrics by its JSON pointer (NaN where missing). */
    private static double[] value(List<CompareRow> rows, String pointer) {
        return rows.stream().mapToDouble(r -> {
            com.fasterxml.jackson.databind.JsonNode n = r.metrics().at(pointer);
            return n.isNumber() ? n.asDouble() : Double.NaN;
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
