package dev.lowres.data.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.store.DatasetException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void write() throws Exception {
        data = LoaderTestData.write(dir.resolve("ds"), 250, 8, 5, 64);
    }

    static LoaderConfig.Builder config() {
        return LoaderConfig.builder().data(data).batchSize(32).seed(3);
    }

    /** Every batch of an epoch, copied: images bytes and labels. */
    static List<byte[]> epoch(LoaderConfig config, int epoch, int start) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Loader loader = Loader.open(config); Epoch e = loader.epoch(epoch, start)) {
            while (e.hasNext()) {
                Batch b = e.next();
                ByteBuffer images = b.images();
                ByteBuffer labels = b.labels();
                byte[] copy = new byte[images.remaining() + labels.remaining()];
                images.get(copy, 0, images.remaining());
                labels.get(copy, copy.length - labels.remaining(), labels.remaining());
                out.add(copy);
            }
        }
        return out;
    }

    @Test
    void batchesAreByteIdenticalForAnyThreadCountAndResumeExactly() throws Exception {
        LoaderConfig one = config().threads(1).augment("paper").build();
        LoaderConfig four = config().threads(4).prefetch(3).augment("paper").build();
        List<byte[]> a = epoch(one, 2, 0);
        List<byte[]> b = epoch(four, 2, 0);
        assertEquals(8, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch " + i);
        }
        List<byte[]> resumed = epoch(four, 2, 5);
        assertEquals(3, resumed.size());
        for (int i = 0; i < resumed.size(); i++) {
            assertArrayEquals(a.get(5 + i), resumed.get(i), "resumed batch " + (5 + i));
        }
        List<byte[]> otherEpoch = epoch(one, 3, 0);
        assertNotEquals(Arrays.toString(a.get(0)), Arrays.toString(otherEpoch.get(0)), "epochs differ");
    }

    @Test
    void mirrorCopiesHoldEveryRecordAsItIsAndMirrored() throws Exception {
        // 250 records of 8x8: sequential uint8 batches of 50, without and with the mirrored copies
        LoaderConfig plain = config().batchSize(50).order(EpochOrder.SEQUENTIAL).output(LoaderConfig.Output.UINT8)
                .build();
        LoaderConfig mirrored = config().batchSize(50).order(EpochOrder.SEQUENTIAL).output(LoaderConfig.Output.UINT8)
                .mirrorCopies(true).build();
        try (Loader a = Loader.open(plain); Loader b = Loader.open(mirrored)) {
            assertEquals(5, a.batchesPerEpoch());
            assertEquals(10, b.batchesPerEpoch(), "an epoch is every record and its mirror");
            assertEquals(500, b.recordsPerEpoch());
        }
        List<byte[]> p = epoch(plain, 0, 0);
        List<byte[]> m = epoch(mirrored, 0, 0);
        int image = 3 * 8 * 8;
        for (int batch = 0; batch < 5; batch++) {
            assertArrayEquals(p.get(batch), m.get(batch), "the first half is the records as they are");
            byte[] original = p.get(batch);
            byte[] mirror = m.get(5 + batch);
            for (int k = 0; k < 50; k++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            int at = k * image + c * 64 + y * 8;
                            assertEquals(original[at + x], mirror[at + 7 - x], "record " + (50 * batch + k));
                        }
                    }
                }
            }
            // the labels (after the images) are the same records'
            assertArrayEquals(Arrays.copyOfRange(original, 50 * image, original.length),
                    Arrays.copyOfRange(mirror, 50 * image, mirror.length));
        }
    }

    @Test
    void sequentialUint8BatchesAreTheRecordsThemselves() throws Exception {
        LoaderConfig c = config().order(EpochOrder.SEQUENTIAL).output(LoaderConfig.Output.UINT8).build();
        try (Loader loader = Loader.open(c); Epoch e = loader.epoch(0)) {
            int seen = 0;
            while (e.hasNext()) {
                Batch b = e.next();
                ByteBuffer images = b.images();
                for (int j = 0; j < b.size(); j++) {
                    int record = seen + j;
                    assertEquals(record, b.record(j));
                    assertEquals(record % 5, b.label(j));
                    for (int i = 0; i < 3 * 64; i++) {
                        int ch = i / 64;
                        int y = (i % 64) / 8;
                        int x = i % 8;
                        assertEquals(LoaderTestData.pixel(record, ch, y, x), images.get(j * 192 + i) & 0xFF);
                    }
                }
                seen += b.size();
            }
            assertEquals(250, seen, "the last partial batch is kept");
        }
    }

    @Test
    void padCropAndFlipMatchPaddingThenCroppingAndNormalisationIsPerChannel() throws Exception {
        LoaderConfig c = config().order(EpochOrder.SEQUENTIAL).augment("pad-crop(3, fill=black), flip")
                .normalization(Normalization.UNIT).build();
        LoaderConfig plain = config().order(EpochOrder.SEQUENTIAL).normalization(Normalization.UNIT).build();
        int changed = 0;
        try (Loader loader = Loader.open(c); Epoch e = loader.epoch(1)) {
            Batch b = e.next();
            FloatBuffer f = b.images().asFloatBuffer();
            for (int j = 0; j < b.size(); j++) {
                int record = b.record(j);
                // replay the generator: the same draws the operations made
                java.util.SplittableRandom r = Seeds.random(3, 1, record, Seeds.SAMPLE);
                int dy = r.nextInt(7) - 3;
                int dx = r.nextInt(7) - 3;
                boolean flip = r.nextDouble() < 0.5;
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            int cx = flip ? 7 - x : x;          // flip after crop
                            int sy = y + dy;
                            int sx = cx + dx;
                            float expected = sy < 0 || sy >= 8 || sx < 0 || sx >= 8 ? 0f
                                    : LoaderTestData.pixel(record, ch, sy, sx) / 255f;
                            assertEquals(expected, f.get(j * 192 + ch * 64 + y * 8 + x), 1e-6,
                                    "record " + record + " c" + ch + " (" + y + "," + x + ")");
                        }
                    }
                }
                changed += dy != 0 || dx != 0 || flip ? 1 : 0;
            }
        }
        assertTrue(changed > 20, "most records are shifted or flipped");
        try (Loader loader = Loader.open(config().order(EpochOrder.SEQUENTIAL).build()); Epoch e = loader.epoch(0)) {
            Batch b = e.next();
            double[] mean = loader.view().dataset().manifest().splits().get("train").mean();
            double[] std = loader.view().dataset().manifest().splits().get("train").std();
            float v = b.images().asFloatBuffer().get(64 + 9);
            assertEquals((LoaderTestData.pixel(0, 1, 1, 1) - mean[1]) / std[1], v, 1e-5);
        }
    }

    @Test
    void everyRankSeesItsShareAndTogetherEveryRecordOnce() throws Exception {
        Set<Integer> all = new HashSet<>();
        int total = 0;
        for (int rank = 0; rank < 3; rank++) {
            try (Loader loader = Loader.open(config().shard(rank, 3).batchSize(16).build());
                 Epoch e = loader.epoch(4)) {
                while (e.hasNext()) {
                    Batch b = e.next();
                    for (int j = 0; j < b.size(); j++) {
                        all.add(b.record(j));
                        total++;
                    }
                }
            }
        }
        assertEquals(250, total);
        assertEquals(250, all.size());
        try (Loader loader = Loader.open(config().dropLast(true).build())) {
            assertEquals(7, loader.batchesPerEpoch());
            assertEquals(224, loader.recordsPerEpoch());
        }
    }

    @Test
    void ordersArePermutationsAndQuasiRandomReadsRegionsTogether() {
        for (EpochOrder order : EpochOrder.values()) {
            int[] idx = order.indices(100_000, 9, 1, 12288);
            int[] sorted = idx.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i], order + " is a permutation");
            }
        }
        int[] quasi = EpochOrder.QUASI_RANDOM.indices(100_000, 9, 1, 12288);
        int region = EpochOrder.REGION_BYTES / 12288;
        int window = region * EpochOrder.WINDOW_REGIONS;
        Set<Integer> regions = new HashSet<>();
        for (int i = 0; i < window; i++) {
            regions.add(quasi[i] / region);
        }
        assertEquals(EpochOrder.WINDOW_REGIONS, regions.size(), "a window touches exactly its regions");
        assertNotEquals(Arrays.toString(Arrays.copyOf(quasi, 50)),
                Arrays.toString(Arrays.copyOf(EpochOrder.QUASI_RANDOM.indices(100_000, 9, 2, 12288), 50)));
    }

    @Test
    void closingTheLoaderStopsItsThreads() throws Exception {
        Loader loader = Loader.open(config().threads(3).prefetch(2).build());
        Epoch epoch = loader.epoch(0);
        epoch.next();
        Thread.sleep(200);
        assertTrue(liveLoaderThreads() > 0, "workers run while the epoch is open");
        loader.close();
        assertEquals(0, liveLoaderThreads(), "closing the loader stops every worker");
        assertThrows(java.util.NoSuchElementException.class, epoch::next);
    }

    private static long liveLoaderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lowres-load-") && t.isAlive()).count();
    }

    @Test
    void clearErrors() throws Exception {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> Loader.open(config().batchSize(251).build()));
        assertTrue(big.getMessage().contains("larger than the 250 records"), big.getMessage());
        IllegalArgumentException spec = assertThrows(IllegalArgumentException.class,
                () -> Loader.open(config().augment("pad-crop(4), flop").build()));
        assertTrue(spec.getMessage().contains("unknown operation 'flop'") && spec.getMessage().contains("flip"),
                spec.getMessage());
        IllegalArgumentException param = assertThrows(IllegalArgumentException.class,
                () -> Loader.open(config().augment("pad-crop(size=4)").build()));
        assertTrue(param.getMessage().contains("has no parameter 'size'"), param.getMessage());
        Path unfinished = Files.createDirectories(dir.resolve("unfinished/.lowres-build"));
        DatasetException noManifest = assertThrows(DatasetException.class,
                () -> Loader.open(LoaderConfig.builder().data(unfinished.getParent()).batchSize(4).build()));
        assertTrue(noManifest.getMessage().contains("unfinished build"), noManifest.getMessage());

        Path corrupt = LoaderTestData.write(dir.resolve("corrupt"), 40, 8, 2, 16);
        Path shard = corrupt.resolve("train-00001-of-00003.images.npy");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 1] ^= 1;
        Files.write(shard, bytes);
        DatasetException mismatch = assertThrows(DatasetException.class,
                () -> Loader.open(LoaderConfig.builder().data(corrupt).batchSize(4).verify(true).build()));
        assertTrue(mismatch.getMessage().contains("train-00001-of-00003.images.npy: checksum mismatch"),
                mismatch.getMessage());
    }
}
