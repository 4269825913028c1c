package dev.lowres.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Json;
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
    /** The metrics summarised across seeds, by their path in metrics.json. */
    public static final List<String> METRICS = List.of("/accuracy/top1", "/accuracy/top5", "/accuracy/mean_per_class",
            "/multilabel/top1", "/calibration/ece", "/calibration/nll", "/calibration/brier",
            "/robustness/mean_corruption_top1", "/robustness/adversarial/fgsm_top1", "/robustness/adversarial/pgd_top1");

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
        JsonNode m = Json.mapper().readTree(file.toFile());
        if (!"lowres-eval/1".equals(m.path("format").asText())) {
            throw new IllegalArgumentException(file + " is not a lowres evaluation (format " + m.path("format") + ")");
        }
        JsonNode run = m.path("run");
        Path runDir = Path.of(run.path("dir").asText());
        String evalName = m.path("data").path("name").asText() + "-" + m.path("data").path("split").asText();
        return new CompareRow(runDir.toString(), run.path("model").asText(), run.path("recipe").asText(),
                run.path("seed").asLong(), seedGroup(runDir, m), evalName, m);
    }

    /**
     * Runs in one group share everything but the seed: the resolved recipe with its seed blanked, the
     * training data, and the weights evaluated.
     */
    static String seedGroup(Path runDir, JsonNode m) throws IOException {
        String config;
        Path file = runDir.resolve(RunDirectory.CONFIG);
        if (Files.exists(file)) {
            config = Recipes.toYaml(Recipes.resolve(file.toString(), List.of("seed=0")));
        } else {
            config = m.path("run").path("model").asText() + "/" + m.path("run").path("recipe").asText();
        }
        String key = config + "\n" + m.path("run").path("train_data").asText() + "\n"
                + m.path("run").path("checkpoint").asText();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return m.path("run").path("model").asText() + " " + m.path("run").path("recipe").asText() + " #"
                    + HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** compare.json: the rows' headline numbers, the seed groups' summaries, and the fit between two eval sets. */
    public static ObjectNode summarise(List<CompareRow> rows, String x, String y) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("format", "lowres-compare/1");
        ArrayNode list = o.putArray("evaluations");
        for (CompareRow r : rows) {
            ObjectNode n = list.addObject();
            n.put("run", r.runDir());
            n.put("eval", r.evalName());
            n.put("model", r.model());
            n.put("recipe", r.recipe());
            n.put("seed", r.seed());
            n.put("seed_group", r.seedGroup());
            for (String metric : METRICS) {
                JsonNode v = r.metrics().at(metric);
                if (v.isNumber()) {
                    n.put(metric.substring(1).replace('/', '.'), v.asDouble());
                }
            }
        }
        ArrayNode groups = o.putArray("seed_groups");
        Map<String, List<CompareRow>> byGroup = new LinkedHashMap<>();
        for (CompareRow r : rows) {
            byGroup.computeIfAbsent(r.seedGroup() + "\u0000" + r.evalName(), k -> new ArrayList<>()).add(r);
        }
        for (List<CompareRow> g : byGroup.values()) {
            if (g.size() < 2) {
                continue;
            }
            ObjectNode n = groups.addObject();
            n.put("group", g.get(0).seedGroup());
            n.put("eval", g.get(0).evalName());
            ArrayNode seeds = n.putArray("seeds");
            g.forEach(r -> seeds.add(r.seed()));
            ObjectNode stats = n.putObject("metrics");
            for (String metric : METRICS) {
                double[] values = g.stream().map(r -> r.metrics().at(metric)).filter(JsonNode::isNumber)
                        .mapToDouble(JsonNode::asDouble).toArray();
                if (values.length == g.size()) {
                    Summary s = Summary.of(values);
                    stats.putObject(metric.substring(1).replace('/', '.')).put("n", s.n()).put("mean", s.mean())
                            .put("std", s.std()).put("min", s.min()).put("max", s.max());
                }
            }
        }
        if (x != null && y != null) {
            Map<String, double[]> points = new LinkedHashMap<>();
            for (CompareRow r : rows) {
                JsonNode top1 = r.metrics().at("/accuracy/top1");
                if (top1.isNumber() && (r.evalName().equals(x) || r.evalName().equals(y))) {
                    double[] p = points.computeIfAbsent(r.runDir(), k -> new double[] {Double.NaN, Double.NaN});
                    p[r.evalName().equals(x) ? 0 : 1] = top1.asDouble();
                }
            }
            List<double[]> both = points.values().stream().filter(p -> !Double.isNaN(p[0]) && !Double.isNaN(p[1]))
                    .toList();
            ObjectNode fit = o.putObject("fit");
            fit.put("x", x);
            fit.put("y", y);
            fit.put("runs", both.size());
            if (!both.isEmpty()) {
                // the accuracy gap of the shifted set (y) from the original (x), in fractions
                fit.put("mean_gap", both.stream().mapToDouble(p -> p[0] - p[1]).average().orElseThrow());
            }
            if (both.size() >= 2 && both.stream().map(p -> p[0]).distinct().count() > 1) {
                LinearFit f = LinearFit.of(both.stream().mapToDouble(p -> p[0]).toArray(),
                        both.stream().mapToDouble(p -> p[1]).toArray());
                fit.put("slope", f.slope());
                fit.put("intercept", f.intercept());
                fit.put("r2", Double.isFinite(f.r2()) ? f.r2() : 0);
            }
        }
        return o;
    }

    /** Writes compare.json and compare.html into {@code out}; returns the report's path. */
    public static Path write(Path out, List<CompareRow> rows, String x, String y) throws IOException {
        Files.createDirectories(out);
        List<String> evals = rows.stream().map(CompareRow::evalName).distinct().toList();
        String fx = x != null ? x : evals.isEmpty() ? null : evals.get(0);
        String fy = y != null ? y : evals.stream().filter(e -> !e.equals(fx)).findFirst().orElse(null);
        for (String e : new String[] {x, y}) {
            if (e != null && !evals.contains(e)) {
                throw new IllegalArgumentException("no evaluation named '" + e + "'; the eval sets are " + evals);
            }
        }
        AtomicFiles.write(out.resolve("compare.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(summarise(rows, fx, fy)));
        Path html = out.resolve("compare.html");
        CompareReport.write(html, rows, fx, fy);
        return html;
    }
}
