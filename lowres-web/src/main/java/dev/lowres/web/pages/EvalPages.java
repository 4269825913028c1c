package dev.lowres.web.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.eval.Evaluation;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.report.EvalReport;
import dev.lowres.train.run.MetricsLog;
import dev.lowres.web.catalog.Catalog;
import dev.lowres.web.catalog.Entry;
import dev.lowres.web.http.HttpError;
import dev.lowres.web.http.Request;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * An evaluation's page (every section of its metrics.json, as the static report draws them, with the
 * confusion matrix and the tag summary), the mistakes gallery with its filters, and the tags.
 */
public final class EvalPages {
    /** Cards on one page of the gallery. */
    public static final int PAGE = 48;
    /** Classes in the confusion matrix at most (those with most mistakes when there are more). */
    public static final int MATRIX_CLASSES = 30;
    /** A tag request's body at most. */
    static final int MAX_TAG_BODY = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RootedFiles files;
    private final TagStore tags = new TagStore();
    private final Map<Path, Predictions> predictions = new ConcurrentHashMap<>();

    public EvalPages(RootedFiles files) {
        this.files = files;
    }

    public void routes(Router router) {
        router.get("/compare", this::compare)
                .get("/eval", this::page)
                .get("/eval/mistakes", this::mistakes)
                .get("/eval/tags", this::tagsJson)
                .post("/eval/tags", this::setTags);
    }

    /** A class's index, wnid and name. */
    public record ClassName(int index, String wnid, String name) {
        public String label() {
            return name == null || name.isEmpty() ? (wnid == null || wnid.isEmpty() ? "class " + index : wnid) : name;
        }
    }

    /** The confusion matrix over {@code classes} (all, or those with most mistakes). */
    public record Confusion(List<ClassName> classes, long[][] counts, long[] rowTotals, int allClasses) {
        public boolean subset() {
            return classes.size() < allClasses;
        }

        /** A cell's background: white to dark red by its share of the row. */
        public String shade(int row, int col) {
            long total = rowTotals[row];
            double share = total == 0 ? 0 : (double) counts[row][col] / total;
            int v = (int) Math.round(255 - 200 * Math.sqrt(share));
            return row == col ? String.format("rgb(%d,%d,255)", v, v) : String.format("rgb(255,%d,%d)", v, v);
        }
    }

    /** The evaluation page. */
    public record EvalView(String path, String title, String report, String dataset, String split, String run,
                           List<String> notes, Confusion confusion, Map<MistakeTag, Integer> tagCounts, int tagged) {
    }

    /** The gallery's filters, as given. */
    public record Filters(Integer trueClass, Integer predicted, Integer anyClass, double minConfidence,
                          double maxConfidence, String real, String tag) {
        /** This filter as a query string (without the page). */
        public String query(String path) {
            StringBuilder b = new StringBuilder("path=").append(Format.q(path));
            if (trueClass != null) {
                b.append("&true=").append(trueClass);
            }
            if (predicted != null) {
                b.append("&pred=").append(predicted);
            }
            if (anyClass != null) {
                b.append("&class=").append(anyClass);
            }
            if (minConfidence > 0) {
                b.append("&min=").append(minConfidence);
            }
            if (maxConfidence < 1) {
                b.append("&max=").append(maxConfidence);
            }
            if (!real.equals("any")) {
                b.append("&real=").append(real);
            }
            if (!tag.isEmpty()) {
                b.append("&tag=").append(Format.q(tag));
            }
            return b.toString();
        }
    }

    /** One mistake. */
    public record Card(Predictions.Line line, ClassName truth, List<ClassName> top5, TagStore.Tagged tagged) {
    }

    /** The gallery page. */
    public record Gallery(String path, String dataset, String split, String run, Filters filters, List<ClassName> classes,
                          List<Card> cards, int page, int pages, int total, int wrong, boolean hasReal) {
    }

    /** The comparison page: {@code lowres compare}'s report over the runs and evaluations named. */
    public record CompareView(List<String> paths, String report) {
    }

