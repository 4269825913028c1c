package dev.lowres.train.eval;

import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Json;
import dev.lowres.train.eval.result.CompareSummary;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Metric;
import dev.lowres.train.metrics.LinearFit;
import dev.lowres.train.metrics.Summary;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.report.CompareReport;
import dev.lowres.train.report.CompareRow;
import dev.lowres.train.run.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Many evaluations side by side ({@code lowres compare}): every {@code metrics.json} under the given runs,
 * the seed study of runs whose configuration differs only by its seed (mean, sample standard deviation,
 * minimum and maximum of each metric), and the accuracy on one eval set against another across runs with
 * its least-squares line (the ImageNetV2 picture).
 */
public final class Comparison {
    /** The figures summarised across seeds. */
    public static final List<Metric> METRICS = List.of(Metric.TOP1, Metric.TOP5, Metric.MEAN_PER_CLASS,
            Metric.REAL_TOP1, Metric.ECE, Metric.NLL, Metric.BRIER, Metric.MEAN_CORRUPTION_TOP1, Metric.FGSM_TOP1,
            Metric.PGD_TOP1);

    private Comparison() {
    }

    /**
     * The evaluations found under {@code paths}: a run directory (its {@code eval/<name>/metrics.json}), an
     * evaluation directory, or a metrics.json.
     */
    public static List<CompareRow> collect(List<Path> paths) throws IOException {
        List<CompareRow> rows = new ArrayList<>();
        for (Path p : paths) {
            List<Path> files = new ArrayList<>();
            if (Files.isRegularFile(p)) {
                files.add(p);
            } else if (Files.exists(p.resolve(Evaluation.METRICS))) {
                files.add(p.resolve(Evaluation.METRICS));
            } else if (Files.isDirectory(p.resolve("eval"))) {
                try (Stream<Path> s = Files.list(p.resolve("eval"))) {
                    s.map(d -> d.resolve(Evaluation.METRICS)).filter(Files::exists).sorted().forEach(files::add);
                }
            } else if (!Files.exists(p)) {
                throw new java.nio.file.NoSuchFileException(p.toString());
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(p + " holds no evaluation (no eval/*/metrics.json); run lowres eval "
                        + "--run " + p + " first");
            }
            for (Path f : files) {
                rows.add(row(f));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: give run directories or metrics.json files");
        }
        return rows;
    }

    private static CompareRow row(Path file) throws IOException {
        EvalMetrics m;
        try {
            m = EvalMetrics.read(file);
        } catch (EvalMetrics.NotAnEvaluation e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        EvalMetrics.RunSection run = m.run();
        return new CompareRow(run.dir(), run.model(), run.recipe(), run.seed(), seedGroup(Path.of(run.dir()), m),
                m.data().evalName(), m);
    }

    /**
     * Runs in one group share everything but the seed: the resolved recipe with its seed blanked, the
     * training data, and the weights evaluated.
     */
    static String seedGroup(Path runDir, EvalMetrics m) throws IOException {
        EvalMetrics.RunSection run = m.run();
        String config;
        Path file = runDir.resolve(RunDirectory.CONFIG);
        if (Files.exists(file)) {
            config = Recipes.toYaml(Recipes.resolve(file.toString(), List.of("seed=0")));
        } else {
            config = run.model() + "/" + run.recipe();
        }
        String key = config + "\n" + run.trainData() + "\n" + run.checkpoint();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return run.model() + " " + run.recipe() + " #" + HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** compare.json: the rows' headline numbers, the seed groups' summaries, and the fit between two eval sets. */
    public static CompareSummary summarise(List<CompareRow> rows, String x, String y) {
        List<CompareSummary.Evaluated> evaluations = new ArrayList<>();
        for (CompareRow r : rows) {
            Map<String, Double> figures = new LinkedHashMap<>();
            for (Metric metric : METRICS) {
                Double v = metric.value(r.metrics());
                if (v != null) {
                    figures.put(metric.key(), v);
                }
            }
            evaluations.add(new CompareSummary.Evaluated(r.runDir(), r.evalName(), r.model(), r.recipe(), r.seed(),
                    r.seedGroup(), figures));
        }
        Map<String, List<CompareRow>> byGroup = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            byGroup.computeIfAbsent(r.seedGroup() + "\u0000" + r.evalName(), k -> new ArrayList<>()).add(r);
        }
        List<CompareSummary.SeedGroup> groups = new ArrayList<>();
        for (List<CompareRow> g : byGroup.values()) {
            if (g.size() < 2) {
                continue;
            }
            Map<String, CompareSummary.Spread> stats = new LinkedHashMap<>();
            for (Metric metric : METRICS) {
                double[] values = g.stream().map(r -> metric.value(r.metrics())).filter(v -> v != null)
                        .mapToDouble(Double::doubleValue).toArray();
                if (values.length == g.size()) {
                    Summary s = Summary.of(values);
                    stats.put(metric.key(), new CompareSummary.Spread(s.n(), s.mean(), s.std(), s.min(), s.max()));
                }
            }
            groups.add(new CompareSummary.SeedGroup(g.get(0).seedGroup(), g.get(0).evalName(),
                    g.stream().map(CompareRow::seed).toList(), stats));
        }
        return new CompareSummary(CompareSummary.FORMAT, evaluations, groups, x != null && y != null
                ? fit(rows, x, y) : null);
    }

    /** Top-1 on {@code y} against {@code x} over the runs evaluated on both. */
    private static CompareSummary.Fit fit(List<CompareRow> rows, String x, String y) {
        Map<String, double[]> points = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            Double top1 = Metric.TOP1.value(r.metrics());
            if (top1 != null && (r.evalName().equals(x) || r.evalName().equals(y))) {
                double[] p = points.computeIfAbsent(r.runDir(), k -> new double[] {Double.NaN, Double.NaN});
                p[r.evalName().equals(x) ? 0 : 1] = top1;
            }
        }
        List<double[]> both = points.values().stream().filter(p -> !Double.isNaN(p[0]) && !Double.isNaN(p[1]))
                .toList();
        // the accuracy gap of the shifted set (y) from the original (x), in fractions
        Double gap = both.isEmpty() ? null : both.stream().mapToDouble(p -> p[0] - p[1]).average().orElseThrow();
        if (both.size() >= 2 && both.stream().map(p -> p[0]).distinct().count() > 1) {
            LinearFit f = LinearFit.of(both.stream().mapToDouble(p -> p[0]).toArray(),
                    both.stream().mapToDouble(p -> p[1]).toArray());
            return new CompareSummary.Fit(x, y, both.size(), gap, f.slope(), f.intercept(),
                    Double.isFinite(f.r2()) ? f.r2() : 0);
        }
        return new CompareSummary.Fit(x, y, both.size(), gap, null, null, null);
    }

    /** What {@link #write} wrote: compare.html's path and compare.json's contents. */
    public record Written(Path html, CompareSummary summary) {
    }

    /** Writes compare.json and compare.html into {@code out}. */
    public static Written write(Path out, List<CompareRow> rows, String x, String y) throws IOException {
        Files.createDirectories(out);
        List<String> evals = rows.stream().map(CompareRow::evalName).distinct().toList();
        String fx = x != null ? x : evals.isEmpty() ? null : evals.get(0);
        String fy = y != null ? y : evals.stream().filter(e -> !e.equals(fx)).findFirst().orElse(null);
        for (String e : new String[] {x, y}) {
            if (e != null && !evals.contains(e)) {
                throw new IllegalArgumentException("no evaluation named '" + e + "'; the eval sets are " + evals);
            }
        }
        CompareSummary summary = summarise(rows, fx, fy);
        AtomicFiles.write(out.resolve("compare.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(summary));
        Path html = out.resolve("compare.html");
        CompareReport.write(html, rows, fx, fy);
        return new Written(html, summary);
    }
}
