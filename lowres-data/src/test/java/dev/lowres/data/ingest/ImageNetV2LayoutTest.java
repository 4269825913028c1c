package dev.lowres.data.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.testing.TestTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageNetV2's tree (class folders 0 .. 999 numbering the sorted wnids) and its detection by {@code --layout}. */
class ImageNetV2LayoutTest {
    @TempDir
    Path dir;

    static ScanOptions scan(TreeLayout layout) {
        return new ScanOptions(ClassOrder.SORTED, 1, 0, null, null, layout);
    }

    @Test
    void numberedFoldersAreSortedWnidIndexesAndTheDatasetHasAll1000Classes() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("imagenetv2-matched-frequency-format-val"), 2,
                "0", "2", "10", "999");
        Files.delete(tree.resolve("999/img1.jpeg"));
        BuildResult result = DatasetBuilder.build(BuildOptions.builder().input(tree).output(dir.resolve("ds"))
                .sizes(List.of(8)).threads(2).shardSize(3).build(), BuildListener.NONE);
        assertEquals(0, result.skippedCount());

        Dataset ds = Dataset.open(dir.resolve("ds"));
        Manifest m = ds.manifest();
        List<String> sorted = ImageNetClasses.get().wnidsInClslocOrder().stream().sorted().toList();
        assertEquals(1000, m.classes().size());
        for (int i = 0; i < 1000; i++) {
            ClassEntry c = m.classes().get(i);
            assertEquals(i, c.index());
            assertEquals(sorted.get(i), c.wnid(), "class " + i);
            assertEquals(ImageNetClasses.get().name(c.wnid()).orElseThrow(), c.name());
        }
        assertEquals("n01440764", m.classes().get(0).wnid());
        assertEquals("tench", m.classes().get(0).name());
        assertEquals("n01530575", m.classes().get(10).wnid(), "class 10 is the 11th sorted wnid");
        assertEquals("brambling", m.classes().get(10).name());
        assertEquals("n15075141", m.classes().get(999).wnid());
        assertEquals("sorted", m.classOrder());
        assertEquals("imagenetv2", m.build().sourceLayout());
        @SuppressWarnings("unchecked")
        List<String> notes = (List<String>) m.build().options().get("notes");
        assertTrue(notes.get(0).startsWith("layout imagenetv2, detected"), notes.toString());

        assertEquals(List.of("val"), List.copyOf(m.splits().keySet()), "ImageNetV2 is a test set: split val");
        List<String> keys = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Manifest.Shard shard : m.splits().get("val").shards()) {
            keys.addAll(ds.keys(shard));
            for (short label : ds.labels(shard)) {
                labels.add((int) label);
            }
        }
        assertEquals(List.of("0/img0.png", "0/img1.jpeg", "2/img0.png", "2/img1.jpeg", "10/img0.png",
                "10/img1.jpeg", "999/img0.png"), keys, "numeric folder order, keys relative to the tree");
        assertEquals(List.of(0, 0, 2, 2, 10, 10, 999), labels, "folder k gives label k");
        long[] expectedCounts = new long[1000];
        expectedCounts[0] = 2;
        expectedCounts[2] = 2;
        expectedCounts[10] = 2;
        expectedCounts[999] = 1;
        assertArrayEquals(expectedCounts, m.splits().get("val").classCounts(), "absent folders count 0");
        assertTrue(DatasetVerifier.verify(dir.resolve("ds"), n -> { }).ok());
    }

    @Test
    void forcedImagenetV2GivesTheSameTreeAndImagenet32OrderRemapsByWnid() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("v2"), 1, "0", "10", "2", "100");
        SourceTree auto = TreeScanner.scan(tree, scan(TreeLayout.AUTO));
        SourceTree forced = TreeScanner.scan(tree, scan(TreeLayout.IMAGENETV2));
        assertEquals("imagenetv2", forced.layout());
        assertEquals(auto.classes(), forced.classes());
        assertEquals(auto.splits(), forced.splits());
        assertEquals(List.of(0, 2, 10, 100), forced.splits().get(0).images().stream().map(SourceImage::label).toList());

        SourceTree clsloc = TreeScanner.scan(tree,
                new ScanOptions(ClassOrder.IMAGENET32, 1, 0, null, "test", TreeLayout.AUTO));
        assertEquals("test", clsloc.splits().get(0).name());
        assertEquals("n02119789", clsloc.classes().get(0).wnid(), "kit_fox is clsloc label 1");
        ImageNetClasses in = ImageNetClasses.get();
        for (SourceImage image : clsloc.splits().get(0).images()) {
            int folder = Integer.parseInt(image.key().substring(0, image.key().indexOf('/')));
            String wnid = in.wnidsSorted().get(folder);
            assertEquals(wnid, clsloc.classes().get(image.label()).wnid(), image.key());
            assertEquals(in.clslocLabel(wnid).orElseThrow() - 1, image.label(), image.key());
        }
    }

    @Test
    void mixedOrNonCanonicalNumbersFallBackToNamedClassFolders() throws Exception {
        Path mixed = TestTrees.classFolders(dir.resolve("mixed"), 1, "0", "2", "cat");
        SourceTree tree = TreeScanner.scan(mixed, scan(TreeLayout.AUTO));
        assertEquals("class-folders", tree.layout());
        assertEquals(List.of("0", "2", "cat"), tree.classes().stream().map(ClassEntry::wnid).toList());
        assertEquals("train", tree.splits().get(0).name());
        assertTrue(tree.notes().stream().anyMatch(n -> n.contains("not imagenetv2") && n.contains("'cat'")),
                tree.notes().toString());

        String[][] notImagenetV2 = {{"1", "007"}, {"5", "1000"}, {"3", "+4"}, {"3", "-1"}};
        for (int i = 0; i < notImagenetV2.length; i++) {
            String[] folders = notImagenetV2[i];
            Path t = TestTrees.classFolders(dir.resolve("t" + i), 1, folders);
            assertEquals("class-folders", TreeScanner.scan(t, scan(TreeLayout.AUTO)).layout(), List.of(folders).toString());
        }

        // numbers below 100 only: MNIST or CIFAR-100 saved as folders, not ImageNetV2, unless forced
        Path small = TestTrees.classFolders(dir.resolve("digits"), 1, "0", "1", "2", "10", "99");
        SourceTree digits = TreeScanner.scan(small, scan(TreeLayout.AUTO));
        assertEquals("class-folders", digits.layout());
        assertEquals(5, digits.classes().size());
        assertTrue(digits.notes().stream().anyMatch(n -> n.contains("numbers below 100")), digits.notes().toString());
        assertEquals("imagenetv2", TreeScanner.scan(small, scan(TreeLayout.IMAGENETV2)).layout());

        // --layout wnid keeps the old reading of numbered folders: names, compared as strings
        Path numbered = TestTrees.classFolders(dir.resolve("numbered"), 1, "0", "2", "10");
        SourceTree named = TreeScanner.scan(numbered, scan(TreeLayout.WNID));
        assertEquals("class-folders", named.layout());
        assertEquals(List.of("0", "10", "2"), named.classes().stream().map(ClassEntry::wnid).toList());
        assertFalse(named.notes().stream().anyMatch(n -> n.contains("imagenetv2")), named.notes().toString());
    }

    @Test
    void forcedImagenetV2OnOtherFoldersIsAClearErrorNamingAFolder() throws Exception {
        Path mixed = TestTrees.classFolders(dir.resolve("mixed"), 1, "0", "n01440764", "2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TreeScanner.scan(mixed, scan(TreeLayout.IMAGENETV2)));
        assertTrue(e.getMessage().contains("--layout imagenetv2"), e.getMessage());
        assertTrue(e.getMessage().contains("'n01440764'"), e.getMessage());

        Path leadingZero = TestTrees.classFolders(dir.resolve("zero"), 1, "01");
        e = assertThrows(IllegalArgumentException.class,
                () -> TreeScanner.scan(leadingZero, scan(TreeLayout.IMAGENETV2)));
        assertTrue(e.getMessage().contains("'01'"), e.getMessage());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> TreeScanner.scan(empty, scan(TreeLayout.IMAGENETV2)));
        assertTrue(e.getMessage().contains("has no folders"), e.getMessage());

        Path v2 = TestTrees.classFolders(dir.resolve("v2"), 1, "0", "1", "100");
        e = assertThrows(IllegalArgumentException.class, () -> TreeScanner.scan(v2,
                new ScanOptions(ClassOrder.SORTED, 2, 0, null, null, TreeLayout.AUTO)));
        assertTrue(e.getMessage().contains("--every-nth-class"), e.getMessage());
    }

    @Test
    void layoutNamesParse() {
        assertEquals(TreeLayout.AUTO, TreeLayout.parse("auto"));
        assertEquals(TreeLayout.WNID, TreeLayout.parse("wnid"));
        assertEquals(TreeLayout.IMAGENETV2, TreeLayout.parse("ImageNetV2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TreeLayout.parse("v2"));
        assertTrue(e.getMessage().contains("valid: auto, wnid, imagenetv2"), e.getMessage());
        assertTrue(TreeLayout.isImagenetV2Folder("0"));
        assertTrue(TreeLayout.isImagenetV2Folder("999"));
        assertFalse(TreeLayout.isImagenetV2Folder("1000"));
        assertFalse(TreeLayout.isImagenetV2Folder("00"));
        assertFalse(TreeLayout.isImagenetV2Folder("٣"), "only ASCII digits");
    }
}
