package dev.lowres.train.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Accuracy against cost across runs of one eval set (size: non-zero parameters; speed: latency at batch 1), the
 * picture compressed networks are judged by: the Pareto front is the runs that no other run beats on both (at
 * least as accurate and at most as costly, better in one).
 */
final class Pareto {
    private Pareto() {
    }

    /**
     * The indices of the runs on the front, cheapest first: each is more accurate than every cheaper one.
     *
     * @param cost a cost per run (lower is better)
     * @param accuracy an accuracy per run (higher is better)
     */
    static int[] front(double[] cost, double[] accuracy) {
        Integer[] order = new Integer[cost.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // by cost, then the more accurate first, so that of equal costs only the best can be on the front
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> cost[i]).thenComparingDouble(i -> -accuracy[i]));
        List<Integer> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (int i : order) {
            if (accuracy[i] > best) {
                front.add(i);
                best = accuracy[i];
            }
        }
        return front.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * One chart: top-1 (y) against a cost on a log axis (x), every run a point, the front joined, with its caption;
     * null when fewer than two runs have both numbers.
     */
    static EvalReport.Figure chart(List<String> names, double[] cost, double[] top1, String costLabel) {
        List<Integer> have = new ArrayList<>();
        for (int i = 0; i < cost.length; i++) {
            if (cost[i] > 0 && Double.isFinite(cost[i]) && Double.isFinite(top1[i])) {
                have.add(i);
            }
        }
        if (have.size() < 2) {
            return null;
        }
        double[] x = have.stream().mapToDouble(i -> Math.log10(cost[i])).toArray();
        double[] y = have.stream().mapToDouble(i -> top1[i]).toArray();
        String[] tips = have.stream().map(i -> names.get(i) + ": top-1 " + Html.pct(top1[i]) + ", " + costLabel + " "
                + Html.compact(cost[i], 3)).toArray(String[]::new);
        double xlo = Arrays.stream(x).min().orElse(0);
        double xhi = Arrays.stream(x).max().orElse(1);
        double pad = Math.max(0.05, (xhi - xlo) * 0.08);
        double ylo = Arrays.stream(y).min().orElse(0);
        double yhi = Arrays.stream(y).max().orElse(1);
        double[] yr = Svg.niceRange(Math.max(0, ylo - Math.max(0.005, (yhi - ylo) * 0.1)),
                Math.min(1, yhi + Math.max(0.005, (yhi - ylo) * 0.1)), 5);
        Svg s = new Svg(520, 380, "top-1 against " + costLabel).margins(60, 20, 34, 46)
                .domain(xlo - pad, xhi + pad, yr[0], yr[1]);
        s.title("Top-1 against " + costLabel + " (log scale), " + have.size() + " runs")
                .xAxis(Svg.ticks(xlo - pad, xhi + pad, 5), v -> Html.compact(Math.pow(10, v), 2), costLabel)
                .yAxis(Svg.ticks(yr[0], yr[1], 5), Svg::percent, "top-1");
        int[] f = front(x, y);
        double[] fx = Arrays.stream(f).mapToDouble(i -> x[i]).toArray();
        double[] fy = Arrays.stream(f).mapToDouble(i -> y[i]).toArray();
        s.line(fx, fy, "#d62728", 1.6, "5 3", "the Pareto front");
        s.points(x, y, 5, Svg.color(0), tips, "point");
        for (int i = 0; i < x.length; i++) {
            s.text(x[i], y[i] + (yr[1] - yr[0]) * 0.025, names.get(have.get(i)), "middle", 10, "#444");
        }
        return new EvalReport.Figure(s.toString(), String.format(Locale.ROOT,
                "Each point is a run; the dashed line joins the Pareto front (no other run is both more accurate and "
                        + "cheaper in %s): %s.", costLabel, String.join(", ", Arrays.stream(f)
                        .mapToObj(i -> names.get(have.get(i))).toList())));
    }
}
