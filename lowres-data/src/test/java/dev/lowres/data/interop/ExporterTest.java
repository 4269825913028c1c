package dev.lowres.data.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DatasetWriter;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.Npy;
import dev.lowres.data.testing.DatasetContents;
import dev.lowres.data.testing.Fixtures;
import dev.lowres.data.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npz exporter: layout, labels mapped back to clsloc by wnid, round trip through the importer, numpy. */
class ExporterTest {
    private static final int S = 8;
    private static final int ROW = 3 * S * S;

    @TempDir
    Path tmp;

    /** The 1000 ILSVRC classes in sorted-wnid order, built here from the class list. */
    private static List<ClassEntry> sortedImageNet() {
        ImageNetClasses imagenet = ImageNetClasses.get();
        List<String> wnids = new ArrayList<>(imagenet.wnidsInClslocOrder());
        Collections.sort(wnids);
        List<ClassEntry> classes = new ArrayList<>();
        for (int i = 0; i < wnids.size(); i++) {
            classes.add(new ClassEntry(i, wnids.get(i), imagenet.name(wnids.get(i)).orElseThrow()));
        }
        return classes;
    }

    /** Writes a dataset of random records; splits by name and record count, in order. */
    private static Path dataset(Path dir, List<ClassEntry> classes, int channels, Map<String, Integer> splits,
                                int shardSize, long seed) throws Exception {
        Random rnd = new Random(seed);
        Manifest.ImageShape shape = new Manifest.ImageShape(S, S, channels);
        DatasetWriter writer = new DatasetWriter(dir, shape, classes, shardSize);
        byte[] px = new byte[shape.bytesPerImage()];
        for (Map.Entry<String, Integer> e : splits.entrySet()) {
            writer.beginSplit(e.getKey(), e.getValue());
            for (int i = 0; i < e.getValue(); i++) {
                rnd.nextBytes(px);
                int label = i == 0 ? 0 : i == 1 ? classes.size() - 1 : rnd.nextInt(classes.size());
                writer.add(px, 0, label, "k" + i);
            }
            writer.endSplit();
        }
        writer.finish("test", "sorted", new Manifest.BuildInfo("test", null, "synthetic", null, null, Map.of(),
                List.of()));
        return dir;
    }

