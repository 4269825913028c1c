package dev.lowres.train.loop;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.DatasetWriter;
import dev.lowres.data.store.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A tiny learnable dataset: each class a colour and a stripe direction, plus noise. */
public final class TinyData {
    private TinyData() {
    }

    public static Path write(Path dir, int classes, int train, int val, int size) throws Exception {
        return write(dir, classes, train, val, size, false);
    }

    /**
     * The same data with its classes in the reverse order when {@code reversed}: label {@code l} is class
     * {@code c<classes-1-l>}, with that class's look, so that a network trained on either sees the same classes.
     */
    public static Path write(Path dir, int classes, int train, int val, int size, boolean reversed) throws Exception {
        List<ClassEntry> entries = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int look = reversed ? classes - 1 - c : c;
            entries.add(new ClassEntry(c, "c" + look, "class " + look));
        }
        Manifest.ImageShape shape = new Manifest.ImageShape(size, size, 3);
        DatasetWriter w = new DatasetWriter(dir, shape, entries, 64);
        SplittableRandom random = new SplittableRandom(5);
        byte[] img = new byte[shape.bytesPerImage()];
        for (String split : List.of("train", "val")) {
            int n = split.equals("train") ? train : val;
            w.beginSplit(split, n);
            for (int i = 0; i < n; i++) {
                int label = i % classes;
                int look = reversed ? classes - 1 - label : label;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            int stripe = ((look % 2 == 0 ? x : y) + look) % 3 == 0 ? 60 : 0;
                            int base = c == look % 3 ? 160 : 60;
                            img[c * size * size + y * size + x] = (byte) Math.min(255, base + stripe
                                    + random.nextInt(40));
                        }
                    }
                }
                w.add(img, 0, label, split + i);
            }
            w.endSplit();
        }
        w.finish("tiny", "source", null);
        return dir;
    }
}
