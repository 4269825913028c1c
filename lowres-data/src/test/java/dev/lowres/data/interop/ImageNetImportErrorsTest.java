package dev.lowres.data.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Npy;
import dev.lowres.data.testing.DatasetContents;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ImageNet npz importer on batches written here (deflated zips of npy arrays, as numpy's
 * {@code savez_compressed}): label remapping by wnid, and bad inputs. Real numpy files are tested in
 * {@link ImageNetNumpyFilesTest}.
 */
class ImageNetImportErrorsTest {
    private static final String TENCH = "n01440764";
    private static final String KIT_FOX = "n02119789";

    @TempDir
    Path tmp;

    /** Writes an npz of {@code data} (uint8 (n, row)) and {@code labels} (int64). */
    static void npz(Path file, byte[] data, int row, long[] labels) throws IOException {
        try (OutputStream f = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(f)) {
            zip.putNextEntry(new ZipEntry("data.npy"));
            zip.write(Npy.header("|u1", data.length / row, row));
            zip.write(data);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("labels.npy"));
            zip.write(Npy.header("<i8", labels.length));
            ByteBuffer b = ByteBuffer.allocate(8 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long l : labels) {
                b.putLong(l);
            }
            zip.write(b.array());
            zip.closeEntry();
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path validFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        npz(dir.resolve("train_data_batch_1.npz"), random(3 * 192, 1), 192, new long[] {449, 1, 1000});
        npz(dir.resolve("train_data_batch_2.npz"), random(2 * 192, 2), 192, new long[] {2, 449});
        npz(dir.resolve("val_data.npz"), random(2 * 192, 3), 192, new long[] {1, 449});
        return dir;
    }

    @Test
    void labelsAreRemappedByWnidIntoEitherOrder() throws Exception {
        Path dir = validFolder();
        Path sorted = tmp.resolve("sorted");
        Path clsloc = tmp.resolve("clsloc");
        Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_NPZ, dir, sorted).withShardSize(2));
        Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_NPZ, dir, clsloc).withClassOrder(ClassOrder.IMAGENET32));

        DatasetContents s = DatasetContents.read(sorted);
        DatasetContents c = DatasetContents.read(clsloc);
        assertEquals("sorted", s.manifest().classOrder());
        assertEquals("imagenet32", c.manifest().classOrder());
        assertEquals(1000, s.manifest().classes().size());
        assertEquals(TENCH, s.wnid(0));
        assertEquals("tench", s.manifest().classes().get(0).name());
        assertEquals(KIT_FOX, c.wnid(0));
        assertEquals("kit_fox", c.manifest().classes().get(0).name());

        // clsloc 449 is tench: sorted index 0, imagenet32 index 448; clsloc 1 is kit_fox: imagenet32 index 0
        short[] sl = s.split("train").labels();
        short[] cl = c.split("train").labels();
        assertEquals(0, sl[0]);
        assertEquals(448, cl[0]);
        assertEquals(KIT_FOX, s.wnid(sl[1]));
        assertEquals(0, cl[1]);
        assertEquals(999, cl[2]);
        for (int i = 0; i < sl.length; i++) {
            assertEquals(s.wnid(sl[i]), c.wnid(cl[i]), "same class by wnid at " + i);
        }
        byte[] expected = new byte[5 * 192];
        System.arraycopy(random(3 * 192, 1), 0, expected, 0, 3 * 192);
        System.arraycopy(random(2 * 192, 2), 0, expected, 3 * 192, 2 * 192);
        assertArrayEquals(expected, s.split("train").pixels());
        assertEquals(List.of("train_data_batch_1.npz#0", "train_data_batch_1.npz#1", "train_data_batch_1.npz#2",
                "train_data_batch_2.npz#0", "train_data_batch_2.npz#1"), s.split("train").keys());
        assertArrayEquals(random(2 * 192, 3), s.split("val").pixels());
        assertEquals("imagenet32-npz", s.manifest().build().sourceLayout());
    }

    private SourceException fails(ImportFormat format, Path dir) {
        Path out = tmp.resolve("out");
        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(format, dir, out).withShardSize(1)));
        assertFalse(Files.exists(out.resolve("manifest.json")), "no manifest after: " + e.getMessage());
        return e;
    }

    @Test
    void gapInBatchNumbersNamesTheMissingFile() throws Exception {
        Path dir = validFolder();
        Files.move(dir.resolve("train_data_batch_2.npz"), dir.resolve("train_data_batch_3.npz"));
        SourceException e = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(e.getMessage().contains("train_data_batch_2.npz is missing"), e.getMessage());
    }

    @Test
    void labelOutsideOneToThousandNamesFileAndRow() throws Exception {
        Path dir = validFolder();
        npz(dir.resolve("train_data_batch_2.npz"), random(3 * 192, 2), 192, new long[] {5, 6, 0});
        SourceException zero = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(zero.getMessage().contains("train_data_batch_2.npz: label 0 at row 2"), zero.getMessage());

        npz(dir.resolve("train_data_batch_2.npz"), random(3 * 192, 2), 192, new long[] {1001, 6, 7});
        SourceException high = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(high.getMessage().contains("train_data_batch_2.npz: label 1001 at row 0"), high.getMessage());
    }

    @Test
    void wrongRowLengthIsNamed() throws Exception {
        Path dir = validFolder();
        npz(dir.resolve("val_data.npz"), random(2 * 100, 2), 100, new long[] {1, 2});
        SourceException e = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(e.getMessage().contains("val_data.npz: rows of 100 bytes"), e.getMessage());

        // a valid size that disagrees with the other files
        npz(dir.resolve("val_data.npz"), random(2 * 768, 2), 768, new long[] {1, 2});
        SourceException other = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(other.getMessage().contains("val_data.npz: rows of 768 bytes, but train_data_batch_1.npz has rows of 192"),
                other.getMessage());
    }

    @Test
    void labelCountMismatchIsNamed() throws Exception {
        Path dir = validFolder();
        npz(dir.resolve("train_data_batch_1.npz"), random(3 * 192, 2), 192, new long[] {1, 2});
        SourceException e = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(e.getMessage().contains("train_data_batch_1.npz: 2 labels for 3 rows"), e.getMessage());
    }

    @Test
    void truncatedNpzIsNamed() throws Exception {
        Path dir = validFolder();
        Path file = dir.resolve("train_data_batch_2.npz");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        SourceException e = fails(ImportFormat.IMAGENET32_NPZ, dir);
        assertTrue(e.getMessage().contains("train_data_batch_2.npz"), e.getMessage());
    }

    @Test
    void emptyOrWrongFolderSaysWhatItExpects() throws Exception {
        Path dir = validFolder();
        SourceException e = fails(ImportFormat.IMAGENET32_PICKLE, dir);
        assertTrue(e.getMessage().contains("use --format imagenet32-npz"), e.getMessage());
        SourceException none = fails(ImportFormat.IMAGENET32_NPZ, Files.createDirectories(tmp.resolve("empty")));
        assertTrue(none.getMessage().contains("has no train_data_batch_N.npz or val_data.npz files"), none.getMessage());
    }
}
