package dev.lowres.data.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.testing.DatasetContents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10/100 binary files written here in the published layout, imported and read back. */
class CifarImportTest {
    private static final int PIXELS = 3072;

    @TempDir
    Path tmp;

    /** Records written to one file: the label bytes and pixels exactly as in the file. */
    private record Written(byte[] pixels, int[] labels, List<String> keys) {
    }

    /** Writes {@code n} records with the given label byte count; returns what a reader should see. */
    private static Written writeBin(Path file, int n, int labelBytes, int classes, Random rnd, List<Integer> fixed)
            throws IOException {
        ByteArrayOutputStream fileBytes = new ByteArrayOutputStream();
        byte[] pixels = new byte[n * PIXELS];
        rnd.nextBytes(pixels);
        int[] labels = new int[n];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels[i] = i < fixed.size() ? fixed.get(i) : rnd.nextInt(classes);
            if (labelBytes == 2) {
                fileBytes.write(rnd.nextInt(20)); // coarse label, ignored
            }
            fileBytes.write(labels[i]);
            fileBytes.write(pixels, i * PIXELS, PIXELS);
            keys.add(file.getFileName() + "#" + i);
        }
        Files.write(file, fileBytes.toByteArray());
        return new Written(pixels, labels, keys);
    }

    private static Written concat(List<Written> parts) {
        ByteArrayOutputStream px = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Written w : parts) {
            px.writeBytes(w.pixels());
            for (int l : w.labels()) {
                labels.add(l);
            }
            keys.addAll(w.keys());
        }
        return new Written(px.toByteArray(), labels.stream().mapToInt(Integer::intValue).toArray(), keys);
    }

    private static void assertSplit(Written expected, DatasetContents.Split actual) {
        assertArrayEquals(expected.pixels(), actual.pixels(), "pixels in record order");
        int[] labels = new int[actual.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = actual.labels()[i];
        }
        assertArrayEquals(expected.labels(), labels, "labels");
        assertEquals(expected.keys(), actual.keys(), "keys");
    }

    /** A CIFAR-10 folder as written: its train split (five batches in order) and its test split. */
    private record Cifar10(Path dir, Written train, Written test) {
    }

    private static Cifar10 cifar10(Path dir, Random rnd, boolean meta) throws IOException {
        Files.createDirectories(dir);
        List<Written> train = new ArrayList<>();
        for (int b = 1; b <= 5; b++) {
            train.add(writeBin(dir.resolve("data_batch_" + b + ".bin"), 2 + b % 3, 1, 10, rnd,
                    b == 1 ? List.of(0, 9) : List.of()));
        }
        Written test = writeBin(dir.resolve("test_batch.bin"), 3, 1, 10, rnd, List.of(9));
        if (meta) {
            Files.writeString(dir.resolve("batches.meta.txt"),
                    "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n", StandardCharsets.UTF_8);
        }
        return new Cifar10(dir, concat(train), test);
    }

    @Test
    void cifar10PixelsLabelsKeysAndClassNamesFromMetaFile() throws Exception {
        Cifar10 written = cifar10(tmp.resolve("in"), new Random(10), true);
        Path dir = written.dir();
        Path out = tmp.resolve("out");
        AtomicLong total = new AtomicLong();
        AtomicLong done = new AtomicLong();
        ImportResult result = Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out).withShardSize(8),
                new ProgressListener() {
                    @Override
                    public void started(long t) {
                        total.set(t);
                    }

                    @Override
                    public void progressed(long n) {
                        done.addAndGet(n);
                    }
                });

        Written expectedTrain = written.train();
        assertEquals(List.of("train", "test"), List.copyOf(result.records().keySet()));
        assertEquals(expectedTrain.labels().length, result.records().get("train"));
        assertEquals(expectedTrain.labels().length + 3, total.get());
        assertEquals(total.get(), done.get(), "progress adds up to the total");

        DatasetContents ds = DatasetContents.read(out);
        assertEquals(new Manifest.ImageShape(32, 32, 3), ds.manifest().image());
        assertEquals("source", ds.manifest().classOrder());
        assertEquals("cifar10", ds.manifest().build().sourceLayout());
        List<ClassEntry> classes = ds.manifest().classes();
        assertEquals(10, classes.size());
        assertEquals(new ClassEntry(0, "plane", "plane"), classes.get(0));
        assertEquals(new ClassEntry(1, "car", "car"), classes.get(1));
        assertEquals(new ClassEntry(9, "truck", "truck"), classes.get(9));
        assertSplit(expectedTrain, ds.split("train"));
        assertSplit(written.test(), ds.split("test"));
        assertEquals("data_batch_1.bin#1", ds.split("train").keys().get(1));
        assertTrue(ds.manifest().splits().get("train").shards().size() > 1, "several shards of 8");
    }

    @Test
    void cifar100UsesFineLabelsAndStandardNamesWithoutMetaFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cifar-100-binary"));
        Random rnd = new Random(100);
        Written train = writeBin(dir.resolve("train.bin"), 9, 2, 100, rnd, List.of(0, 99, 42));
        Written test = writeBin(dir.resolve("test.bin"), 4, 2, 100, rnd, List.of(99));

        Path out = tmp.resolve("out");
        // the parent folder works too, as the archive unpacks
        Importer.run(ImportOptions.of(ImportFormat.CIFAR100, tmp, out));

        DatasetContents ds = DatasetContents.read(out);
        assertEquals(100, ds.manifest().classes().size());
        assertEquals("apple", ds.manifest().classes().get(0).name());
        assertEquals("worm", ds.manifest().classes().get(99).name());
        assertEquals("worm", ds.manifest().classes().get(99).wnid());
        assertSplit(train, ds.split("train"));
        assertSplit(test, ds.split("test"));
        assertEquals(99, ds.split("train").labels()[1]);
    }

    @Test
    void truncatedFileIsNamedAndNoManifestIsWritten() throws Exception {
        Path dir = cifar10(tmp.resolve("in"), new Random(1), true).dir();
        Path bad = dir.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(bytes, bytes.length - 100));
        Path out = tmp.resolve("out");

        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out)));
        assertTrue(e.getMessage().contains("data_batch_3.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    void missingFileAndLabelOutOfRangeAreClearErrors() throws Exception {
        Path dir = cifar10(tmp.resolve("in"), new Random(2), false).dir();
        Files.delete(dir.resolve("test_batch.bin"));
        Path out = tmp.resolve("out");
        SourceException missing = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out)));
        assertTrue(missing.getMessage().contains("test_batch.bin is missing"), missing.getMessage());

        writeBin(dir.resolve("test_batch.bin"), 3, 1, 10, new Random(3), List.of(1, 10));
        SourceException label = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out)));
        assertTrue(label.getMessage().contains("test_batch.bin") && label.getMessage().contains("label 10 of record 1"),
                label.getMessage());
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    void finishedDatasetIsKeptUnlessOverwrite() throws Exception {
        Path dir = cifar10(tmp.resolve("in"), new Random(4), true).dir();
        Path out = tmp.resolve("out");
        Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out).withShardSize(8));
        assertThrows(DatasetException.class, () -> Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out)));

        Importer.run(ImportOptions.of(ImportFormat.CIFAR10, dir, out).withOverwrite(true));
        DatasetContents ds = DatasetContents.read(out);
        assertEquals(1, ds.manifest().splits().get("train").shards().size(), "rewritten with the default shard size");
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("-of-00002")),
                    "the old dataset's shards are gone");
        }
    }
}
