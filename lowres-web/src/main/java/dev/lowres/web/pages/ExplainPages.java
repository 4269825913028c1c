package dev.lowres.web.pages;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.explain.Attribution;
import dev.lowres.train.explain.Explanation;
import dev.lowres.train.explain.Heatmap;
import dev.lowres.train.explain.Method;
import dev.lowres.train.report.Svg;
import dev.lowres.web.catalog.Catalog;
import dev.lowres.web.catalog.DatasetIndex;
import dev.lowres.web.catalog.Entry;
import dev.lowres.web.http.HttpError;
import dev.lowres.web.http.Request;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import dev.lowres.web.model.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One record's attributions by a run's network, computed on demand when the page is asked for: the methods chosen
 * (all five by default), each map over the record, its deletion and insertion areas and curves (Petsiuk et al.
 * 2018), the top-5. The same computation as {@code lowres explain}, on the CPU in fp32.
 */
public final class ExplainPages {
    /** Runs offered on a record's page at most. */
    public static final int RUNS_OFFERED = 50;
    /** The picture's side in CSS pixels, about: the record scaled by a whole number. */
    static final int SHOWN = 160;

    private final RootedFiles files;
    private final DatasetPages datasets;
    private final Models models;

    public ExplainPages(RootedFiles files, DatasetPages datasets, Models models) {
        this.files = files;
        this.datasets = datasets;
        this.models = models;
    }

    public void routes(Router router) {
        router.get("/explain", this::page);
    }

    /** One method's result, ready to show. */
    public record MethodView(String id, String png, double deletion, double insertion, double seconds, String note) {
    }

    /** A class of the network, for the target's choice. */
    public record Choice(String value, String label) {
    }

    /** The page. */
    public record ExplainView(String run, String dataset, String datasetName, String split, int index, String key,
                              ClassEntry truth, String recordPng, int side, List<Explanation.Ranked> top5,
                              String target, String explained, double probability, List<Choice> targets,
                              List<String> chosen, long seed, List<MethodView> methods, String curves,
                              String weights, double seconds) {
        public boolean chosen(String id) {
            return chosen.contains(id);
        }
    }

    private void page(Request r) throws IOException {
        Path runDir = files.resolve(r.required("run"));
        DatasetIndex index = datasets.index(r);
        Manifest manifest = index.manifest();
        String split = datasets.split(r, manifest);
        int i = datasets.recordIndex(r, index, split);
        List<Method> methods = methods(r.queries("method"));
        String target = r.query("target") == null || r.query("target").isBlank() ? "predicted" : r.query("target");
        long seed = r.integer("seed", 0, 0, Integer.MAX_VALUE);
        byte[] pixels = index.split(split).pixels(i);
        Manifest.ImageShape shape = manifest.image();
        int scale = Math.max(1, SHOWN / Math.max(shape.height(), shape.width()));
        ClassEntry truth = manifest.classes().get(index.split(split).label(i));
        long start = System.nanoTime();
        ExplainView view = models.with(runDir, loaded -> {
            RunInfo info = loaded.info();
            if (!shape.equals(info.image())) {
                throw new HttpError(422, "the run's network takes " + describe(info.image()) + " images; this dataset's "
                        + "are " + describe(shape));
            }
            List<String> wnids = info.wnids();
            int label = wnids.indexOf(truth.wnid()); // -1: the record's class is not one the network predicts
            List<String> names = info.classes().stream().map(ClassEntry::name).toList();
            float[] p = loaded.explainer().probabilities(pixels);
            if (label < 0 && target.equalsIgnoreCase("label")) {
                throw HttpError.badRequest("the record's class " + truth.wnid() + " is not one the run predicts: "
                        + "explain the predicted class or one of the run's");
            }
            int t;
            try {
                t = Explanation.target(target, p, label, wnids);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest(e.getMessage());
            }
            List<MethodView> shown = new ArrayList<>();
            List<Attribution> all = new ArrayList<>();
            for (Method m : methods) {
                Attribution a = loaded.explainer().explain(m, pixels, t, seed);
                all.add(a);
                shown.add(new MethodView(m.id(), dataUri(Heatmap.overlay(pixels, shape.channels(), shape.height(),
                        shape.width(), a.map(), scale)), a.faithfulness().deletionArea(),
                        a.faithfulness().insertionArea(), a.seconds(), a.note()));
            }
            List<Choice> targets = new ArrayList<>(List.of(new Choice("predicted", "the predicted class"),
                    new Choice("label", "the record's label")));
            for (int c = 0; c < wnids.size(); c++) {
                targets.add(new Choice(Integer.toString(c), c + " " + wnids.get(c) + " " + names.get(c)));
            }
            return new ExplainView(files.relative(runDir), files.relative(index.dir()), manifest.name(), split, i,
                    index.key(split, i), truth, dataUri(Heatmap.image(pixels, shape.channels(), shape.height(),
                    shape.width(), scale)), scale * shape.width(), Explanation.top5(p, wnids, names), target,
                    t + " " + wnids.get(t) + " " + names.get(t), p[t], targets,
                    methods.stream().map(Method::id).toList(), seed, shown, curves(all),
                    files.relative(loaded.weights()), (System.nanoTime() - start) / 1e9); // with any wait and load
        });
        r.html(Templates.render("explain.jte", view));
    }