    /** Runs and evaluations on one comparison at most. */
    public static final int MAX_COMPARED = 200;

    private void compare(Request r) throws IOException {
        List<String> named = r.queries("path");
        if (named.isEmpty()) {
            throw HttpError.badRequest("name the runs or evaluations: /compare?path=a&path=b");
        }
        if (named.size() > MAX_COMPARED) {
            throw HttpError.badRequest("at most " + MAX_COMPARED + " on one comparison");
        }
        List<Path> dirs = new ArrayList<>();
        for (String p : named) {
            Path dir = files.resolve(p);
            if (!Files.isDirectory(dir)) {
                throw HttpError.notFound("not a run or evaluation directory: " + p);
            }
            dirs.add(dir);
        }
        List<dev.lowres.train.report.CompareRow> rows;
        try {
            rows = dev.lowres.train.eval.Comparison.collect(dirs);
        } catch (IllegalArgumentException e) {
            throw new HttpError(422, e.getMessage().replace(files.root().toString() + "/", ""));
        }
        r.html(Templates.render("compare.jte", new CompareView(named, dev.lowres.train.report.CompareReport.body(rows,
                emptyToNull(r.query("x")), emptyToNull(r.query("y"))))));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private Path eval(String path) throws IOException {
        Path dir = files.resolve(path);
        Path m = dir.resolve(Evaluation.METRICS);
        if (!Files.isRegularFile(m)) {
            throw HttpError.notFound("not an evaluation (no metrics.json): " + path);
        }
        return dir;
    }

    private EvalMetrics metrics(Path dir) throws IOException {
        try {
            return EvalMetrics.read(dir.resolve(Evaluation.METRICS));
        } catch (EvalMetrics.NotAnEvaluation e) {
            throw new HttpError(422, "metrics.json is not a lowres evaluation" + e.why());
        }
    }

    private Predictions predictions(Path dir) throws IOException {
        Path file = dir.resolve(Evaluation.PREDICTIONS);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        long modified = Files.getLastModifiedTime(file).toMillis();
        Predictions p = predictions.get(dir);
        if (p == null || p.modified() != modified) {
            p = Predictions.read(file);
            predictions.put(dir, p);
        }
        return p;
    }

    static List<ClassName> classes(EvalMetrics metrics) {
        List<ClassName> out = new ArrayList<>();
        for (EvalMetrics.ClassScore c : metrics.accuracy() == null ? List.<EvalMetrics.ClassScore>of()
                : metrics.accuracy().perClass()) {
            out.add(new ClassName(c.index(), c.wnid() == null ? "" : c.wnid(), c.name() == null ? "" : c.name()));
        }
        out.sort(Comparator.comparingInt(ClassName::index));
        return out;
    }

    private void page(Request r) throws IOException {
        String path = r.required("path");
        Path dir = eval(path);
        EvalMetrics m = metrics(dir);
        List<String> notes = new ArrayList<>();
        String dataset = dataset(m, notes);
        String run = files.inside(m.run().dir()).orElse(null);
        MetricsLog.Lines lines = run == null ? MetricsLog.Lines.NONE : RunPages.lines(files.resolve(run));
        List<ClassName> classes = classes(m);
        Predictions p = predictions(dir);
        Confusion confusion = p == null || classes.isEmpty() ? null : confusion(p, classes);
        if (p == null) {
            notes.add("No predictions.jsonl beside metrics.json: no confusion matrix and no gallery of every mistake.");
        }
        TagStore.Tags t = tags.read(dir);
        String title = m.run().model() + " on " + m.data().name() + " / " + m.data().split();
        r.html(Templates.render("eval.jte", new EvalView(files.relative(dir), title, EvalReport.body(m, lines, Map.of()),
                dataset, m.data().split(), run, notes, confusion, t.counts(),
                t.records().size())));
    }

    /**
     * The evaluated dataset's path under the root: where metrics.json says it is, or else (a folder moved or
     * copied) the one dataset under the root with the same name, split size and image shape, said in a note.
     * Null, with a note, when there is none.
     */
    private String dataset(EvalMetrics m, List<String> notes) throws IOException {
        EvalMetrics.DataSection data = m.data();
        String named = files.inside(data.dir()).orElse(null);
        if (named != null) {
            return named;
        }
        List<Integer> image = data.image(); // [channels, height, width]
        String shape = image != null && image.size() == 3
                ? new Manifest.ImageShape(image.get(1), image.get(2), image.get(0)).describe() : "?";
        List<Entry.DatasetEntry> same = Catalog.scan(files.root()).datasets(data.name(), shape).stream()
                .filter(d -> d.splits().getOrDefault(data.split(), -1L) == data.records())
                .toList();
        if (same.size() == 1) {
            notes.add("The evaluated dataset's folder (" + data.name() + ") is not under the served "
                    + "folder; the images shown are those of " + same.get(0).path() + ", the one dataset here of the "
                    + "same name, split size and image shape.");
            return same.get(0).path();
        }
        notes.add("The evaluated dataset (" + data.name() + ") is not under the served folder"
                + (same.isEmpty() ? "" : " and " + same.size() + " datasets here could be it") + ", so its images are "
                + "not shown.");
        return null;
    }

    static Confusion confusion(Predictions p, List<ClassName> classes) {
        int n = classes.size();
        long[][] all = p.confusion(n);
        List<Integer> chosen;
        if (n <= MATRIX_CLASSES) {
            chosen = IntStream.range(0, n).boxed().toList();
        } else {
            long[] errors = new long[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        errors[i] += all[i][j];
                        errors[j] += all[i][j];
                    }
                }
            }
            chosen = IntStream.range(0, n).boxed().sorted(Comparator.comparingLong((Integer i) -> -errors[i])
                    .thenComparingInt(i -> i)).limit(MATRIX_CLASSES).sorted().toList();
        }
        int k = chosen.size();
        long[][] counts = new long[k][k];
        long[] rows = new long[k];
        for (int a = 0; a < k; a++) {
            for (int j = 0; j < n; j++) {
                rows[a] += all[chosen.get(a)][j];
            }
            for (int b = 0; b < k; b++) {
                counts[a][b] = all[chosen.get(a)][chosen.get(b)];
            }
        }
        return new Confusion(chosen.stream().map(classes::get).toList(), counts, rows, n);
    }

    private Filters filters(Request r, int classes) {
        String real = r.query("real") == null || r.query("real").isEmpty() ? "any" : r.query("real");
        if (!List.of("any", "accepted", "rejected", "unlabelled").contains(real)) {
            throw HttpError.badRequest("real must be any, accepted, rejected or unlabelled");
        }
        String tag = r.query("tag") == null ? "" : r.query("tag");
        if (!tag.isEmpty() && !tag.equals("untagged") && MistakeTag.of(tag) == null) {
            throw HttpError.badRequest("no tag '" + tag + "'; the tags are " + String.join(", ", MistakeTag.ids())
                    + " (or untagged)");
        }
        int last = Math.max(0, classes - 1);
        Integer t = r.query("true") == null || r.query("true").isEmpty() ? null : r.integer("true", 0, 0, last);
        Integer p = r.query("pred") == null || r.query("pred").isEmpty() ? null : r.integer("pred", 0, 0, last);
        Integer c = r.query("class") == null || r.query("class").isEmpty() ? null : r.integer("class", 0, 0, last);
        return new Filters(t, p, c, r.number("min", 0, 0, 1), r.number("max", 1, 0, 1), real, tag);
    }

    private void mistakes(Request r) throws IOException {
        String path = r.required("path");
        Path dir = eval(path);
        EvalMetrics m = metrics(dir);
        Predictions p = predictions(dir);
        if (p == null) {
            throw HttpError.notFound("this evaluation has no predictions.jsonl (it was written by an older lowres)");
        }
        List<ClassName> classes = classes(m);
        Filters f = filters(r, classes.size());
        TagStore.Tags t = tags.read(dir);
        List<Predictions.Line> wrong = p.lines().stream().filter(Predictions.Line::wrong).toList();
        List<Predictions.Line> kept = wrong.stream().filter(l -> keep(l, f, t))
                .sorted(Comparator.comparingDouble((Predictions.Line l) -> -l.confidence())
                        .thenComparingInt(Predictions.Line::index))
                .toList();
        int pages = Math.max(1, (kept.size() + PAGE - 1) / PAGE);
        int page = r.integer("page", 0, 0, pages - 1);
        List<Card> cards = new ArrayList<>();
        for (Predictions.Line l : kept.subList(page * PAGE, Math.min(kept.size(), (page + 1) * PAGE))) {
            List<ClassName> top = new ArrayList<>();
            for (int c : l.top5()) {
                top.add(name(classes, c));
            }
            cards.add(new Card(l, name(classes, l.label()), top, t.records().get(l.index())));
        }
        boolean hasReal = p.lines().stream().anyMatch(l -> l.realCorrect() != null);
        String dataset = dataset(m, new ArrayList<>());
        String run = files.inside(m.run().dir()).orElse(null);
        r.html(Templates.render("mistakes.jte", new Gallery(files.relative(dir), dataset, m.data().split(), run, f, classes, cards, page, pages, kept.size(), wrong.size(),
                hasReal)));
    }

    static boolean keep(Predictions.Line l, Filters f, TagStore.Tags t) {
        if (f.trueClass() != null && l.label() != f.trueClass()) {
            return false;
        }
        if (f.predicted() != null && l.predicted() != f.predicted()) {
            return false;
        }
        if (f.anyClass() != null && l.label() != f.anyClass() && l.predicted() != f.anyClass()) {
            return false;
        }
        if (l.confidence() < f.minConfidence() || l.confidence() > f.maxConfidence()) {
            return false;
        }
        boolean realOk = switch (f.real()) {
            case "accepted" -> Boolean.TRUE.equals(l.realCorrect());
            case "rejected" -> Boolean.FALSE.equals(l.realCorrect());
            case "unlabelled" -> l.realCorrect() == null;
            default -> true;
        };
        if (!realOk) {
            return false;
        }
        if (f.tag().isEmpty()) {
            return true;
        }
        TagStore.Tagged tagged = t.records().get(l.index());
        return f.tag().equals("untagged") ? tagged == null || tagged.tags().isEmpty()
                : tagged != null && tagged.tags().contains(f.tag());
    }

    private static ClassName name(List<ClassName> classes, int index) {
        return index >= 0 && index < classes.size() ? classes.get(index) : new ClassName(index, "", "");
    }

    private void tagsJson(Request r) throws IOException {
        r.json(tags.read(eval(r.required("path"))));
    }

    /** {@code {"path": eval, "index": 17, "tags": ["fine-grained"], "note": "..."}}: sets one record's tags. */
    private void setTags(Request r) throws IOException {
        String type = r.header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(415, "tags are sent as application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body(MAX_TAG_BODY));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw HttpError.badRequest("the body is not JSON");
        }
        if (body == null || !body.isObject() || !body.path("path").isTextual() || !body.path("index").canConvertToInt()
                || !body.path("tags").isArray()) {
            throw HttpError.badRequest("send {\"path\": ..., \"index\": n, \"tags\": [...], \"note\": \"...\"}");
        }
        Path dir = eval(body.path("path").asText());
        Predictions p = predictions(dir);
        int index = body.path("index").asInt();
        Predictions.Line line = p == null ? null : p.lines().stream().filter(l -> l.index() == index).findFirst().orElse(null);
        if (line == null) {
            throw HttpError.notFound("no record " + index + " in this evaluation's predictions");
        }
        List<String> list = new ArrayList<>();
        body.path("tags").forEach(n -> list.add(n.asText()));
        try {
            TagStore.Tags t = tags.set(dir, index, line.key(), list, body.path("note").asText(""));
            r.json(Map.of("index", index, "tags", t.records().containsKey(index) ? t.records().get(index).tags() : List.of(),
                    "tagged", t.records().size()));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }
}
