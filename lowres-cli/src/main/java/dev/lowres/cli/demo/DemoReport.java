package dev.lowres.cli.demo;

import dev.lowres.data.Version;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.loop.EpochMetrics;
import dev.lowres.train.report.DemoPage;
import dev.lowres.train.report.Reports;
import dev.lowres.train.report.Svg;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's self-contained {@code report.html}: steps, dataset cards, baseline accuracy, contact sheets, collected
 * as the demo runs and laid out by lowres-train's {@code demo.jte} (the same stylesheet and charts as every report).
 */
public final class DemoReport {
    /** One step of the demo as it ran. */
    public record Step(String name, String what, double seconds, String result) {
    }

    /** One built dataset and what the demo measured on it. */
    public record DatasetPart(String path, Manifest manifest, NearestClassMean.Accuracy baseline, byte[] sheetPng) {
    }

    /** The demo's training run: its learning curve. */
    public record TrainingPart(String runDir, String model, String recipe, List<EpochMetrics> epochs) {
    }

    private final List<Step> steps = new ArrayList<>();
    private TrainingPart training;
    private String evaluation;
    private final List<DatasetPart> datasets = new ArrayList<>();

    public void step(Step step) {
        steps.add(step);
    }

    /** Links the evaluation report (a path relative to the demo report). */
    public void evaluation(String relativePath) {
        this.evaluation = relativePath;
    }

    public void training(TrainingPart part) {
        this.training = part;
    }

    public void dataset(DatasetPart part) {
        datasets.add(part);
    }

    public String html() {
        DemoPage.Training t = training == null ? null : new DemoPage.Training(training.runDir(), training.model(),
                training.recipe(), training.epochs(), curve(training.epochs()));
        return new DemoPage(Version.TOOL, evaluation,
                steps.stream().map(s -> new DemoPage.Step(s.name(), s.what(), s.seconds(), s.result())).toList(), t,
                datasets.stream().map(d -> new DemoPage.DatasetCard(d.path(), d.manifest(), d.baseline().top1(),
                        d.baseline().chance(), d.baseline().total(),
                        Reports.pngDataUri(d.sheetPng()))).toList()).html();
    }

    /** Train and validation top-1 by epoch. */
    static String curve(List<EpochMetrics> epochs) {
        int n = epochs.size();
        double[] x = new double[n];
        double[] train = new double[n];
        double[] val = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = epochs.get(i).epoch() + 1;
            train[i] = epochs.get(i).trainTop1();
            val[i] = epochs.get(i).valTop1();
        }
        Svg s = new Svg(520, 260, "top-1 by epoch").margins(52, 16, 30, 44).domain(n <= 1 ? 0 : 1, Math.max(2, n), 0, 1)
                .title("top-1 by epoch");
        s.xAxis(Svg.ticks(1, Math.max(2, n), Math.min(8, Math.max(1, n))), v -> String.valueOf((int) Math.round(v)), "epoch");
        s.yAxis(Svg.ticks(0, 1, 4), v -> Math.round(100 * v) + "%", "top-1");
        s.line(x, train, Svg.color(0), 2, null, "train (augmented)").line(x, val, Svg.color(3), 2, null, "validation");
        s.legend(List.of(Svg.Key.line("train (augmented)", Svg.color(0)), Svg.Key.line("validation", Svg.color(3))),
                s.area()[2] - 130, s.area()[3] - 30);
        return s.toString();
    }
}
