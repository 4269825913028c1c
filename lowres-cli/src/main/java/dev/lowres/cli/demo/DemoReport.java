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

    private final List<Step> steps = new ArrayList<>();
    private final List<DatasetPart> datasets = new ArrayList<>();

    public void step(Step step) {
        steps.add(step);
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
                .append("published PIL scripts would, verified, exported to the published npz layout and imported back, ")
                .append("and a baseline classifier trained and evaluated on it. The network training and evaluation ")
                .append("stages (<code>lowres train</code>, <code>lowres eval</code>) will extend this report.</p>\n");
        h.append("<h2>Steps</h2>\n<table><tr><th>step</th><th>what</th><th class=num>seconds</th><th>result</th></tr>\n");
        for (Step s : steps) {
            h.append("<tr><td>").append(esc(s.name())).append("</td><td>").append(esc(s.what()))
                    .append("</td><td class=num>").append(String.format(Locale.ROOT, "%.1f", s.seconds()))
                    .append("</td><td>").append(esc(s.result())).append("</td></tr>\n");
        }
        h.append("</table>\n");
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
