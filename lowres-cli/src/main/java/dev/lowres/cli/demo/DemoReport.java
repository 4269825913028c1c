package dev.lowres.cli.demo;

import dev.lowres.data.Version;
import dev.lowres.data.store.Manifest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's self-contained {@code report.html}: steps, dataset cards, baseline accuracy, contact sheets. */
public final class DemoReport {
    /** One step of the demo as it ran. */
    public record Step(String name, String what, double seconds, String result) {
    }

    /** One built dataset and what the demo measured on it. */
    public record DatasetPart(String path, Manifest manifest, NearestClassMean.Accuracy baseline, byte[] sheetPng) {
    }

    /** The demo's training run: its learning curve. */
    public record TrainingPart(String runDir, String model, String recipe,
                               List<dev.lowres.train.loop.EpochMetrics> epochs) {
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
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lowres demo</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:4px 10px;")
                .append("text-align:left}th{background:#f3f3f3}.num{text-align:right}code{background:#f6f6f6;padding:1px 4px}")
                .append("img{image-rendering:pixelated;border:1px solid #ddd}.ok{color:#16702e}.warn{color:#a15c00}</style>")
                .append("</head><body>\n");
        h.append("<h1>lowres demo</h1>\n<p>").append(esc(Version.TOOL))
                .append(": a synthetic ImageNet-style JPEG tree, built into downsampled datasets exactly as the ")
                .append("published PIL scripts would, verified, exported to the published npz layout and imported back; ")
                .append("a small Wide ResNet trained on it and evaluated, with a nearest-class-mean baseline beside it. ")
                .append("</p>\n");
        if (evaluation != null) {
            h.append("<p><b>The evaluation past top-1</b> (<code>lowres eval</code>: per-class accuracy, confusions, ")
                    .append("calibration, corruptions, attacks, efficiency and a gallery of mistakes) is in ")
                    .append("<a href=\"").append(esc(evaluation)).append("\">").append(esc(evaluation))
                    .append("</a>.</p>\n");
        }
        h.append("<h2>Steps</h2>\n<table><tr><th>step</th><th>what</th><th class=num>seconds</th><th>result</th></tr>\n");
        for (Step s : steps) {
            h.append("<tr><td>").append(esc(s.name())).append("</td><td>").append(esc(s.what()))
                    .append("</td><td class=num>").append(String.format(Locale.ROOT, "%.1f", s.seconds()))
                    .append("</td><td>").append(esc(s.result())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (training != null) {
            h.append(trainingSection(training));
        }
        h.append("<h2>Baseline: nearest class mean on raw pixels</h2>\n<table><tr><th>dataset</th><th class=num>")
                .append("validation top-1</th><th class=num>chance</th><th class=num>records</th></tr>\n");
        for (DatasetPart d : datasets) {
            NearestClassMean.Accuracy a = d.baseline();
            h.append("<tr><td>").append(esc(d.manifest().name())).append("</td><td class=num>")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * a.top1())).append("</td><td class=num>")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * a.chance())).append("</td><td class=num>")
                    .append(a.total()).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (DatasetPart d : datasets) {
            Manifest m = d.manifest();
            h.append("<h2>Dataset ").append(esc(m.name())).append("</h2>\n<p><code>").append(esc(d.path()))
                    .append("</code> &mdash; ").append(m.image().channels()).append(" x ").append(m.image().height())
                    .append(" x ").append(m.image().width()).append(" uint8, ").append(m.classes().size())
                    .append(" classes (").append(esc(m.classOrder())).append(" order), ")
                    .append(esc(m.build().resample())).append(" filter, ").append(esc(m.build().decode()))
                    .append(" decode.</p>\n<table><tr><th>split</th><th class=num>records</th><th class=num>shards</th>")
                    .append("<th>mean (R, G, B)</th><th>std (R, G, B)</th></tr>\n");
            for (Map.Entry<String, Manifest.Split> e : m.splits().entrySet()) {
                Manifest.Split s = e.getValue();
                h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=num>").append(s.count())
                        .append("</td><td class=num>").append(s.shards().size()).append("</td><td>")
                        .append(triple(s.mean())).append("</td><td>").append(triple(s.std())).append("</td></tr>\n");
            }
            h.append("</table>\n");
            if (!m.skipped().isEmpty()) {
                h.append("<p class=warn>").append(m.skipped().size())
                        .append(" inputs skipped (recorded in manifest.json):</p>\n<table><tr><th>key</th><th>reason</th>")
                        .append("<th>message</th></tr>\n");
                for (Manifest.Skipped s : m.skipped()) {
                    h.append("<tr><td>").append(esc(s.split() + "/" + s.key())).append("</td><td>")
                            .append(esc(s.reason())).append("</td><td>").append(esc(s.message())).append("</td></tr>\n");
                }
                h.append("</table>\n");
            }
            h.append("<p>Validation records, one row per class:</p>\n<img alt=\"contact sheet of ")
                    .append(esc(m.name())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(d.sheetPng())).append("\">\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String trainingSection(TrainingPart t) {
        StringBuilder h = new StringBuilder();
        h.append("<h2>Training: ").append(esc(t.model())).append("</h2>\n<p>").append(esc(t.recipe()))
                .append(". Run directory <code>").append(esc(t.runDir())).append("</code> (config.yaml, metrics.jsonl, "
                        + "checkpoints, model.safetensors).</p>\n");
        h.append(curve(t.epochs()));
        h.append("<table><tr><th>epoch</th><th class=num>train loss</th><th class=num>train top-1</th>")
                .append("<th class=num>val loss</th><th class=num>val top-1</th><th class=num>val top-5</th>")
                .append("<th class=num>lr</th><th class=num>images/s</th></tr>\n");
        for (dev.lowres.train.loop.EpochMetrics m : t.epochs()) {
            h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td class=num>%.4f</td><td class=num>%.1f%%</td>"
                            + "<td class=num>%.4f</td><td class=num>%.1f%%</td><td class=num>%.1f%%</td>"
                            + "<td class=num>%.4g</td><td class=num>%.0f</td></tr>%n", m.epoch() + 1, m.trainLoss(),
                    100 * m.trainTop1(), m.valLoss(), 100 * m.valTop1(), 100 * m.valTop5(), m.lr(),
                    m.imagesPerSecond()));
        }
        return h.append("</table>\n").toString();
    }

    /** An inline SVG of train and validation top-1 by epoch. */
    private static String curve(List<dev.lowres.train.loop.EpochMetrics> epochs) {
        int w = 520;
        int hgt = 220;
        int pad = 40;
        StringBuilder s = new StringBuilder("<svg width=\"" + w + "\" height=\"" + hgt + "\" role=\"img\" "
                + "aria-label=\"accuracy by epoch\" style=\"background:#fafafa;border:1px solid #ddd\">");
        for (int pct = 0; pct <= 100; pct += 25) {
            int y = hgt - pad - (hgt - 2 * pad) * pct / 100;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                    + "<text x=\"6\" y=\"%d\" font-size=\"11\" fill=\"#666\">%d%%</text>", pad, y, w - 10, y, y + 4, pct));
        }
        String[][] series = {{"train", "#1f77b4"}, {"val", "#d62728"}};
        for (String[] se : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < epochs.size(); i++) {
                double v = se[0].equals("train") ? epochs.get(i).trainTop1() : epochs.get(i).valTop1();
                if (Double.isNaN(v)) {
                    continue;
                }
                double x = pad + (w - pad - 20) * (epochs.size() == 1 ? 0.5 : (double) i / (epochs.size() - 1));
                double y = hgt - pad - (hgt - 2 * pad) * v;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(se[1]).append("\" points=\"")
                    .append(pts.toString().trim()).append("\"/>");
        }
        s.append("<text x=\"").append(pad).append("\" y=\"").append(hgt - 12).append("\" font-size=\"12\">")
                .append("top-1 by epoch: <tspan fill=\"#1f77b4\">train (augmented)</tspan>, ")
                .append("<tspan fill=\"#d62728\">val</tspan></text></svg>\n");
        return s.toString();
    }

    private static String triple(double[] v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f, %.1f, %.1f", v[0], v[1], v[2]);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
