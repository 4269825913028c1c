package dev.lowres.train.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One headline number of a {@code metrics.json}: where it is (a JSON pointer), how to print it and what
 * it means. Both reports print the same list, so a number means the same thing everywhere.
 *
 * @param label long name for the eval report's summary
 * @param shortLabel column header in the compare report
 * @param pointer where the value is
 * @param kind how to format it
 * @param higherIsBetter for marking the best value in a comparison (null: neither)
 * @param definition one sentence; {@code {/json/pointer}} is replaced by that value of the metrics
 */
record Headline(String label, String shortLabel, String pointer, Kind kind, Boolean higherIsBetter,
                String definition) {

    enum Kind { PERCENT, DECIMAL, COUNT, MS, RATE }

    static final List<Headline> ALL = List.of(
            new Headline("top-1 accuracy", "top-1", "/accuracy/top1", Kind.PERCENT, true,
                    "share of records whose most probable class is the label"),
            new Headline("top-5 accuracy", "top-5", "/accuracy/top5", Kind.PERCENT, true,
                    "share of records whose label is among the five most probable classes"),
            new Headline("mean per-class top-1", "per-class", "/accuracy/mean_per_class", Kind.PERCENT, true,
                    "top-1 of each class, averaged over classes (every class weighs the same)"),
            new Headline("cross-entropy loss", "loss", "/accuracy/loss", Kind.DECIMAL, false,
                    "mean negative log-probability of the label (nats)"),
            new Headline("ReaL top-1", "ReaL top-1", "/multilabel/top1", Kind.PERCENT, true,
                    "top-1 counted correct when the prediction is in the record's label set "
                            + "(Beyer et al. 2020), over the {/multilabel/labelled} labelled records"),
            new Headline("original top-1 on ReaL records", "orig. top-1", "/multilabel/original_top1", Kind.PERCENT,
                    true, "top-1 against the original label on the same labelled records, for comparison"),
            new Headline("mistakes that are valid", "valid mistakes", "/multilabel/mistakes_valid_share",
                    Kind.PERCENT, null, "share of the {/multilabel/mistakes} top-1 mistakes (original label) "
                    + "whose prediction is in the record's label set"),
            new Headline("ECE", "ECE", "/calibration/ece", Kind.PERCENT, false,
                    "expected calibration error: |accuracy − confidence| of each of the {/calibration/bins} "
                            + "confidence bins, weighted by the bin's share of records"),
            new Headline("ECE before temperature", "ECE before T", "/calibration/temperature/before/ece",
                    Kind.PERCENT, false, "ECE on the {/calibration/temperature/eval_records} held-out records, "
                    + "raw probabilities"),
            new Headline("ECE after temperature", "ECE after T", "/calibration/temperature/after/ece", Kind.PERCENT,
                    false, "ECE on the same records after dividing the logits by T = {/calibration/temperature/value},"
                    + " fitted on {/calibration/temperature/fit_records} other records"),
            new Headline("clean top-1 (robustness subset)", "clean subset", "/robustness/clean_top1", Kind.PERCENT,
                    true, "top-1 on the {/robustness/records} evenly spaced records the corruptions and attacks use"),
            new Headline("mean corruption top-1", "mean corr.", "/robustness/mean_corruption_top1", Kind.PERCENT,
                    true, "top-1 under the synthetic corruptions, averaged over corruptions and severities 1–5"),
            new Headline("FGSM top-1", "FGSM", "/robustness/adversarial/fgsm_top1", Kind.PERCENT, true,
                    "top-1 under a one-step L∞ attack of ε = {/robustness/adversarial/epsilon}/255"),
            new Headline("PGD top-1", "PGD", "/robustness/adversarial/pgd_top1", Kind.PERCENT, true,
                    "top-1 under a {/robustness/adversarial/pgd_steps}-step projected-gradient L∞ attack of "
                            + "ε = {/robustness/adversarial/epsilon}/255"),
            new Headline("parameters", "params", "/efficiency/parameters", Kind.COUNT, null,
                    "number of the model's trainable parameters"),
            new Headline("non-zero parameters", "non-zero", "/efficiency/nonzero_parameters", Kind.COUNT, false,
                    "trainable parameters that are not exactly zero (a pruned network's size)"),
            new Headline("GFLOPs per image", "GFLOPs", "/efficiency/gflops_per_image", Kind.DECIMAL, false,
                    "billions of floating-point operations of one forward pass of one image"),
            new Headline("latency, batch 1", "latency ms", "/efficiency/latency_ms_batch1", Kind.MS, false,
                    "median forward time of one image on {/efficiency/device}"),
            new Headline("throughput", "fwd img/s", "/efficiency/throughput_images_per_second", Kind.RATE, true,
                    "forward-only images per second at batch {/efficiency/throughput_batch}, "
                            + "{/efficiency/threads} threads"),
            new Headline("evaluation speed", "eval img/s", "/efficiency/eval_images_per_second", Kind.RATE, true,
                    "images per second of this evaluation's whole clean pass (load, forward, metrics)"));

    private static final Pattern REF = Pattern.compile("\\{(/[^}]+)}");

    /** The value, or null. */
    Double value(JsonNode metrics) {
        return Html.num(metrics, pointer);
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
        return pointer.substring(1, pointer.indexOf('/', 1));
    }

    /** The definition with its references filled in from the metrics ("?" where absent). */
    String define(JsonNode metrics) {
        Matcher m = REF.matcher(definition);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            JsonNode n = metrics == null ? null : metrics.at(m.group(1));
            String s;
            if (n == null || n.isMissingNode() || n.isNull()) {
                s = "?";
            } else if (n.isIntegralNumber() || (n.isNumber() && n.asDouble() == Math.rint(n.asDouble())
                    && Math.abs(n.asDouble()) >= 1000)) {
                s = Html.count(n.asDouble());
            } else if (n.isNumber()) {
                s = Html.compact(n.asDouble(), 4);
            } else {
                s = n.asText();
            }
            m.appendReplacement(b, Matcher.quoteReplacement(s));
        }
        m.appendTail(b);
        return b.toString();
    }
}
