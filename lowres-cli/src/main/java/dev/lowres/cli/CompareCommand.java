package dev.lowres.cli;

import dev.lowres.train.eval.Comparison;
import dev.lowres.train.eval.result.CompareSummary;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Metric;
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
        Comparison.Written written = Comparison.write(out, rows, x, y);
        w.printf(Locale.ROOT, "%-40s %-24s %8s %8s %8s %8s%n", "run", "eval set", "top-1", "top-5", "ECE", "corrupt");
        for (CompareRow r : rows) {
            EvalMetrics m = r.metrics();
            w.printf(Locale.ROOT, "%-40s %-24s %8s %8s %8s %8s%n", shorten(r.runDir(), 40), r.evalName(),
                    pct(Metric.TOP1.value(m)), pct(Metric.TOP5.value(m)), pct(Metric.ECE.value(m)),
                    pct(Metric.MEAN_CORRUPTION_TOP1.value(m)));
        }
        for (CompareSummary.SeedGroup g : written.summary().seedGroups()) {
            CompareSummary.Spread t = g.metrics().get(Metric.TOP1.key());
            if (t != null) {
                w.printf(Locale.ROOT, "seeds %s of %s on %s: top-1 mean %.2f%% std %.2f min %.2f%% max %.2f%%%n",
                        g.seeds().toString().replace(" ", ""), g.group(), g.eval(), 100 * t.mean(), 100 * t.std(), 100 * t.min(), 100 * t.max());
            }
        }
        CompareSummary.Fit fit = written.summary().fit();
        if (fit != null && fit.meanGap() != null) {
            w.printf(Locale.ROOT, "%s vs %s over %d run%s: mean gap %.2f points%s%n", fit.y(), fit.x(), fit.runs(),
                    fit.runs() == 1 ? "" : "s", 100 * fit.meanGap(), fit.slope() == null ? ""
                            : String.format(Locale.ROOT, "; least squares y = %.3f x %+.3f (r2 %.3f)", fit.slope(),
                            fit.intercept(), fit.r2()));
        }
        w.printf("  -> %s%n", written.html());
        return ExitCodes.OK;
    }

    private static String pct(Double v) {
        return v != null ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "-";
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }
}
