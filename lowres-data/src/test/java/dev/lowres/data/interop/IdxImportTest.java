package dev.lowres.data.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.testing.DatasetContents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX (MNIST-style) files written here, plain and gzipped, imported and read back. */
class IdxImportTest {
    private static final int ROWS = 28;
    private static final int COLS = 28;

    @TempDir
    Path tmp;

    /** One split's images and labels as written. */
    private record Written(byte[] images, byte[] labels) {
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big endian
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    private static void write(Path file, byte[] content, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(file, content);
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(buf)) {
            out.write(content);
        }
        Files.write(file, buf.toByteArray());
    }

    private static Written split(Path dir, String prefix, int n, Random rnd, boolean gzip) throws IOException {
        byte[] images = new byte[n * ROWS * COLS];
        rnd.nextBytes(images);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i == 0 ? 9 : rnd.nextInt(10));
        }
        String gz = gzip ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + gz), idx(0x803, new int[] {n, ROWS, COLS}, images), gzip);
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + gz), idx(0x801, new int[] {n}, labels), gzip);
        return new Written(images, labels);
    }

    private static void assertSplit(Written expected, DatasetContents.Split actual, String imagesFile) {
        assertArrayEquals(expected.images(), actual.pixels());
        byte[] labels = new byte[actual.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) actual.labels()[i];
        }
        assertArrayEquals(expected.labels(), labels);
        assertEquals(imagesFile + "#0", actual.keys().get(0));
        assertEquals(imagesFile + "#" + (actual.count() - 1), actual.keys().get(actual.count() - 1));
    }

    @Test
    void plainFilesBecomeOneChannelRecordsWithDigitClasses() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mnist"));
        Written train = split(dir, "train", 11, new Random(1), false);
        Written test = split(dir, "t10k", 5, new Random(2), false);
        Path out = tmp.resolve("out");

        ImportResult result = Importer.run(ImportOptions.of(ImportFormat.parse("mnist"), dir, out).withShardSize(4));

        assertEquals(16, result.totalRecords());
        DatasetContents ds = DatasetContents.read(out);
        assertEquals(new Manifest.ImageShape(28, 28, 1), ds.manifest().image());
        assertEquals(List.of("train", "test"), List.copyOf(ds.splits().keySet()));
        assertEquals(new ClassEntry(0, "0", "0"), ds.manifest().classes().get(0));
        assertEquals(new ClassEntry(9, "9", "9"), ds.manifest().classes().get(9));
        assertEquals("idx", ds.manifest().build().sourceLayout());
        assertSplit(train, ds.split("train"), "train-images-idx3-ubyte");
        assertSplit(test, ds.split("test"), "t10k-images-idx3-ubyte");
    }

    @Test
    void gzippedFilesWithFashionMnistNames() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("fashion"));
        Written train = split(dir, "train", 7, new Random(3), true);
        Written test = split(dir, "t10k", 3, new Random(4), true);
        Path out = tmp.resolve("out");

        Importer.run(ImportOptions.of(ImportFormat.parse("fashion-mnist"), dir, out));

        DatasetContents ds = DatasetContents.read(out);
        assertEquals(StandardClassNames.FASHION_MNIST,
                ds.manifest().classes().stream().map(ClassEntry::name).toList());
        assertEquals("Ankle boot", ds.manifest().classes().get(9).wnid());
        assertSplit(train, ds.split("train"), "train-images-idx3-ubyte.gz");
        assertSplit(test, ds.split("test"), "t10k-images-idx3-ubyte.gz");
    }

    @Test
    void classNamesOption() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        split(dir, "train", 3, new Random(5), false);
        split(dir, "t10k", 2, new Random(6), true);
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        Path out = tmp.resolve("out");
        Importer.run(ImportOptions.of(ImportFormat.IDX, dir, out).withClassNames(names));
        assertEquals(names, DatasetContents.read(out).manifest().classes().stream().map(ClassEntry::wnid).toList());

        // a label without a name is an error naming the labels file
        Path out2 = tmp.resolve("out2");
        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IDX, dir, out2).withClassNames(List.of("x", "y"))));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
        assertFalse(Files.exists(out2.resolve("manifest.json")));
        assertThrows(IllegalArgumentException.class,
                () -> ImportOptions.of(ImportFormat.CIFAR10, dir, out2).withClassNames(names));
    }

    @Test
    void badMagicIsNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        split(dir, "train", 3, new Random(7), false);
        split(dir, "t10k", 2, new Random(8), false);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[3] = 0x03; // 0x803: an images magic where a labels file belongs
        Files.write(labels, bytes);
        Path out = tmp.resolve("out");

        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IDX, dir, out)));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803") && e.getMessage().contains("0x00000801"), e.getMessage());
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    void countMismatchIsNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        split(dir, "train", 4, new Random(9), false);
        split(dir, "t10k", 2, new Random(10), false);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {3}, new byte[] {1, 2, 3}));
        Path out = tmp.resolve("out");

        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IDX, dir, out)));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte holds 4 images but train-labels-idx1-ubyte holds 3"),
                e.getMessage());
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    void truncatedPlainAndGzippedFilesAreNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        split(dir, "train", 4, new Random(11), false);
        split(dir, "t10k", 3, new Random(12), true);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, bytes.length - 10));
        Path out = tmp.resolve("out");
        SourceException plain = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IDX, dir, out)));
        assertTrue(plain.getMessage().contains("train-images-idx3-ubyte is truncated"), plain.getMessage());

        Files.write(images, bytes);
        // a gzip stream that declares 3 images and holds 2
        byte[] short2 = new byte[2 * ROWS * COLS];
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), idx(0x803, new int[] {3, ROWS, COLS}, short2), true);
        SourceException gz = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IDX, dir, out)));
        assertTrue(gz.getMessage().contains("t10k-images-idx3-ubyte.gz is truncated"), gz.getMessage());
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    void missingFileIsNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        split(dir, "train", 2, new Random(13), false);
        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IDX, dir, tmp.resolve("out"))));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte is missing"), e.getMessage());
    }
}