    static List<Method> methods(List<String> given) {
        if (given.isEmpty()) {
            return List.of(Method.values());
        }
        List<Method> out = new ArrayList<>();
        for (String g : given) {
            try {
                Method m = Method.parse(g);
                if (!out.contains(m)) {
                    out.add(m);
                }
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest(e.getMessage());
            }
        }
        return out;
    }

    /** The deletion and the insertion curves of every method, side by side. */
    static String curves(List<Attribution> all) {
        return chart("deletion (lower is more faithful)", all, true) + chart("insertion (higher is more faithful)",
                all, false);
    }

    private static String chart(String title, List<Attribution> all, boolean deletion) {
        Svg s = new Svg(380, 260, title).margins(48, 12, 28, 40).domain(0, 1, 0, 1).title(title);
        s.xAxis(Svg.ticks(0, 1, 5), v -> String.format(Locale.ROOT, "%.0f%%", 100 * v),
                deletion ? "pixels removed, most important first" : "pixels restored, most important first");
        s.yAxis(Svg.ticks(0, 1, 5), v -> String.format(Locale.ROOT, "%.1f", v), "probability of the class");
        List<Svg.Key> keys = new ArrayList<>();
        for (int m = 0; m < all.size(); m++) {
            Attribution a = all.get(m);
            double[] ys = deletion ? a.faithfulness().deletion() : a.faithfulness().insertion();
            double[] xs = new double[ys.length];
            Arrays.setAll(xs, k -> (double) k / (ys.length - 1));
            double area = deletion ? a.faithfulness().deletionArea() : a.faithfulness().insertionArea();
            s.line(xs, ys, Svg.color(m), 2, null, String.format(Locale.ROOT, "%s: area %.4f", a.method().id(), area));
            keys.add(Svg.Key.line(String.format(Locale.ROOT, "%s %.3f", a.method().id(), area), Svg.color(m)));
        }
        s.legend(keys, s.area()[0] + (deletion ? 150 : 8), s.area()[1] + 14);
        return s.toString();
    }

    /** The runs under the root whose networks take images of {@code shape}, by path. */
    static List<String> runsFor(RootedFiles files, Manifest.ImageShape shape) throws IOException {
        List<String> out = new ArrayList<>();
        for (Entry.RunEntry run : Catalog.scan(files.root()).of(Entry.RunEntry.class)) {
            if (out.size() >= RUNS_OFFERED) {
                break;
            }
            try {
                RunInfo info = RunInfo.load(files.resolve(run.path()));
                if (shape.equals(info.image())) {
                    out.add(run.path());
                }
            } catch (IOException | RuntimeException | dev.lowres.data.store.DatasetException e) {
                // not a run this page can explain with: not offered
            }
        }
        return out;
    }

    static String describe(Manifest.ImageShape s) {
        return s == null ? "?" : s.channels() + "x" + s.height() + "x" + s.width();
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
