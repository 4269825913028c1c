package dev.lowres.data.load;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.DatasetWriter;
import dev.lowres.data.store.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small datasets whose pixels are a known function of (record, channel, y, x), for loader tests. */
public final class LoaderTestData {
    private LoaderTestData() {
    }

    /** The pixel value the test datasets store. */
    public static int pixel(int record, int c, int y, int x) {
        return (record * 7 + c * 50 + y * 3 + x * 11) & 0xFF;
    }

    /**
     * Writes a dataset of {@code records} images of {@code size} x {@code size} in {@code classes} classes
     * (record i has label i % classes), in shards of {@code shardSize}, with a train and a val split.
     */
    public static Path write(Path dir, int records, int size, int classes, int shardSize) throws Exception {
        List<ClassEntry> entries = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            entries.add(new ClassEntry(c, "class" + c, "class " + c));
        }
        Manifest.ImageShape shape = new Manifest.ImageShape(size, size, 3);
        DatasetWriter writer = new DatasetWriter(dir, shape, entries, shardSize);
        byte[] image = new byte[shape.bytesPerImage()];
        for (String split : List.of("train", "val")) {
            int n = split.equals("train") ? records : Math.max(1, records / 4);
            writer.beginSplit(split, n);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            image[c * size * size + y * size + x] = (byte) pixel(i, c, y, x);
                        }
                    }
                }
                writer.add(image, 0, i % classes, split + "#" + i);
            }
            writer.endSplit();
        }
        writer.finish("test", "source", null);
        return dir;
    }
}
