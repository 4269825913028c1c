package dev.lowres.cli;

import dev.lowres.data.load.SplitView;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.explain.Attribution;
import dev.lowres.train.explain.Explainer;
import dev.lowres.train.explain.Explanation;
import dev.lowres.train.explain.Heatmap;
import dev.lowres.train.explain.Method;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres explain}: attribution maps of one record by a trained run, with their faithfulness numbers. */
@Command(name = "explain",
        description = {"Explain one record's prediction: which pixels the class depends on, by the gradient, "
                + "SmoothGrad, Integrated Gradients, Grad-CAM and XRAI, each with its deletion and insertion "
                + "curves (lower deletion area, higher insertion area: a more faithful map).",
            "",
            "Writes OUT (a PNG: the record, then each method's map over it, in the order given) and OUT with "
                + ".json for .png (the top-5, and per method its areas, curves and seconds); prints a table.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "2:bad option (an unknown method, key or class)", "66:run or dataset not found",
            "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class ExplainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The trained run.")
    Path run;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "The dataset. Default: the run's.")
    Path data;

    @Option(names = "--split", defaultValue = "val", paramLabel = "NAME", description = "Its split. Default: val.")
    String split;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Record record;

    static final class Record {
        @Option(names = "--key", paramLabel = "KEY", description = "The record's key (its source path, as in "
                + "predictions.jsonl).")
        String key;

        @Option(names = "--index", paramLabel = "N", description = "The record's index in the split.")
        Integer index;
    }

    @Option(names = "--method", defaultValue = "gradient,smoothgrad,integrated-gradients,grad-cam,xrai", split = ",",
            paramLabel = "M", description = "gradient, smoothgrad, integrated-gradients, grad-cam, xrai (comma-"
                    + "separated). Default: all five.")
    List<String> methods;

    @Option(names = "--target", defaultValue = "predicted", paramLabel = "T",
            description = "The class explained: predicted, label, a class index or a wnid. Default: predicted.")
    String target;

    @Option(names = "--weights", defaultValue = "auto", paramLabel = "W",
            description = "auto, final, best, last or ema, as in lowres eval. Default: auto.")
    String weights;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "SmoothGrad's noise seed.")
    long seed;

    @Option(names = "--scale", paramLabel = "N", description = "Pixels per stored pixel in the PNG. Default: to "
            + "about 128 px.")
    Integer scale;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.png", description = "The picture.")
    Path out;

    @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "CPU threads. Default: the cores.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter text = spec.commandLine().getOut();
        List<Method> chosen = new ArrayList<>();
        for (String m : methods) {
            chosen.add(Method.parse(m));
        }
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--out must name a .png file: " + out);
        }
        if (threads != null) {
            dev.lowres.train.engine.Torch.threads(threads);
        }
        RunInfo info = RunInfo.load(run);
        Path dir = data != null ? data : info.trainData();
        SplitView view = SplitView.open(dir, split, false);
        Manifest manifest = view.dataset().manifest();
        int index = record.index != null ? record.index : find(view.dataset(), split, record.key);
        if (index < 0 || index >= view.size()) {
            throw new IllegalArgumentException("--index must be in 0.." + (view.size() - 1) + ": " + index);
        }
        byte[] pixels = new byte[view.shape().bytesPerImage()];
        view.read(index, pixels, 0);
        List<String> wnids = info.wnids();
        int label = wnids.indexOf(manifest.classes().get(view.label(index)).wnid()); // -1: not a class of the run
        List<String> names = info.classes().stream().map(c -> c.name()).toList();
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.parse(weights), Device.cpu(), Precision.FP32,
                true)) {
            Explainer explainer = new Explainer(model);
            float[] probabilities = explainer.probabilities(pixels);
            int t = Explanation.target(target, probabilities, label, wnids);
            List<Attribution> all = new ArrayList<>();
            for (Method m : chosen) {
                all.add(explainer.explain(m, pixels, t, seed));
            }
            Explanation e = Explanation.of(t, wnids.get(t), label, Explanation.top5(probabilities, wnids, names), all);
            int c = view.shape().channels();
            int h = view.shape().height();
            int w = view.shape().width();
            int s = scale != null ? scale : Math.max(1, 128 / Math.max(h, w));
            if (s < 1 || s > 64) {
                throw new IllegalArgumentException("--scale must be in 1..64: " + s);
            }
            List<byte[]> pngs = new ArrayList<>();
            pngs.add(Heatmap.image(pixels, c, h, w, s));
            for (Attribution a : all) {
                pngs.add(Heatmap.overlay(pixels, c, h, w, a.map(), s));
            }
            java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
            AtomicFiles.write(out, Heatmap.row(pngs, 4));
            String json = out.getFileName().toString().replaceFirst("(?i)\\.png$", ".json");
            AtomicFiles.write(out.resolveSibling(json), Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(e));
            text.printf(Locale.ROOT, "record %d of %s (%s), label %s; explaining %s (p = %.3f)%n", index, split,
                    keyOf(view, index),
                    label < 0 ? "not a class of the run" : wnids.get(label) + " " + names.get(label),
                    wnids.get(t) + " " + names.get(t), probabilities[t]);
            text.printf(Locale.ROOT, "%-22s %9s %9s %9s%n", "method", "deletion", "insertion", "seconds");
            for (Attribution a : all) {
                text.printf(Locale.ROOT, "%-22s %9.4f %9.4f %9.3f%n", a.method().id(), a.faithfulness().deletionArea(),
                        a.faithfulness().insertionArea(), a.seconds());
            }
            text.printf("  -> %s, %s%n", out, out.resolveSibling(json));
        }
        return ExitCodes.OK;
    }

    /** The key of record {@code index}: its shard's keys file, read once. */
    static String keyOf(SplitView view, int index) throws java.io.IOException {
        SplitView.Location at = view.locate(index);
        return view.dataset().keys(at.shard()).get(at.offset());
    }

    /** The index of the record of {@code key} in {@code split}. */
    static int find(Dataset dataset, String split, String key) throws java.io.IOException,
            dev.lowres.data.store.DatasetException {
        int at = 0;
        for (Manifest.Shard shard : dataset.split(split).shards()) {
            List<String> keys = dataset.keys(shard);
            int i = keys.indexOf(key);
            if (i >= 0) {
                return at + i;
            }
            at += keys.size();
        }
        throw new IllegalArgumentException("no record of key '" + key + "' in split " + split);
    }
}