    private static Map<String, Integer> splits(int train, int val) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("train", train);
        m.put("val", val);
        return m;
    }

    private static long[] readLabels(Path npz) throws IOException {
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            byte[] all = zip.getInputStream(zip.getEntry("labels.npy")).readAllBytes();
            Npy.Header h = Npy.parse(ByteBuffer.wrap(all), npz.toString());
            assertEquals("<i8", h.descr());
            long[] out = new long[(int) h.count()];
            ByteBuffer.wrap(all, (int) h.dataOffset(), 8 * out.length).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
                    .get(out);
            return out;
        }
    }

    private static Map<String, Integer> clslocFromReference() throws IOException {
        Map<String, Integer> map = new HashMap<>();
        for (String line : Files.readAllLines(Fixtures.imagenetReference().resolve("map_clsloc.txt"))) {
            String[] p = line.trim().split("\\s+");
            if (p.length >= 3) {
                map.put(p[0], Integer.parseInt(p[1]));
            }
        }
        return map;
    }

    @Test
    void layoutStoredEntriesAndRoundTripThroughTheImporter() throws Exception {
        Path ds = dataset(tmp.resolve("ds"), sortedImageNet(), 3, splits(23, 7), 5, 1);
        Path out = tmp.resolve("npz");
        ExportResult result = Exporter.run(ExportOptions.of(ds, out).withTrainBatches(4));

        List<String> names = result.files().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("train_data_batch_1.npz", "train_data_batch_2.npz", "train_data_batch_3.npz",
                "train_data_batch_4.npz", "val_data.npz"), names);
        List<Long> batchSizes = new ArrayList<>();
        for (Path f : result.files()) {
            try (ZipFile zip = new ZipFile(f.toFile())) {
                List<String> entries = new ArrayList<>();
                for (ZipEntry e : Collections.list(zip.entries())) {
                    entries.add(e.getName());
                    assertEquals(ZipEntry.STORED, e.getMethod(), f + "!" + e.getName() + " is stored");
                }
                assertEquals(List.of("data.npy", "labels.npy", "mean.npy"), entries);
                byte[] head = zip.getInputStream(zip.getEntry("data.npy")).readNBytes(128);
                Npy.Header h = Npy.parse(ByteBuffer.wrap(head), f.toString());
                assertEquals("|u1", h.descr());
                assertEquals(ROW, h.shape()[1]);
                batchSizes.add(h.shape()[0]);
            }
        }
        assertEquals(List.of(5L, 6L, 6L, 6L, 7L), batchSizes, "23 records in 4 nearly equal consecutive batches");

        Path back = tmp.resolve("back");
        Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_NPZ, out, back).withShardSize(4));
        DatasetContents original = DatasetContents.read(ds);
        DatasetContents imported = DatasetContents.read(back);
        assertEquals(original.manifest().classes(), imported.manifest().classes());
        for (String split : List.of("train", "val")) {
            assertArrayEquals(original.split(split).pixels(), imported.split(split).pixels(), split + " pixels");
            assertArrayEquals(original.split(split).labels(), imported.split(split).labels(), split + " labels");
        }
        assertEquals("train_data_batch_2.npz#0", imported.split("train").keys().get(5));
    }

    @Test
    void labelsAreOneBasedClslocMappedByWnid() throws Exception {
        // three classes in an order of their own
        List<ClassEntry> classes = List.of(new ClassEntry(0, "n01440764", "tench"),
                new ClassEntry(1, "n02119789", "kit_fox"), new ClassEntry(2, "n15075141", "toilet_tissue"));
        Path ds = dataset(tmp.resolve("ds"), classes, 3, splits(9, 4), 100, 2);
        Path out = tmp.resolve("npz");
        Exporter.run(ExportOptions.of(ds, out).withTrainBatches(2));

        Map<String, Integer> clsloc = clslocFromReference();
        DatasetContents original = DatasetContents.read(ds);
        short[] train = original.split("train").labels();
        long[] exported = new long[train.length];
        long[] b1 = readLabels(out.resolve("train_data_batch_1.npz"));
        long[] b2 = readLabels(out.resolve("train_data_batch_2.npz"));
        System.arraycopy(b1, 0, exported, 0, b1.length);
        System.arraycopy(b2, 0, exported, b1.length, b2.length);
        for (int i = 0; i < train.length; i++) {
            assertEquals((long) clsloc.get(original.wnid(train[i])), exported[i], "record " + i);
        }
        assertEquals(449, exported[0], "tench is clsloc 449");

        // back into the imagenet32 order: same classes by wnid, record by record
        Path back = tmp.resolve("back");
        Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_NPZ, out, back).withClassOrder(ClassOrder.IMAGENET32));
        DatasetContents imported = DatasetContents.read(back);
        for (String split : List.of("train", "val")) {
            short[] a = original.split(split).labels();
            short[] b = imported.split(split).labels();
            for (int i = 0; i < a.length; i++) {
                assertEquals(original.wnid(a[i]), imported.wnid(b[i]), split + " record " + i);
            }
            assertArrayEquals(original.split(split).pixels(), imported.split(split).pixels());
        }
    }

    @Test
    void refusesWhatTheFormatCannotHold() throws Exception {
        Path foreign = dataset(tmp.resolve("foreign"), List.of(new ClassEntry(0, "n01440764", "tench"),
                new ClassEntry(1, "cat", "cat")), 3, splits(3, 1), 100, 3);
        DatasetException e = assertThrows(DatasetException.class,
                () -> Exporter.run(ExportOptions.of(foreign, tmp.resolve("o1"))));
        assertTrue(e.getMessage().contains("[cat]") && e.getMessage().contains("not ILSVRC"), e.getMessage());

        Path gray = dataset(tmp.resolve("gray"), sortedImageNet(), 1, splits(3, 1), 100, 4);
        DatasetException g = assertThrows(DatasetException.class,
                () -> Exporter.run(ExportOptions.of(gray, tmp.resolve("o2"))));
        assertTrue(g.getMessage().contains("1-channel"), g.getMessage());
    }

    @Test
    void existingBatchesNeedOverwriteWhichRemovesStaleOnes() throws Exception {
        Path ds = dataset(tmp.resolve("ds"), sortedImageNet(), 3, splits(12, 2), 100, 5);
        Path out = tmp.resolve("npz");
        Exporter.run(ExportOptions.of(ds, out).withTrainBatches(4));
        assertThrows(FileAlreadyExistsException.class,
                () -> Exporter.run(ExportOptions.of(ds, out).withTrainBatches(2)));

        Exporter.run(ExportOptions.of(ds, out).withTrainBatches(2).withOverwrite(true));
        assertFalse(Files.exists(out.resolve("train_data_batch_3.npz")), "a stale batch would join the train split");
        Path back = tmp.resolve("back");
        Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_NPZ, out, back));
        assertArrayEquals(DatasetContents.read(ds).split("train").pixels(),
                DatasetContents.read(back).split("train").pixels());
    }

    /** numpy reads the export and finds the dataset's shards, by its own reading of them. */
    private static final String CHECK = """
            import json, os, sys, zipfile
            import numpy as np
            ds, exp, map_clsloc = sys.argv[1:4]
            clsloc = {}
            for line in open(map_clsloc):
                p = line.split()
                if len(p) >= 3:
                    clsloc[p[0]] = int(p[1])
            m = json.load(open(os.path.join(ds, 'manifest.json')))
            wnids = [c['wnid'] for c in m['classes']]
            report = {'files': {}}
            for f in sorted(os.listdir(exp)):
                with zipfile.ZipFile(os.path.join(exp, f)) as zf:
                    stored = all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
                z = np.load(os.path.join(exp, f))
                report['files'][f] = {'stored': stored, 'arrays': sorted(z.files),
                    'data': [str(z['data'].dtype), list(z['data'].shape)],
                    'labels': [str(z['labels'].dtype), list(z['labels'].shape)],
                    'mean': [str(z['mean'].dtype), list(z['mean'].shape)],
                    'min_label': int(z['labels'].min()), 'max_label': int(z['labels'].max())}
            train_mean = np.load(os.path.join(ds, m['splits']['train']['mean_image']['file'])).reshape(-1)
            for split, info in m['splits'].items():
                x = np.concatenate([np.load(os.path.join(ds, s['images']), mmap_mode='r') for s in info['shards']])
                y = np.concatenate([np.load(os.path.join(ds, s['labels'])) for s in info['shards']])
                if split == 'train':
                    names = sorted((f for f in os.listdir(exp) if f.startswith('train_data_batch_')),
                                   key=lambda f: int(f[len('train_data_batch_'):-4]))
                else:
                    names = [split + '_data.npz']
                zs = [np.load(os.path.join(exp, n)) for n in names]
                data = np.concatenate([z['data'] for z in zs])
                labels = np.concatenate([z['labels'] for z in zs])
                report[split] = {
                    'data_equal': bool(np.array_equal(data, x.reshape(len(x), -1))),
                    'labels_equal': bool(np.array_equal(labels, [clsloc[wnids[l]] for l in y])),
                    'mean_equal': all(bool(np.array_equal(z['mean'], train_mean.astype(np.float64))) for z in zs)}
            print(json.dumps(report))
            """;

    @Test
    void numpyLoadsTheExport() throws Exception {
        String python = Python.requireNumpy();
        Path ds = dataset(tmp.resolve("ds"), sortedImageNet(), 3, splits(23, 7), 5, 6);
        Path out = tmp.resolve("npz");
        Exporter.run(ExportOptions.of(ds, out).withTrainBatches(3));

        JsonNode report = new ObjectMapper().readTree(Python.run(python, CHECK, ds.toString(), out.toString(),
                Fixtures.imagenetReference().resolve("map_clsloc.txt").toString()));
        JsonNode files = report.get("files");
        assertEquals(4, files.size(), files.toString());
        List<Integer> sizes = new ArrayList<>();
        for (String f : List.of("train_data_batch_1.npz", "train_data_batch_2.npz", "train_data_batch_3.npz",
                "val_data.npz")) {
            JsonNode r = files.get(f);
            assertTrue(r.get("stored").asBoolean(), f);
            assertEquals("[\"data\",\"labels\",\"mean\"]", r.get("arrays").toString(), f);
            assertEquals("uint8", r.get("data").get(0).asText(), f);
            assertEquals(ROW, r.get("data").get(1).get(1).asInt(), f);
            assertEquals("int64", r.get("labels").get(0).asText(), f);
            assertEquals("[\"float64\",[" + ROW + "]]", r.get("mean").toString(), f);
            assertTrue(r.get("min_label").asInt() >= 1 && r.get("max_label").asInt() <= 1000, "1-based: " + r);
            sizes.add(r.get("data").get(1).get(0).asInt());
        }
        assertEquals(List.of(7, 8, 8, 7), sizes);
        for (String split : List.of("train", "val")) {
            assertTrue(report.get(split).get("data_equal").asBoolean(), split + " data: " + report);
            assertTrue(report.get(split).get("labels_equal").asBoolean(), split + " labels: " + report);
            assertTrue(report.get(split).get("mean_equal").asBoolean(), split + " mean: " + report);
        }
    }
}
