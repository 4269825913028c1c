package dev.lowres.web.pages;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.web.catalog.DatasetIndex;
import dev.lowres.web.http.HttpError;
import dev.lowres.web.http.Request;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A dataset's card, its class browser with sample grids, a record, and the records' pixels. */
public final class DatasetPages {
    /** Records on one page of a class's grid. */
    public static final int PAGE = 60;
    /** Skipped inputs listed on the card (all are counted by reason). */
    public static final int SKIPPED_SHOWN = 200;

    private final RootedFiles files;
    private final Map<Path, DatasetIndex> open = new ConcurrentHashMap<>();

    public DatasetPages(RootedFiles files) {
        this.files = files;
    }

    public void routes(Router router) {
        router.get("/dataset", this::card)
                .get("/dataset/class", this::classGrid)
                .get("/dataset/record", this::record)
                .get("/dataset/image", this::image)
                .get("/dataset/augment", this::augmentPage)
                .get("/dataset/augment.png", this::augmentSheet);
    }

    /** Records, and augmented versions of each, on one preview sheet at most. */
    public static final int PREVIEW_RECORDS = 16;
    public static final int PREVIEW_SAMPLES = 8;

    /** The live augmentation preview's page: the form, the sheet, the operations. */
    public record AugmentView(String path, String dataset, List<String> splits, String split, String augment,
                              int count, int samples, long seed, String sheetQuery, String help) {
    }

    private record PreviewQuery(String split, String augment, int count, int samples, long seed) {
        String query(String path) {
            return "path=" + Format.q(path) + "&split=" + Format.q(split) + "&augment=" + Format.q(augment)
                    + "&count=" + count + "&samples=" + samples + "&seed=" + seed;
        }
    }

    private PreviewQuery previewQuery(Request r, Manifest m) {
        String augment = r.query("augment") == null ? "paper" : r.query("augment").trim();
        if (augment.isEmpty()) {
            augment = "none";
        }
        if (augment.length() > 500) {
            throw HttpError.badRequest("an augmentation spec of over 500 characters");
        }
        return new PreviewQuery(split(r, m), augment, r.integer("count", 6, 1, PREVIEW_RECORDS),
                r.integer("samples", 6, 1, PREVIEW_SAMPLES), r.integer("seed", 0, 0, Integer.MAX_VALUE));
    }

    private void augmentPage(Request r) throws IOException {
        DatasetIndex index = index(r);
        Manifest m = index.manifest();
        PreviewQuery q = previewQuery(r, m);
        String path = files.relative(index.dir());
        r.html(Templates.render("datasetAugment.jte", new AugmentView(path, m.name(), List.copyOf(m.splits().keySet()),
                q.split(), q.augment(), q.count(), q.samples(), q.seed(), q.query(path),
                dev.lowres.data.load.Augmentations.help())));
    }

    private void augmentSheet(Request r) throws IOException {
        DatasetIndex index = index(r);
        Manifest m = index.manifest();
        PreviewQuery q = previewQuery(r, m);
        dev.lowres.data.preview.PreviewSamples.Result result;
        try {
            result = dev.lowres.data.preview.PreviewSamples.collect(new dev.lowres.data.preview.PreviewSamples.Options(
                    index.dir(), q.split(), q.augment(), q.count(), q.samples(), q.seed(), 128, m.name()));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        } catch (DatasetException e) {
            throw new HttpError(422, "not a readable dataset: " + e.getMessage());
        }
        r.responseHeader("X-Augment-Spec", result.spec());
        r.send(200, "image/png", dev.lowres.data.preview.ContactSheet.png(result.sheet(),
                dev.lowres.data.preview.ContactSheet.defaultScale(result.sheet())));
    }

    /** A class and its records per split. */
    public record ClassRow(int index, String wnid, String name, Map<String, Long> counts) {
    }

    /** The card: manifest, classes (filtered by {@code query}), skipped inputs. */
    public record Card(String path, Manifest manifest, List<ClassRow> classes, String query,
                       Map<String, Integer> skippedByReason, List<Manifest.Skipped> skipped) {
        public int skippedTotal() {
            return manifest.skipped() == null ? 0 : manifest.skipped().size();
        }
    }

    /** One page of a class's grid. */
    public record ClassGrid(String path, String dataset, List<String> splits, String split, ClassEntry entry,
                            int[] records, int page, int pages, int total, int side) {
    }

    /** One record. */
    public record RecordView(String path, String dataset, String split, int index, ClassEntry entry, String key,
                             String source, int height, int width, int side, List<String> runs) {
    }

