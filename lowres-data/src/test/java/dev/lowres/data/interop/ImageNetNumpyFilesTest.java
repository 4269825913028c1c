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
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.testing.DatasetContents;
import dev.lowres.data.testing.Fixtures;
import dev.lowres.data.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ImageNet importers on batches made by real Python and numpy: pickles of protocols 2, 4 and 5 with
 * labels as a list, an int64 array or numpy scalars, and npz from {@code savez} and
 * {@code savez_compressed} with int64, int32 and int16 labels. The expected class of every record is the
 * wnid Python reads from the Imagenet32_Scripts' {@code map_clsloc.txt} (a test resource,
 * {@link Fixtures#imagenetReference()}), not lowres's own table. Skipped when no Python with numpy is found.
 */
class ImageNetNumpyFilesTest {
    /** Writes the variants and {@code expected.json} + {@code <split>.bin} into argv[1]. */
    private static final String GENERATE = """
            import json, os, pickle, sys
            import numpy as np
            out, map_clsloc = sys.argv[1], sys.argv[2]
            wnid_of = {}
            for line in open(map_clsloc):
                p = line.split()
                if len(p) >= 3:
                    wnid_of[int(p[1])] = p[0]
            S = 8
            rng = np.random.RandomState(0)
            counts = [3 + (7 * i) % 4 for i in range(10)]    # batches 1..10
            train_x = [rng.randint(0, 256, size=(n, 3 * S * S)).astype(np.uint8) for n in counts]
            train_y = [rng.randint(1, 1001, size=n) for n in counts]
            train_y[0][:3] = [449, 1, 1000]
            train_y[9][0] = 449
            val_x = rng.randint(0, 256, size=(7, 3 * S * S)).astype(np.uint8)
            val_y = rng.randint(1, 1001, size=7)
            val_y[:2] = [1, 449]
            mean = np.concatenate(train_x).mean(axis=0)
            expected = {}
            for split, xs, ys, names in [('train', train_x, train_y, ['train_data_batch_%d' % (i + 1) for i in range(10)]),
                                         ('val', [val_x], [val_y], ['val_data'])]:
                with open(os.path.join(out, split + '.bin'), 'wb') as f:
                    f.write(np.concatenate(xs).tobytes())
                expected[split] = {'files': names, 'counts': [len(y) for y in ys],
                                   'labels': [int(v) for y in ys for v in y],
                                   'wnids': [wnid_of[int(v)] for y in ys for v in y]}
            json.dump(expected, open(os.path.join(out, 'expected.json'), 'w'))
            files = list(zip(expected['train']['files'], train_x, train_y)) + [('val_data', val_x, val_y)]
            def save_pickle(variant, protocol, labels):
                d = os.path.join(out, variant); os.makedirs(d)
                for name, x, y in files:
                    with open(os.path.join(d, name), 'wb') as f:
                        pickle.dump({'data': x, 'labels': labels(y), 'mean': mean}, f, protocol=protocol)
            save_pickle('pickle4', 4, lambda y: [int(v) for v in y])     # as published: a list of ints
            save_pickle('pickle2', 2, lambda y: y.astype(np.int64))      # an int64 array
            save_pickle('pickle5', 5, lambda y: list(y.astype(np.int64)))  # numpy scalars, out-of-band buffers
            for variant, save, dtype in [('npz', np.savez, np.int64), ('npzc', np.savez_compressed, np.int32)]:
                d = os.path.join(out, variant); os.makedirs(d)
                for name, x, y in files:
                    labels = y.astype(np.int16 if name == 'val_data' and variant == 'npz' else dtype)
                    if variant == 'npz':
                        save(os.path.join(d, name + '.npz'), data=x, labels=labels, mean=mean)
                    else:  # entries in another order
                        save(os.path.join(d, name + '.npz'), labels=labels, mean=mean, data=x)
            """;

    @TempDir
    static Path files;

    private static JsonNode expected;

    @BeforeAll
    static void generate() throws IOException {
        String python = Python.requireNumpy();
        Python.run(python, GENERATE, files.toString(),
                Fixtures.imagenetReference().resolve("map_clsloc.txt").toString());
        expected = new ObjectMapper().readTree(files.resolve("expected.json").toFile());
    }

    @TempDir
    Path tmp;

    private DatasetContents importVariant(String variant, ImportFormat format, ClassOrder order, int shardSize)
            throws Exception {
        Path out = tmp.resolve(variant + "-" + (order == null ? "default" : order.id()));
        ImportOptions options = ImportOptions.of(format, files.resolve(variant), out).withShardSize(shardSize);
        if (order != null) {
            options = options.withClassOrder(order);
        }
        Importer.run(options);
        return DatasetContents.read(out);
    }

    /** Pixels, order, keys and each record's class (by wnid) as Python wrote them. */
    private static void assertMatches(DatasetContents ds, String suffix) throws IOException {
        assertEquals(new Manifest.ImageShape(8, 8, 3), ds.manifest().image());
        assertEquals(List.of("train", "val"), List.copyOf(ds.splits().keySet()));
        for (String split : List.of("train", "val")) {
            JsonNode e = expected.get(split);
            DatasetContents.Split s = ds.split(split);
            assertArrayEquals(Files.readAllBytes(files.resolve(split + ".bin")), s.pixels(),
                    split + ": pixels in file order (batches 1..10 numerically)");
            List<String> keys = new ArrayList<>();
            for (int f = 0; f < e.get("files").size(); f++) {
                for (int r = 0; r < e.get("counts").get(f).asInt(); r++) {
                    keys.add(e.get("files").get(f).asText() + suffix + "#" + r);
                }
            }
            assertEquals(keys, s.keys());
            for (int i = 0; i < s.count(); i++) {
                assertEquals(e.get("wnids").get(i).asText(), ds.wnid(s.labels()[i]),
                        split + " record " + i + " (clsloc " + e.get("labels").get(i) + ")");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pickle4", "pickle2", "pickle5"})
    void picklesOfEveryProtocolImportInSortedOrder(String variant) throws Exception {
        DatasetContents ds = importVariant(variant, ImportFormat.IMAGENET32_PICKLE, null, 20);
        assertMatches(ds, "");
        assertEquals("sorted", ds.manifest().classOrder());
        assertEquals("imagenet32-pickle", ds.manifest().build().sourceLayout());
        assertEquals(new ClassEntry(0, "n01440764", "tench"), ds.manifest().classes().get(0));
        assertEquals(0, ds.split("train").labels()[0], "clsloc 449 (tench) is sorted index 0");
        int batch10 = ds.split("train").count() - expected.get("train").get("counts").get(9).asInt();
        assertEquals(0, ds.split("train").labels()[batch10], "batch 10's first record is tench (clsloc 449)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"npz", "npzc"})
    void npzFromSavezAndSavezCompressed(String variant) throws Exception {
        DatasetContents ds = importVariant(variant, ImportFormat.IMAGENET32_NPZ, null, 25);
        assertMatches(ds, ".npz");
        assertEquals("imagenet32-npz", ds.manifest().build().sourceLayout());
    }

    @Test
    void imagenet32OrderIsClslocMinusOne() throws Exception {
        DatasetContents ds = importVariant("pickle4", ImportFormat.IMAGENET32_PICKLE, ClassOrder.IMAGENET32, 100);
        assertMatches(ds, "");
        assertEquals("imagenet32", ds.manifest().classOrder());
        assertEquals(new ClassEntry(0, "n02119789", "kit_fox"), ds.manifest().classes().get(0));
        for (String split : List.of("train", "val")) {
            JsonNode labels = expected.get(split).get("labels");
            short[] actual = ds.split(split).labels();
            for (int i = 0; i < actual.length; i++) {
                assertEquals(labels.get(i).asInt() - 1, actual[i], split + " record " + i);
            }
        }
        assertEquals(0, ds.split("val").labels()[0], "clsloc 1 (kit_fox) is imagenet32 index 0");
    }

    @Test
    void truncatedPickleIsNamedAndLeavesNoManifest() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cut"));
        try (Stream<Path> list = Files.list(files.resolve("pickle4"))) {
            for (Path p : list.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Path batch = dir.resolve("train_data_batch_3");
        byte[] bytes = Files.readAllBytes(batch);
        Files.write(batch, Arrays.copyOf(bytes, bytes.length - 40));
        Path out = tmp.resolve("out");
        SourceException e = assertThrows(SourceException.class,
                () -> Importer.run(ImportOptions.of(ImportFormat.IMAGENET32_PICKLE, dir, out)));
        assertTrue(e.getMessage().contains("train_data_batch_3"), e.getMessage());
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }
}
