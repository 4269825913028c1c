package dev.lowres.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.train.eval.Comparison;
import dev.lowres.train.report.CompareRow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lowres compare}: evaluations of many runs side by side, seed studies, accuracy on one set vs another. */
@Command(name = "compare",
        description = {"Compare evaluated runs: a table of every metric, seed studies (runs that differ only by "
                + "their seed: mean, standard deviation, min, max), and top-1 on one eval set against another with "
                + "its least-squares line (the ImageNetV2 picture), in compare.json and compare.html.",
            "",
            "Give run directories (each with eval/<set>/metrics.json from lowres eval), evaluation directories or "
                + "metrics.json files. Eval sets are named <dataset>-<split>, e.g. imagenet32-val.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:compared", "2:nothing to compare, or an unknown eval set", "66:a path not found"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class CompareCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Runs, evaluation directories or metrics.json files.")
    List<Path> paths;

    @Option(names = "--x", paramLabel = "SET", description = "The eval set on the scatter's x axis. Default: the first.")
    String x;

    @Option(names = "--y", paramLabel = "SET", description = "The eval set on the y axis. Default: the second.")
    String y;

    @Option(names = {"-o", "--out"}, defaultValue = "compare", paramLabel = "DIR",
            description = "Where compare.json and compare.html go. Default: ./compare.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        List<CompareRow> rows = Comparison.collect(paths);
        Path html = Comparison.write(out, rows, x, y);
        ObjectNode summary = (ObjectNode) dev.lowres.data.store.Json.mapper()
                .readTree(out.resolve("compare.json").toFile());
        w.printf(Locale.ROOT, "%-40s %-24s %8s %8s %8s %8s%n", "run", "eval set", "top-1", "top-5", "ECE", "corrupt");
        for (CompareRow r : rows) {
            JsonNode m = r.metrics();
            w.printf(Locale.ROOT, "%-40s %-24s %8s %8s %8s %8s%n", shorten(r.runDir(), 40), r.evalName(),
                    pct(m.at("/accuracy/top1")), pct(m.at("/accuracy/top5")), pct(m.at("/calibration/ece")),
                    pct(m.at("/robustness/mean_corruption_top1")));
        }
        for (JsonNode g : summary.path("seed_groups")) {
            JsonNode t = g.path("metrics").path("accuracy.top1");
            w.printf(Locale.ROOT, "seeds %s of %s on %s: top-1 mean %.2f%% std %.2f min %.2f%% max %.2f%%%n",
                    g.path("seeds"), g.path("group").asText(), g.path("eval").asText(), 100 * t.path("mean").asDouble(),
                    100 * t.path("std").asDouble(), 100 * t.path("min").asDouble(), 100 * t.path("max").asDouble());
        }
        JsonNode fit = summary.path("fit");
        if (fit.has("mean_gap")) {
            w.printf(Locale.ROOT, "%s vs %s over %d run%s: mean gap %.2f points%s%n", fit.path("y").asText(),
                    fit.path("x").asText(), fit.path("runs").asInt(), fit.path("runs").asInt() == 1 ? "" : "s",
                    100 * fit.path("mean_gap").asDouble(), !fit.has("slope") ? "" : String.format(Locale.ROOT,
                            "; least squares y = %.3f x %+.3f (r2 %.3f)", fit.path("slope").asDouble(),
                            fit.path("intercept").asDouble(), fit.path("r2").asDouble()));
        }
        w.printf("  -> %s%n", html);
        return ExitCodes.OK;
    }

    private static String pct(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.2f%%", 100 * v.asDouble()) : "-";
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }
}
