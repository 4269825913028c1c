package dev.lowres.data.bench;

import dev.lowres.data.Version;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DatasetWriter;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * A dataset of synthetic pixels written straight to the dataset format, for loader and disk benchmarks
 * that need more records than decoding JPEGs would produce in reasonable time (e.g. a 64 px train split
 * larger than memory).
 */
public final class SyntheticArrays {
    private SyntheticArrays() {
    }

    /** Writes {@code records} train records of {@code size} x {@code size} in {@code classes} classes. */
    public static Manifest write(Path dir, long records, int size, int classes, int shardSize, LongConsumer progress)
            throws IOException, DatasetException {
        List<ClassEntry> entries = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            entries.add(new ClassEntry(c, String.format("c%04d", c), "synthetic class " + c));
        }
        Manifest.ImageShape shape = new Manifest.ImageShape(size, size, 3);
        DatasetWriter writer = new DatasetWriter(dir, shape, entries, shardSize);
        byte[] image = new byte[shape.bytesPerImage()];
        SplittableRandom random = new SplittableRandom(1);
        writer.beginSplit("train", records);
        for (long i = 0; i < records; i++) {
            // smooth colour fields plus noise: arbitrary, cheap to make
            int base = random.nextInt(256);
            for (int j = 0; j < image.length; j += 8) {
                long bits = random.nextLong();
                for (int k = 0; k < 8 && j + k < image.length; k++) {
                    image[j + k] = (byte) (base + (j >> 6) + ((bits >>> (8 * k)) & 0x1F));
                }
            }
            writer.add(image, 0, (int) (i % classes), "synthetic#" + i);
            if ((i & 1023) == 1023) {
                progress.accept(1024);
            }
        }
        writer.endSplit();
        progress.accept(records & 1023);
        return writer.finish(dir.getFileName().toString(), "source", new Manifest.BuildInfo(Version.TOOL,
                "synthetic pixels", "synthetic-arrays", null, null, Map.of("records", records), List.of()));
    }
}
