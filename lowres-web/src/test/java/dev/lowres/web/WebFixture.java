package dev.lowres.web;

import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.synth.SynthOptions;
import dev.lowres.data.synth.SyntheticImageNet;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.eval.Evaluation;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.loop.RunOptions;
import dev.lowres.train.loop.TinyData;
import dev.lowres.train.loop.TrainListener;
import dev.lowres.train.loop.TrainingRun;
import dev.lowres.train.recipe.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A served root as a user would have one: a dataset built from a synthetic ImageNet tree (with the broken
 * files the builder skips), a tiny learnable dataset, a run trained on it and an evaluation of the run with
 * multi-labels (so its predictions say what they accept).
 * <pre>
 * root/datasets/synth     10 classes, 32 px, 3 inputs skipped
 * root/datasets/tiny      4 classes, 8 px, 160 train / 40 val
 * root/runs/r1            wrn-8-1, 2 epochs on tiny at a rate too low to learn it all (so it makes mistakes)
 * root/runs/r1/eval/tiny-val
 * root/runs/r2            wrn-10-1, 1 epoch on synth (a run on a built dataset, for predictions from source files)
 * </pre>
 */
public final class WebFixture {
    public final Path root;
    public final Path synth;
    public final Path tiny;
    public final Path run;
    public final Path eval;
    public final Path synthRun;
    public final Path tree;

    private WebFixture(Path root) {
        this.root = root;
        this.synth = root.resolve("datasets/synth");
        this.tiny = root.resolve("datasets/tiny");
        this.run = root.resolve("runs/r1");
        this.eval = run.resolve("eval/tiny-val");
        this.synthRun = root.resolve("runs/r2");
        this.tree = root.resolve("sources/tree");
    }

    public static WebFixture create(Path root) throws Exception {
        WebFixture f = new WebFixture(root);
        Path tree = f.tree;
        SyntheticImageNet.write(tree, SynthOptions.defaults().withPerClass(12, 4).withSides(64, 160).withThreads(2), null);
        DatasetBuilder.build(BuildOptions.builder().input(tree).output(f.synth).sizes(List.of(32)).threads(2).build(),
                BuildListener.NONE);
        TinyData.write(f.tiny, 4, 160, 40, 8);
        new TrainingRun(RunOptions.cpu(f.tiny, f.run, Recipes.resolve("imagenet32-paper", List.of("model=wrn-8-1",
                "epochs=2", "batch_size=16", "schedule.kind=cosine", "schedule.lr=0.002", "log_every_steps=5",
                "data.augment=flip", "data.threads=2", "data.mirror_copies=false")), false, List.of("test")),
                new TrainListener() { }).run();
        new TrainingRun(RunOptions.cpu(f.synth, f.synthRun, Recipes.resolve("imagenet32-paper", List.of(
                "model=wrn-10-1", "epochs=1", "batch_size=32", "data.augment=flip", "data.threads=2",
                "data.mirror_copies=false")), false, List.of("test")), new TrainListener() { }).run();
        // every record of class c0 is also accepted as c1
        StringBuilder labels = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            labels.append(i == 0 ? "" : ",").append("\"val").append(i).append("\": [\"c").append(i % 4).append('"')
                    .append(i % 4 == 0 ? ", \"c1\"" : "").append(']');
        }
        Path file = Files.writeString(root.resolve("sources/labels.json"), labels + "}");
        Evaluation.run(new Evaluation.Options(f.run, RunInfo.Weights.AUTO, f.tiny, "val", f.eval, 16, false, null, file,
                List.of(), 0, null, false, 48, 0, 2, List.of("lowres", "eval")), Device.cpu(), Precision.FP32, true,
                new Evaluation.Listener() { });
        long wrong = Files.readAllLines(f.eval.resolve("predictions.jsonl")).stream()
                .map(l -> l.replaceAll(".*\"label\":(\\d+),\"top5\":\\[(\\d+).*", "$1 $2"))
                .filter(l -> !l.split(" ")[0].equals(l.split(" ")[1])).count();
        if (wrong < 3) {
            throw new IllegalStateException("the fixture's run made " + wrong + " mistakes; the tests need some");
        }
        return f;
    }
}
