package dev.lowres.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiLabelsTest {
    /** ReaL's index space in this test: six wnids, sorted. */
    static final List<String> REAL_WNIDS =
            List.of("n01000001", "n01000002", "n01000003", "n01000004", "n01000005", "n01000006");
    /** The dataset: a shuffled subset (no n01000003, no n01000006), so numbers differ from ReaL's. */
    static final List<String> DATASET_WNIDS = List.of("n01000005", "n01000002", "n01000001", "n01000004");

    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void realIsMappedByFileNumberAndByWnid() throws IOException {
        // entry i is ILSVRC2012_val_(i+1); indices are into REAL_WNIDS
        Path real = write("real.json", "[[0], [2, 4], [], [5], [1, 3], [0, 1]]");
        List<String> keys = List.of(
                "val/ILSVRC2012_val_00000002.JPEG",        // [2, 4] = n01000003 (absent), n01000005 -> class 0
                "ILSVRC2012_val_00000001.JPEG",            // [0] = n01000001 -> class 2
                "n01000004/ILSVRC2012_val_00000005.JPEG",  // [1, 3] = n01000002, n01000004 -> classes 1, 3
                "val/ILSVRC2012_val_00000003.JPEG",        // [] excluded by the raters
                "val/ILSVRC2012_val_00000004.JPEG");       // [5] = n01000006, absent -> excluded
        MultiLabels m = MultiLabels.fromReal(real, keys, DATASET_WNIDS, REAL_WNIDS);
        assertEquals(5, m.records());
        assertEquals(4, m.classes());
        assertArrayEquals(new int[] {0}, m.labels(0));
        assertArrayEquals(new int[] {2}, m.labels(1));
        assertArrayEquals(new int[] {1, 3}, m.labels(2));
        assertArrayEquals(new int[0], m.labels(3));
        assertArrayEquals(new int[0], m.labels(4));
        assertTrue(m.accepts(2, 3));
        assertTrue(m.accepts(0, 0)); // ReaL's index 4 is n01000005, the dataset's class 0
        assertFalse(m.accepts(1, 0));
        assertFalse(m.isLabelled(3));
        assertEquals(3, m.labelled());
        assertEquals(2, m.droppedLabels());      // n01000003 of entry 1, n01000006 of entry 3
        assertEquals(1, m.unmatchedFileKeys());  // entry 5 (ILSVRC2012_val_00000006) has no record
    }

    @Test
    void realErrorsSayWhatIsWrong() throws IOException {
        List<String> keys = List.of("val/ILSVRC2012_val_00000001.JPEG");
        assertMessage("not a ReaL label file", write("a.json", "{\"a\": [1]}"), keys);
        assertMessage("entry 1 (ILSVRC2012_val_00000002.JPEG) is not an array", write("b.json", "[[0], 2]"), keys);
        assertMessage("holds number 0.5, not a class index", write("c.json", "[[0.5]]"), keys);
        assertMessage("holds string \"x\", not a class index", write("d.json", "[[\"x\"]]"), keys);
        assertMessage("holds class index 6, out of range [0, 6)", write("e.json", "[[1], [6]]"), keys);
        assertMessage("holds class index -1", write("f.json", "[[-1]]"), keys);
        assertMessage("is not valid JSON", write("g.json", "[[0]"), keys);
        assertMessage("not a ReaL label file", write("h.json", ""), keys);

        Path ok = write("ok.json", "[[0], [1], [2]]");
        assertMessage("key 'val/n01440764_10026.JPEG' has no ILSVRC-2012 validation number", ok,
                List.of("val/ILSVRC2012_val_00000001.JPEG", "val/n01440764_10026.JPEG"));
        assertMessage("has 3 entries, but the records need entry 9 (record 1, 'val/ILSVRC2012_val_00000009.JPEG')",
                ok, List.of("val/ILSVRC2012_val_00000002.JPEG", "val/ILSVRC2012_val_00000009.JPEG"));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> MultiLabels.fromReal(
                ok, keys, List.of("n01000001", "n01000001"), REAL_WNIDS));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    void assertMessage(String expected, Path file, List<String> keys) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiLabels.fromReal(file, keys, DATASET_WNIDS, REAL_WNIDS));
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void generalJsonByKeyAndWnid() throws IOException {
        Path file = write("labels.json", "{\"a.JPEG\": [\"n01000005\", \"n01000001\", \"n01000005\"], "
                + "\"b.JPEG\": [], \"zzz.JPEG\": [\"n01000002\"]}");
        MultiLabels m = MultiLabels.fromJson(file, List.of("a.JPEG", "b.JPEG", "c.JPEG"), DATASET_WNIDS);
        assertArrayEquals(new int[] {0, 2}, m.labels(0));
        assertFalse(m.isLabelled(1));
        assertFalse(m.isLabelled(2)); // not in the file
        assertEquals(1, m.labelled());
        assertEquals(1, m.unmatchedFileKeys());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> MultiLabels.fromJson(
                write("u.json", "{\"a.JPEG\": [\"n01000003\"]}"), List.of("a.JPEG"), DATASET_WNIDS));
        assertTrue(unknown.getMessage().contains("'a.JPEG' lists wnid 'n01000003', which is not one of the "
                + "dataset's 4 classes"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabels.fromJson(write("v.json", "[]"), List.of("a.JPEG"), DATASET_WNIDS));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabels.fromJson(write("w.json", "{\"a.JPEG\": \"n01000001\"}"), List.of("a.JPEG"),
                        DATASET_WNIDS));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabels.fromJson(write("x.json", "{\"a.JPEG\": [3]}"), List.of("a.JPEG"), DATASET_WNIDS));
    }

    @Test
    void accumulator() {
        // record 0 {0, 2}; record 1 excluded; record 2 {1}; record 3 {1, 3}
        MultiLabels m = MultiLabels.of(4, new int[][] {{2, 0}, {}, {1}, {3, 1}});
        MultiLabelAccumulator acc = new MultiLabelAccumulator(m);
        acc.add(0, 0, 2); // original wrong, acceptable: a valid "mistake"
        acc.add(1, 0, 0); // excluded
        acc.add(2, 1, 1); // right both ways
        acc.add(3, 3, 0); // wrong both ways
        MultiLabelResult r = acc.result();
        assertEquals(new MultiLabelResult(4, 3, 2.0 / 3, 1.0 / 3, 2, 1, 0.5), r);
        assertThrows(IllegalArgumentException.class, () -> acc.add(2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> acc.add(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MultiLabelAccumulator(m).add(0, 4, 1));
        assertTrue(Double.isNaN(new MultiLabelAccumulator(m).result().multiLabelTop1()));
        assertThrows(IllegalArgumentException.class, () -> MultiLabels.of(2, new int[][] {{2}}));
    }
}