    DatasetIndex index(Request r) throws IOException {
        Path dir = files.resolve(r.required("path"));
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw HttpError.notFound("not a dataset (no manifest.json): " + r.required("path"));
        }
        DatasetIndex index = open.get(dir);
        if (index == null || !index.current()) {
            try {
                index = DatasetIndex.open(dir);
            } catch (DatasetException e) {
                throw new HttpError(422, "not a readable dataset: " + e.getMessage());
            }
            open.put(dir, index);
        }
        return index;
    }

    private void card(Request r) throws IOException {
        DatasetIndex index = index(r);
        Manifest m = index.manifest();
        String query = r.query("q") == null ? "" : r.query("q").trim();
        String lower = query.toLowerCase(Locale.ROOT);
        List<ClassRow> rows = new ArrayList<>();
        for (int c = 0; c < m.classes().size(); c++) {
            ClassEntry e = m.classes().get(c);
            if (!lower.isEmpty() && !e.wnid().toLowerCase(Locale.ROOT).contains(lower)
                    && !e.name().toLowerCase(Locale.ROOT).contains(lower)) {
                continue;
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            for (var s : m.splits().entrySet()) {
                long[] cc = s.getValue().classCounts();
                counts.put(s.getKey(), cc != null && c < cc.length ? cc[c] : -1);
            }
            rows.add(new ClassRow(c, e.wnid(), e.name(), counts));
        }
        Map<String, Integer> byReason = new LinkedHashMap<>();
        List<Manifest.Skipped> skipped = m.skipped() == null ? List.of() : m.skipped();
        skipped.forEach(s -> byReason.merge(s.reason(), 1, Integer::sum));
        r.html(Templates.render("dataset.jte", new Card(files.relative(index.dir()), m, rows, query, byReason,
                skipped.subList(0, Math.min(SKIPPED_SHOWN, skipped.size())))));
    }

    String split(Request r, Manifest m) {
        String split = r.query("split");
        if (split == null || split.isEmpty()) {
            split = m.splits().containsKey("train") ? "train" : m.splits().keySet().iterator().next();
        }
        if (!m.splits().containsKey(split)) {
            throw HttpError.notFound("no split '" + split + "'; the dataset has " + String.join(", ", m.splits().keySet()));
        }
        return split;
    }

    private void classGrid(Request r) throws IOException {
        DatasetIndex index = index(r);
        Manifest m = index.manifest();
        String split = split(r, m);
        int label = r.integer("label", 0, 0, m.classes().size() - 1);
        int[] all = index.split(split).records(label);
        int pages = Math.max(1, (all.length + PAGE - 1) / PAGE);
        int page = r.integer("page", 0, 0, Integer.MAX_VALUE);
        if (page >= pages) {
            throw HttpError.notFound("page " + page + " of " + pages);
        }
        int[] shown = Arrays.copyOfRange(all, page * PAGE, Math.min(all.length, (page + 1) * PAGE));
        r.html(Templates.render("datasetClass.jte", new ClassGrid(files.relative(index.dir()), m.name(),
                List.copyOf(m.splits().keySet()), split, m.classes().get(label), shown, page, pages, all.length,
                side(m))));
    }

    int recordIndex(Request r, DatasetIndex index, String split) {
        int size = (int) index.manifest().splits().get(split).count();
        if (size == 0) {
            throw HttpError.notFound("split " + split + " has no records");
        }
        return r.integer("index", 0, 0, size - 1);
    }

    private void record(Request r) throws IOException {
        DatasetIndex index = index(r);
        Manifest m = index.manifest();
        String split = split(r, m);
        int i = recordIndex(r, index, split);
        int label = index.split(split).label(i);
        String key = index.key(split, i);
        String source = m.build() == null || m.build().source() == null ? null : m.build().source() + "/" + key;
        r.html(Templates.render("datasetRecord.jte", new RecordView(files.relative(index.dir()), m.name(), split, i,
                m.classes().get(label), key, source, m.image().height(), m.image().width(), 8 * side(m),
                ExplainPages.runsFor(files, m.image()))));
    }

    private void image(Request r) throws IOException {
        DatasetIndex index = index(r);
        String split = split(r, index.manifest());
        int i = recordIndex(r, index, split);
        r.responseHeader("Cache-Control", "private, max-age=3600");
        r.send(200, "image/png", index.split(split).png(i));
    }

    /** The side, in CSS pixels, of a grid cell: the stored image scaled by a whole number to about 64. */
    static int side(Manifest m) {
        int s = Math.max(m.image().height(), m.image().width());
        return s * Math.max(1, 64 / s);
    }
}
