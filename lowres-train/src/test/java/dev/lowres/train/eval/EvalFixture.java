package dev.lowres.train.eval;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetWriter;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.loop.RunOptions;
import dev.lowres.train.loop.TinyData;
import dev.lowres.train.loop.TrainListener;
import dev.lowres.train.loop.TrainingRun;
import dev.lowres.train.recipe.Recipes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny dataset and a run trained on it, shared by the evaluation tests. */
final class EvalFixture {
    private EvalFixture() {
    }

    static Path data(Path dir) throws Exception {
        return TinyData.write(dir, 4, 160, 40, 8);
    }

    static Path train(Path data, Path out, String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("model=wrn-12-1", "epochs=2", "batch_size=16",
                "schedule.kind=cosine", "schedule.lr=0.05", "log_every_steps=5", "data.augment=flip", "data.threads=2",
                "data.mirror_copies=false"));
        all.addAll(List.of(overrides));
        new TrainingRun(RunOptions.cpu(data, out, Recipes.resolve("imagenet32-paper", all), false, List.of("test")),
                new TrainListener() { }).run();
        return out;
    }

    /**
     * A copy of {@code data}'s val split whose classes are listed in reverse order (labels rewritten to match),
     * optionally with one extra class holding records.
     */
    static Path reversedClasses(Path data, Path out, boolean extraClass) throws Exception {
        Dataset d = Dataset.open(data);
        List<ClassEntry> classes = d.manifest().classes();
        int k = classes.size();
        List<ClassEntry> reversed = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ClassEntry c = classes.get(k - 1 - i);
            reversed.add(new ClassEntry(i, c.wnid(), c.name()));
        }
        if (extraClass) {
            reversed.add(new ClassEntry(k, "n99999999", "unknown thing"));
        }
        Manifest.ImageShape shape = d.manifest().image();
        DatasetWriter w = new DatasetWriter(out, shape, reversed, 64);
        try (Loader l = Loader.open(LoaderConfig.builder().data(data).split("val").batchSize(1)
                .order(EpochOrder.SEQUENTIAL).output(LoaderConfig.Output.UINT8).threads(1).build());
             Epoch e = l.epoch(0)) {
            w.beginSplit("val", (int) l.view().size() + (extraClass ? 1 : 0));
            byte[] img = new byte[shape.bytesPerImage()];
            int i = 0;
            while (e.hasNext()) {
                Batch b = e.next();
                b.images().get(img);
                w.add(img, 0, k - 1 - b.label(0), "val/" + i++);
            }
            if (extraClass) {
                w.add(img, 0, k, "val/extra");
            }
            w.endSplit();
        }
        w.finish("reversed", "test", null);
        return out;
    }
}
