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
        List<ClassEntry> entries = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            entries.add(new ClassEntry(c, "c" + c, "class " + c));
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
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            int stripe = ((label % 2 == 0 ? x : y) + label) % 3 == 0 ? 60 : 0;
                            int base = c == label % 3 ? 160 : 60;
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
