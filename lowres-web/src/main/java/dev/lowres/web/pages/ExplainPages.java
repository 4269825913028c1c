package dev.lowres.web.pages;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.explain.Attribution;
import dev.lowres.train.explain.Explanation;
import dev.lowres.train.explain.Heatmap;
import dev.lowres.train.explain.Method;
import dev.lowres.train.report.Reports;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * One record's attributions by a run's network, computed on demand: the methods chosen (all five by default), each
 * map over the record, its deletion and insertion areas and curves (Petsiuk et al. 2018), the top-5. The same
 * computation as {@code lowres explain}, on the CPU in fp32. The page comes at once with the top-5; its script then
 * asks {@code /explain/method} for each map in turn (a few tenths of a second to two seconds each) and
 * {@code /explain/curves} for the charts, which reuse the attributions just computed ({@value #CACHED} are kept).
 * With {@code sync=1} (a browser without scripts) the page is sent when every map is done.
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
        router.get("/explain", this::page)
                .get("/explain/method", this::method)
                .get("/explain/curves", this::curves);
    }

    /** One method's result, ready to show; {@code png} null while it is still to be computed (the page asks). */
    public record MethodView(String id, String png, double deletion, double insertion, double seconds, String note) {
    }

    /** A class of the network, for the target's choice. */
    public record Choice(String value, String label) {
    }

    /**
     * The page. {@code query} asks for this record, run, target and seed again (without the methods): the page's
     * script asks {@code /explain/method?query&method=M} for each method still to compute, then the curves.
     */
    public record ExplainView(String run, String dataset, String datasetName, String split, int index, String key,
                              ClassEntry truth, String recordPng, int side, List<Explanation.Ranked> top5,
                              String target, String explained, double probability, List<Choice> targets,
                              List<String> chosen, long seed, List<MethodView> methods, String curves,
                              String weights, double seconds, String query) {
        public boolean chosen(String id) {
            return chosen.contains(id);
        }

        /** Whether the maps are still to be computed, one request each. */
        public boolean pending() {
            return methods.stream().anyMatch(m -> m.png() == null);
        }
    }

    /** What a request asks to explain: the record, the run, the methods, the target as given, the seed. */
    private record Ask(Path runDir, DatasetIndex index, Manifest manifest, String split, int record,
                       List<Method> methods, String target, long seed, byte[] pixels, ClassEntry truth) {
        Manifest.ImageShape shape() {
            return manifest.image();
        }

        int scale() {
            return Math.max(1, SHOWN / Math.max(shape().height(), shape().width()));
        }
    }

    /** The network's probabilities for the record, and the class explained. */
    private record Resolved(float[] probabilities, int target) {
    }

    /** Attributions computed lately, by network version, record, target, method and seed. */
    private final Map<String, Attribution> computed = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Attribution> eldest) {
            return size() > CACHED;
        }
    };

    /** Attributions kept for the curves and for pages asked for again. */
    static final int CACHED = 256;

    private Ask ask(Request r) throws IOException {
        Path runDir = files.resolve(r.required("run"));
        DatasetIndex index = datasets.index(r);
        Manifest manifest = index.manifest();
        String split = datasets.split(r, manifest);
        int i = datasets.recordIndex(r, index, split);
        String target = r.query("target") == null || r.query("target").isBlank() ? "predicted" : r.query("target");
        return new Ask(runDir, index, manifest, split, i, methods(r.queries("method")), target,
                r.integer("seed", 0, 0, Integer.MAX_VALUE), index.split(split).pixels(i),
                manifest.classes().get(index.split(split).label(i)));
    }

    private static Resolved resolve(Models.Loaded loaded, Ask a) {
        RunInfo info = loaded.info();
        if (!a.shape().equals(info.image())) {
            throw new HttpError(422, "the run's network takes " + info.image().describe() + " images; this dataset's "
                    + "are " + a.shape().describe());
        }
        int label = info.wnids().indexOf(a.truth().wnid()); // -1: the record's class is not one the network predicts
        float[] p = loaded.explainer().probabilities(a.pixels());
        if (label < 0 && a.target().equalsIgnoreCase("label")) {
            throw HttpError.badRequest("the record's class " + a.truth().wnid() + " is not one the run predicts: "
                    + "explain the predicted class or one of the run's");
        }
        try {
            return new Resolved(p, Explanation.target(a.target(), p, label, info.wnids()));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** The attribution of the record by {@code m}, computed or as computed before for the same network. */
    private Attribution attribution(Models.Loaded loaded, Ask a, int target, Method m) {
        String key = loaded.version() + "|" + a.index().dir() + "|" + a.split() + "|" + a.record() + "|" + target + "|"
                + m.id() + "|" + a.seed();
        synchronized (computed) {
            Attribution done = computed.get(key);
            if (done != null) {
                return done;
            }
        }
        Attribution fresh = loaded.explainer().explain(m, a.pixels(), target, a.seed());
        synchronized (computed) {
            computed.put(key, fresh);
        }
        return fresh;
    }

    private MethodView view(Ask a, Attribution at) {
        Manifest.ImageShape s = a.shape();
        return new MethodView(at.method().id(), Reports.pngDataUri(Heatmap.overlay(a.pixels(), s.channels(), s.height(), s.width(),
                at.map(), a.scale())), at.faithfulness().deletionArea(), at.faithfulness().insertionArea(), at.seconds(),
                at.note());
    }

    /** The page; with {@code sync=1} every map is computed before it is sent (for a browser without scripts). */
    private void page(Request r) throws IOException {
        Ask a = ask(r);
        boolean sync = "1".equals(r.query("sync"));
        long start = System.nanoTime();
        ExplainView view = models.with(a.runDir(), loaded -> {
            Resolved res = resolve(loaded, a);
            RunInfo info = loaded.info();
            List<String> wnids = info.wnids();
            List<String> names = info.classes().stream().map(ClassEntry::name).toList();
            List<MethodView> shown = new ArrayList<>();
            List<Attribution> all = new ArrayList<>();
            for (Method m : a.methods()) {
                if (sync) {
                    Attribution at = attribution(loaded, a, res.target(), m);
                    all.add(at);
                    shown.add(view(a, at));
                } else {
                    shown.add(new MethodView(m.id(), null, Double.NaN, Double.NaN, Double.NaN, null));
                }
            }
            List<Choice> targets = new ArrayList<>(List.of(new Choice("predicted", "the predicted class"),
                    new Choice("label", "the record's label")));
            for (int c = 0; c < wnids.size(); c++) {
                targets.add(new Choice(Integer.toString(c), label(c, wnids.get(c), names.get(c))));
            }
            Manifest.ImageShape s = a.shape();
            int t = res.target();
            return new ExplainView(files.relative(a.runDir()), files.relative(a.index().dir()), a.manifest().name(),
                    a.split(), a.record(), a.index().key(a.split(), a.record()), a.truth(),
                    Reports.pngDataUri(Heatmap.image(a.pixels(), s.channels(), s.height(), s.width(), a.scale())),
                    a.scale() * s.width(), Explanation.top5(res.probabilities(), wnids, names), a.target(),
                    label(t, wnids.get(t), names.get(t)), res.probabilities()[t], targets,
                    a.methods().stream().map(Method::id).toList(), a.seed(), shown, sync ? curves(all) : null,
                    files.relative(loaded.weights()), (System.nanoTime() - start) / 1e9, // with any wait and load
                    query(files.relative(a.runDir()), files.relative(a.index().dir()), a));
        });
        r.html(Templates.render("explain.jte", view));
    }

    static String query(String run, String dataset, Ask a) {
        return "run=" + Format.q(run) + "&path=" + Format.q(dataset) + "&split=" + Format.q(a.split()) + "&index="
                + a.record() + "&target=" + Format.q(a.target()) + "&seed=" + a.seed();
    }

    /** One method's map and numbers, as JSON: what the page's script asks for, method by method. */
    private void method(Request r) throws IOException {
        if (r.queries("method").size() != 1) {
            throw HttpError.badRequest("name one method: method=" + String.join("|",
                    Arrays.stream(Method.values()).map(Method::id).toList()));
        }
        Ask a = ask(r);
        r.json(models.with(a.runDir(), loaded -> view(a, attribution(loaded, a, resolve(loaded, a).target(),
                a.methods().get(0)))));
    }

    /** The deletion and insertion charts of the methods asked for (those computed before are not computed again). */
    private void curves(Request r) throws IOException {
        Ask a = ask(r);
        String charts = models.with(a.runDir(), loaded -> {
            int t = resolve(loaded, a).target();
            List<Attribution> all = new ArrayList<>();
            for (Method m : a.methods()) {
                all.add(attribution(loaded, a, t, m));
            }
            return curves(all);
        });
        r.send(200, "text/html; charset=utf-8", charts.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
        // the legend goes in rows above the plot: the curves may run anywhere inside it
        int legendRows = (all.size() + 1) / 2;
        Svg s = new Svg(420, 250 + 16 * legendRows, title).margins(48, 12, 30 + 16 * legendRows, 40)
                .domain(0, 1, 0, 1).title(title);
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
        s.legendRow(keys, 48, 38);
        return s.toString();
    }

    /** A class as shown: its index, its wnid and its name (once where they are the same, as in Fashion-MNIST). */
    public static String label(int index, String wnid, String name) {
        return index + " " + (wnid.equals(name) || name.isEmpty() ? wnid : wnid + " " + name);
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

}
