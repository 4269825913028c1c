package dev.lowres.web.pages;

import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageFormat;
import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.ingest.RecordMaker;
import dev.lowres.data.ingest.RecordSpec;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ManifestIO;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.explain.Explanation;
import dev.lowres.train.explain.Heatmap;
import dev.lowres.train.report.Reports;
import dev.lowres.web.catalog.Catalog;
import dev.lowres.web.catalog.Entry;
import dev.lowres.web.http.HttpError;
import dev.lowres.web.http.Request;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import dev.lowres.web.model.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Predict: an uploaded image's top-5 by a run's network, the image decoded and resized exactly as the run's
 * dataset was built ({@link RecordSpec#of}: the same decoder, filter, decode mode and fast-mode side, so a source
 * file of the dataset gets the very pixels of its record). The page sends the file's bytes as the body of
 * {@code POST /api/predict?run=R} (any client can: {@code curl --data-binary @x.jpg -H 'Content-Type: image/jpeg'}).
 *
 * <p>Refused, with a message and nothing decoded: a body over {@value #MAX_BYTES} bytes (413), a header declaring
 * more than {@value #MAX_PIXELS} pixels (413, a decompression bomb), a Content-Type other than {@code image/*} or
 * {@code application/octet-stream} (415), bytes that are no image lowres reads (415), a truncated or corrupt one
 * (422).
 */
public final class PredictPages {
    /** The largest upload, in bytes. */
    public static final long MAX_BYTES = 20L << 20;
    /** The most pixels an upload's header may declare (a 50-megapixel photograph). */
    public static final long MAX_PIXELS = 50_000_000L;
    /** The side, in pixels, of the resized image sent back, about. */
    static final int SHOWN = 128;

    private final RootedFiles files;
    private final Models models;

    public PredictPages(RootedFiles files, Models models) {
        this.files = files;
        this.models = models;
    }

    public void routes(Router router) {
        router.get("/predict", this::page).post("/api/predict", this::predict);
    }

    /** How uploads are turned into the network's input, and from which dataset that was read. */
    public record Pipeline(int size, String filter, String decode, String dataset, String note) {
    }

    /** The page. */
    public record PredictView(String run, String model, Pipeline pipeline, long maxBytes, long maxPixels) {
    }

    /** What the upload was. */
    public record Input(String format, int width, int height, long bytes) {
    }

    /** The answer to an upload. */
    public record Prediction(String run, Input input, Pipeline pipeline, String image, List<Explanation.Ranked> top5) {
    }

    private void page(Request r) throws IOException {
        Path dir = files.resolve(r.required("run"));
        RunInfo info = info(dir);
        Spec spec = spec(info);
        r.html(Templates.render("predict.jte", new PredictView(files.relative(dir), info.recipe().model(),
                spec.pipeline(), MAX_BYTES, MAX_PIXELS)));
    }

    private void predict(Request r) throws IOException {
        Path dir = files.resolve(r.required("run"));
        String type = r.header("Content-Type") == null ? "" : r.header("Content-Type").toLowerCase(Locale.ROOT).trim();
        if (!type.startsWith("image/") && !type.startsWith("application/octet-stream")) {
            throw new HttpError(415, "send the image's bytes as the body, with Content-Type image/... or "
                    + "application/octet-stream (forms are not read), not " + (type.isEmpty() ? "none" : type));
        }
        byte[] body = r.body(MAX_BYTES);
        RunInfo info = info(dir);
        Spec spec = spec(info);
        byte[][] out = {new byte[spec.recordSpec().bytesPerImage(0)]};
        Input input;
        try (RecordMaker maker = new RecordMaker(spec.recordSpec())) {
            DecodedImage decoded = maker.make(body, body.length, out, 0);
            input = new Input(ImageFormat.sniff(body, body.length).name().toLowerCase(Locale.ROOT), decoded.fullWidth(),
                    decoded.fullHeight(), body.length);
        } catch (BadImageException e) {
            throw new HttpError(status(e.reason()), "not an image this run can take (" + e.reason().code() + "): "
                    + e.getMessage());
        }
        byte[] pixels = out[0];
        Manifest.ImageShape shape = info.image();
        List<String> names = info.classes().stream().map(c -> c.name()).toList();
        float[] p = models.with(dir, loaded -> loaded.explainer().probabilities(pixels));
        int scale = Math.max(1, SHOWN / Math.max(shape.height(), shape.width()));
        r.json(new Prediction(files.relative(dir), input, spec.pipeline(),
                Reports.pngDataUri(Heatmap.image(pixels, shape.channels(), shape.height(), shape.width(), scale)),
                Explanation.top5(p, info.wnids(), names)));
    }

    static int status(BadImageException.Reason reason) {
        return switch (reason) {
            case TOO_MANY_PIXELS -> 413;
            case EMPTY, NOT_AN_IMAGE, UNSUPPORTED -> 415;
            default -> 422;
        };
    }

    private static RunInfo info(Path dir) {
        try {
            RunInfo info = RunInfo.load(dir);
            Manifest.ImageShape s = info.image();
            if (s.channels() != 3 || s.height() != s.width()) {
                throw new HttpError(422, "predict takes runs on square RGB images; this one takes " + s.describe());
            }
            return info;
        } catch (IOException | DatasetException | IllegalArgumentException e) {
            throw new HttpError(422, "not a run to predict with: " + e.getMessage());
        }
    }

    private record Spec(RecordSpec recordSpec, Pipeline pipeline) {
    }

    /**
     * The run's dataset's build spec: the dataset where the run says it is if that is under the root, else the one
     * dataset under the root of its name and shape; box resizing of the exact decode, said in a note, when there is
     * none or it was imported.
     */
    private Spec spec(RunInfo info) throws IOException {
        int size = info.image().height();
        Path data = info.trainData();
        String found = files.inside(data.toAbsolutePath().normalize().toString())
                .filter(p -> Files.isRegularFile(files.resolve(p).resolve(ManifestIO.FILE))).orElse(null);
        String note = null;
        if (found == null) {
            String name = data.getFileName() == null ? "" : data.getFileName().toString();
            List<Entry.DatasetEntry> same = Catalog.scan(files.root()).datasets(name, info.image().describe());
            if (same.size() == 1) {
                found = same.get(0).path();
                note = "The run's dataset is not where it was trained; the one dataset here of its name and shape, "
                        + found + ", says how it was built.";
            }
        }
        if (found != null) {
            try {
                Manifest m = ManifestIO.read(files.resolve(found));
                var spec = RecordSpec.of(m, MAX_PIXELS);
                if (spec.isPresent() && spec.get().sizes().equals(List.of(size))) {
                    RecordSpec s = spec.get();
                    return new Spec(s, new Pipeline(size, s.filter().id(), s.fast() ? "fast" : "exact", found, note));
                }
                note = "The run's dataset " + found + " does not record how its images were made (lowres imported it, "
                        + "or another tool wrote it): uploads are decoded exactly and resized with the box filter of Chrabaszcz et al.'s scripts.";
            } catch (DatasetException e) {
                note = "The run's dataset " + found + " cannot be read (" + e.getMessage() + "): uploads are decoded "
                        + "exactly and resized with the box filter.";
            }
        } else {
            note = "The run's dataset is not under the served folder: uploads are decoded exactly and resized with "
                    + "the box filter of Chrabaszcz et al.'s scripts, which may not be how it was built.";
        }
        return new Spec(new RecordSpec(List.of(size), ResampleFilter.BOX, false, MAX_PIXELS),
                new Pipeline(size, ResampleFilter.BOX.id(), "exact", null, note));
    }
}
