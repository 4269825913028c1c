package dev.lowres.train.report;

import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Metric;
import java.util.List;
import java.util.function.Function;

/**
 * One headline number of a {@code metrics.json}: which figure, how to print it and what it means. Both reports
 * print the same list, so a number means the same thing everywhere.
 *
 * @param label long name for the eval report's summary
 * @param shortLabel column header in the compare report
 * @param metric the figure
 * @param kind how to format it
 * @param higherIsBetter for marking the best value in a comparison (null: neither)
 * @param definition one sentence, with the figures it names filled in from the metrics (null: a file not at hand,
 *                   "?" in their place)
 */
record Headline(String label, String shortLabel, Metric metric, Kind kind, Boolean higherIsBetter,
                Function<EvalMetrics, String> definition) {

    enum Kind { PERCENT, DECIMAL, COUNT, MS, RATE }

    static final List<Headline> ALL = List.of(
            new Headline("top-1 accuracy", "top-1", Metric.TOP1, Kind.PERCENT, true,
                    m -> "share of records whose most probable class is the label"),
            new Headline("top-5 accuracy", "top-5", Metric.TOP5, Kind.PERCENT, true,
                    m -> "share of records whose label is among the five most probable classes"),
            new Headline("mean per-class top-1", "per-class", Metric.MEAN_PER_CLASS, Kind.PERCENT, true,
                    m -> "top-1 of each class, averaged over classes (every class weighs the same)"),
            new Headline("cross-entropy loss", "loss", Metric.LOSS, Kind.DECIMAL, false,
                    m -> "mean negative log-probability of the label (nats)"),
            new Headline("ReaL top-1", "ReaL top-1", Metric.REAL_TOP1, Kind.PERCENT, true,
                    m -> "top-1 counted correct when the prediction is in the record's label set "
                            + "(Beyer et al. 2020), over the " + ref(multi(m, EvalMetrics.MultiLabel::labelled))
                            + " labelled records"),
            new Headline("original top-1 on ReaL records", "orig. top-1", Metric.REAL_ORIGINAL_TOP1, Kind.PERCENT,
                    true, m -> "top-1 against the original label on the same labelled records, for comparison"),
            new Headline("mistakes that are valid", "valid mistakes", Metric.REAL_VALID_MISTAKES, Kind.PERCENT, null,
                    m -> "share of the " + ref(multi(m, EvalMetrics.MultiLabel::mistakes)) + " top-1 mistakes "
                            + "(original label) whose prediction is in the record's label set"),
            new Headline("ECE", "ECE", Metric.ECE, Kind.PERCENT, false,
                    m -> "expected calibration error: |accuracy − confidence| of each of the "
                            + ref(calibration(m, EvalMetrics.Calibration::bins)) + " confidence bins, weighted by "
                            + "the bin's share of records"),
            new Headline("ECE before temperature", "ECE before T", Metric.ECE_BEFORE_T, Kind.PERCENT, false,
                    m -> "ECE on the " + ref(temperature(m, EvalMetrics.TemperatureFit::evalRecords))
                            + " held-out records, raw probabilities"),
            new Headline("ECE after temperature", "ECE after T", Metric.ECE_AFTER_T, Kind.PERCENT, false,
                    m -> "ECE on the same records after dividing the logits by T = "
                            + ref(temperature(m, EvalMetrics.TemperatureFit::value)) + ", fitted on "
                            + ref(temperature(m, EvalMetrics.TemperatureFit::fitRecords)) + " other records"),
            new Headline("clean top-1 (robustness subset)", "clean subset", Metric.CLEAN_SUBSET_TOP1, Kind.PERCENT,
                    true, m -> "top-1 on the " + ref(robustness(m, EvalMetrics.Robustness::records))
                            + " evenly spaced records the corruptions and attacks use"),
            new Headline("mean corruption top-1", "mean corr.", Metric.MEAN_CORRUPTION_TOP1, Kind.PERCENT, true,
                    m -> "top-1 under the synthetic corruptions, averaged over corruptions and severities 1–5"),
            new Headline("FGSM top-1", "FGSM", Metric.FGSM_TOP1, Kind.PERCENT, true,
                    m -> "top-1 under a one-step L∞ attack of ε = "
                            + ref(adversarial(m, EvalMetrics.Adversarial::epsilon)) + "/255"),
            new Headline("PGD top-1", "PGD", Metric.PGD_TOP1, Kind.PERCENT, true,
                    m -> "top-1 under a " + ref(adversarial(m, EvalMetrics.Adversarial::pgdSteps))
                            + "-step projected-gradient L∞ attack of ε = "
                            + ref(adversarial(m, EvalMetrics.Adversarial::epsilon)) + "/255"),
            new Headline("parameters", "params", Metric.PARAMETERS, Kind.COUNT, null,
                    m -> "number of the model's trainable parameters"),
            new Headline("non-zero parameters", "non-zero", Metric.NONZERO_PARAMETERS, Kind.COUNT, false,
                    m -> "trainable parameters that are not exactly zero (a pruned network's size)"),
            new Headline("GFLOPs per image", "GFLOPs", Metric.GFLOPS, Kind.DECIMAL, false,
                    m -> "billions of floating-point operations of one forward pass of one image"),
            new Headline("latency, batch 1", "latency ms", Metric.LATENCY_MS, Kind.MS, false,
                    m -> "median forward time of one image on " + ref(efficiency(m, EvalMetrics.Efficiency::device))),
            new Headline("throughput", "fwd img/s", Metric.THROUGHPUT, Kind.RATE, true,
                    m -> "forward-only images per second at batch "
                            + ref(efficiency(m, EvalMetrics.Efficiency::throughputBatch)) + ", "
                            + ref(efficiency(m, EvalMetrics.Efficiency::threads)) + " threads"),
            new Headline("evaluation speed", "eval img/s", Metric.EVAL_RATE, Kind.RATE, true,
                    m -> "images per second of this evaluation's whole clean pass (load, forward, metrics)"));

    /** The value, or null. */
    Double value(EvalMetrics metrics) {
        return metric.value(metrics);
    }

    /** The value formatted for its kind. */
    String format(Double v) {
        if (v == null) {
            return Html.NONE;
        }
        return switch (kind) {
            case PERCENT -> Html.pct(v);
            case DECIMAL -> Html.fixed(v, v != 0 && Math.abs(v) < 0.1 ? 4 : 3);
            case COUNT -> Html.count(v);
            case MS -> Html.fixed(v, 2) + " ms";
            case RATE -> Html.count(v);
        };
    }

    /** The heading the number is listed under. */
    String group() {
        return switch (section()) {
            case "accuracy" -> "Accuracy";
            case "multilabel" -> "Multi-label (ReaL)";
            case "calibration" -> "Calibration";
            case "robustness" -> "Robustness";
            case "efficiency" -> "Efficiency";
            default -> section();
        };
    }

    /** The top-level section of metrics.json the value belongs to. */
    String section() {
        return metric.section();
    }

    /** The definition with the figures it names filled in from {@code metrics} (may be null: "?" for them). */
    String define(EvalMetrics metrics) {
        return definition.apply(metrics);
    }

    /** A figure named in a definition: counts of 1,000 and more grouped, other numbers compact, "?" when absent. */
    private static String ref(Object v) {
        if (v == null) {
            return "?";
        }
        if (v instanceof Integer || v instanceof Long) {
            return Html.count(((Number) v).doubleValue());
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) >= 1000 ? Html.count(d) : Html.compact(d, 4);
        }
        return v.toString();
    }

    private static <T> T multi(EvalMetrics m, Function<EvalMetrics.MultiLabel, T> f) {
        return m == null ? null : Metric.of(m.multilabel(), f);
    }

    private static <T> T calibration(EvalMetrics m, Function<EvalMetrics.Calibration, T> f) {
        return m == null ? null : Metric.of(m.calibration(), f);
    }

    private static <T> T temperature(EvalMetrics m, Function<EvalMetrics.TemperatureFit, T> f) {
        return calibration(m, c -> Metric.of(c.temperature(), f));
    }

    private static <T> T robustness(EvalMetrics m, Function<EvalMetrics.Robustness, T> f) {
        return m == null ? null : Metric.of(m.robustness(), f);
    }

    private static <T> T adversarial(EvalMetrics m, Function<EvalMetrics.Adversarial, T> f) {
        return robustness(m, r -> Metric.of(r.adversarial(), f));
    }

    private static <T> T efficiency(EvalMetrics m, Function<EvalMetrics.Efficiency, T> f) {
        return m == null ? null : Metric.of(m.efficiency(), f);
    }
}
