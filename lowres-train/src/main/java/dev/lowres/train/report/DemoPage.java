package dev.lowres.train.report;

import dev.lowres.data.store.Manifest;
import dev.lowres.train.loop.EpochMetrics;
import java.util.List;

/**
 * What the report.html of {@code lowres demo} shows; {@code demo.jte} lays it out.
 *
 * @param tool the tool and its version
 * @param evaluation the evaluation report's path relative to the demo's, or null
 * @param steps the demo's steps as they ran
 * @param training the training run, or null
 * @param datasets the datasets built, with their baselines
 */
public record DemoPage(String tool, String evaluation, List<Step> steps, Training training, List<DatasetCard> datasets) {
    /** One step as it ran. */
    public record Step(String name, String what, double seconds, String result) {
    }

    /** The training run: its learning curve as an inline SVG, and its epochs. */
    public record Training(String runDir, String model, String recipe, List<EpochMetrics> epochs, String curve) {
    }

    /**
     * One built dataset.
     *
     * @param top1 the nearest-class-mean baseline's validation top-1
     * @param chance the top-1 of always guessing the most common class
     * @param records validation records the baseline was measured on
     * @param sheet a contact sheet of its validation records, as a {@code data:} URI
     */
    public record DatasetCard(String path, Manifest manifest, double top1, double chance, long records, String sheet) {
    }

    /** The report as one self-contained HTML file. */
    public String html() {
        return Reports.render("demo.jte", this);
    }

    /** A mean or std per channel, one decimal each. */
    public static String triple(double[] v) {
        return v == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f, %.1f, %.1f", v[0], v[1], v[2]);
    }

    /** A fraction as a percentage with one decimal. */
    public static String pct(double v) {
        return Html.pct(v);
    }
}
