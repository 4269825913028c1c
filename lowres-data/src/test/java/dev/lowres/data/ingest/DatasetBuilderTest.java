package dev.lowres.data.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.Npy;
import dev.lowres.data.testing.Fixtures;
import dev.lowres.data.testing.TestTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {
    @TempDir
    static Path shared;
    static Path tree;

    @TempDir
    Path out;

    @BeforeAll
    static void makeTree() throws IOException {
        tree = TestTrees.ilsvrc(shared.resolve("tree"));
    }

    static BuildOptions.Builder options(Path output, Integer... sizes) {
        return BuildOptions.builder().input(tree).output(output).sizes(List.of(sizes)).threads(2).shardSize(5);
    }

    @Test
    void everyRecordEqualsPilAndBadInputsAreSkippedWithReasons() throws Exception {
        BuildResult result = DatasetBuilder.build(options(out, 32).build(), BuildListener.NONE);
        assertEquals(Map.of("train", 18L, "val", 3L), result.records());
        assertEquals(5, result.skippedCount());

        Dataset ds = Dataset.open(out);
        Manifest m = ds.manifest();
        assertEquals(List.of(TestTrees.TENCH, TestTrees.GOLDFISH, TestTrees.KIT_FOX),
                m.classes().stream().map(c -> c.wnid()).toList().stream().sorted().toList());
        assertEquals("tench", m.classes().get(0).name());
        Map<String, String> reasons = m.skipped().stream()
                .collect(Collectors.toMap(s -> TestTrees.fixtureName(s.key()), Manifest.Skipped::reason, (a, b) -> a, TreeMap::new));
        assertEquals(Map.of("bomb_60000x60000.JPEG", "too_many_pixels", "empty.JPEG", "empty",
                "random_bytes.JPEG", "not_an_image", "text.JPEG", "not_an_image", "truncated.JPEG", "truncated"), reasons);

        int checked = 0;
        for (String split : List.of("train", "val")) {
            for (Manifest.Shard shard : ds.split(split).shards()) {
                ByteBuffer images = ds.mapImages(shard);
                short[] labels = ds.labels(shard);
                List<String> keys = ds.keys(shard);
                for (int i = 0; i < shard.count(); i++) {
                    String fixture = split.equals("train") ? TestTrees.fixtureName(keys.get(i))
                            : TestTrees.VAL_FIXTURES.get(Integer.parseInt(keys.get(i).substring(15, 23)) - 1);
                    byte[] expected = Npy.readBytes(Fixtures.reference().resolve(fixture + ".box.32.npy"));
                    byte[] actual = new byte[3 * 32 * 32];
                    images.get(i * actual.length, actual);
                    assertArrayEquals(expected, actual, split + " " + keys.get(i));
                    String wnid = m.classes().get(labels[i]).wnid();
                    if (split.equals("train")) {
                        assertTrue(keys.get(i).startsWith(wnid + "/"), keys.get(i) + " labelled " + wnid);
                    }
                    checked++;
                }
            }
        }
        assertEquals(21, checked);
        List<String> valKeys = ds.keys(ds.split("val").shards().get(0));
        short[] valLabels = ds.labels(ds.split("val").shards().get(0));
        assertEquals(List.of("ILSVRC2012_val_00000001.JPEG", "ILSVRC2012_val_00000002.JPEG",
                "ILSVRC2012_val_00000003.JPEG"), valKeys);
        assertEquals(TestTrees.GOLDFISH, m.classes().get(valLabels[0]).wnid());
        assertEquals(TestTrees.KIT_FOX, m.classes().get(valLabels[1]).wnid());
        assertTrue(DatasetVerifier.verify(out, n -> { }).ok());
        assertFalse(Files.exists(out.resolve(BuildState.DIR)), "the journal is removed once the manifest exists");
    }

    @Test
    void theManifestsSpecRemakesEveryStoredRecordFromTheSourceBytes() throws Exception {
        for (boolean fast : new boolean[] {false, true}) {
            Path built = out.resolve(fast ? "fast" : "exact");
            DatasetBuilder.build(options(built, 8, 16).fast(fast).filter(ResampleFilter.BICUBIC).build(),
                    BuildListener.NONE);
            for (int size : new int[] {8, 16}) {
                Dataset ds = Dataset.open(built.resolve(size + "x" + size));
                RecordSpec spec = RecordSpec.of(ds.manifest(), Long.MAX_VALUE).orElseThrow();
                assertEquals(List.of(size), spec.sizes());
                assertEquals(ResampleFilter.BICUBIC, spec.filter());
                assertEquals(fast, spec.fast());
                if (fast) {
                    assertEquals(2 * 16, spec.fastMinSide(), "the build's largest size sets the fast decode's side");
                }
                int checked = 0;
                try (RecordMaker maker = new RecordMaker(spec)) {
                    for (Manifest.Shard shard : ds.split("train").shards()) {
                        ByteBuffer images = ds.mapImages(shard);
                        List<String> keys = ds.keys(shard);
                        for (int i = 0; i < shard.count(); i++) {
                            byte[] source = Files.readAllBytes(tree.resolve("train").resolve(keys.get(i)));
                            byte[][] remade = {new byte[3 * size * size]};
                            maker.make(source, source.length, remade, 0);
                            byte[] stored = new byte[remade[0].length];
                            images.get(i * stored.length, stored);
                            assertArrayEquals(stored, remade[0], keys.get(i) + (fast ? " fast" : " exact") + " " + size);
                            checked++;
                        }
                    }
                }
                assertEquals(18, checked);
            }
        }
        assertTrue(RecordSpec.of(new Manifest(Manifest.FORMAT, "imported", new Manifest.ImageShape(8, 8, 3), List.of(),
                "wnid", Map.of(), null, List.of(), null), Long.MAX_VALUE).isEmpty(), "no build info: no spec");
    }

    @Test
    void outputIsTheSameForAnyThreadCountAndSizesFromOneDecodeEqualSeparateBuilds() throws Exception {
        DatasetBuilder.build(options(out.resolve("one"), 16, 32).threads(1).build(), BuildListener.NONE);
        DatasetBuilder.build(options(out.resolve("three"), 16, 32).threads(3).build(), BuildListener.NONE);
        DatasetBuilder.build(options(out.resolve("alone"), 32).threads(2).build(), BuildListener.NONE);
        Map<String, byte[]> one = files(out.resolve("one/32x32"));
        assertSameFiles(one, files(out.resolve("three/32x32")));
        assertSameFiles(one, files(out.resolve("alone")));
        assertSameFiles(files(out.resolve("one/16x16")), files(out.resolve("three/16x16")));
    }

    @Test
    void killedBuildResumesWithoutRedoingFinishedShardsAndGivesTheSameBytes() throws Exception {
        Path reference = out.resolve("reference");
        DatasetBuilder.build(options(reference, 32).build(), BuildListener.NONE);

        Path resumed = out.resolve("resumed");
        // a directory where the third train shard's temporary file goes makes that write fail mid-build
        Path obstacle = Files.createDirectories(resumed.resolve("train-00002-of-00005.images.npy.tmp"));
        IOException failure = assertThrows(IOException.class,
                () -> DatasetBuilder.build(options(resumed, 32).build(), BuildListener.NONE));
        assertTrue(failure.getMessage().contains("train-00002-of-00005.images.npy"), failure.getMessage());
        assertFalse(Files.exists(resumed.resolve("manifest.json")), "no manifest after a failed build");
        assertThrows(DatasetException.class, () -> Dataset.open(resumed));
        Path first = resumed.resolve("train-00000-of-00005.images.npy");
        assertTrue(Files.exists(first), "finished shards are kept");
        Object firstFile = Files.readAttributes(first, "unix:ino").get("ino");

        Files.deleteIfExists(obstacle); // the failed write removed it already, as it removes any temporary file
        BuildResult result = DatasetBuilder.build(options(resumed, 32).build(), BuildListener.NONE);
        assertEquals(10, result.resumed(), "the two finished shards (5 inputs each) are not redone");
        assertEquals(firstFile, Files.readAttributes(first, "unix:ino").get("ino"), "finished shard not rewritten");
        assertSameFiles(files(reference), files(resumed));
    }

    @Test
    void refusesToMixWithAFinishedDatasetOrAnotherBuild() throws Exception {
        DatasetBuilder.build(options(out, 32).build(), BuildListener.NONE);
        BuildResult again = DatasetBuilder.build(options(out, 32).build(), BuildListener.NONE);
        assertTrue(again.alreadyBuilt(), "the same build again has nothing to do");
        assertEquals(Map.of("train", 18L, "val", 3L), again.records());
        // killed after the manifest was committed but before its journal was removed: the rerun removes it
        Files.createDirectories(out.resolve(BuildState.DIR));
        Files.writeString(out.resolve(BuildState.DIR).resolve("journal.jsonl"), "{}\n");
        assertTrue(DatasetBuilder.build(options(out, 32).build(), BuildListener.NONE).alreadyBuilt());
        assertFalse(Files.exists(out.resolve(BuildState.DIR)), "the finished build's stale journal is removed");
        DatasetException exists = assertThrows(DatasetException.class, () -> DatasetBuilder.build(
                options(out, 32).filter(ResampleFilter.BILINEAR).build(), BuildListener.NONE));
        assertTrue(exists.getMessage().contains("--overwrite"), exists.getMessage());
        DatasetBuilder.build(options(out, 16).overwrite(true).build(), BuildListener.NONE);
        assertEquals(16, Dataset.open(out).manifest().image().height());

        Path partial = out.resolve("partial");
        Files.createDirectories(partial.resolve("train-00001-of-00005.images.npy.tmp"));
        assertThrows(IOException.class, () -> DatasetBuilder.build(options(partial, 32).build(), BuildListener.NONE));
        Files.deleteIfExists(partial.resolve("train-00001-of-00005.images.npy.tmp"));
        DatasetException other = assertThrows(DatasetException.class, () -> DatasetBuilder.build(
                options(partial, 32).filter(ResampleFilter.BICUBIC).build(), BuildListener.NONE));
        assertTrue(other.getMessage().contains("unfinished build of other inputs or options"), other.getMessage());
    }

    @Test
    void aMultiSizeBuildKilledBetweenItsManifestsFinishesTheRest() throws Exception {
        Path reference = out.resolve("reference");
        DatasetBuilder.build(options(reference, 8, 16).build(), BuildListener.NONE);
        Path killed = out.resolve("killed");
        DatasetBuilder.build(options(killed, 8, 16).build(), BuildListener.NONE);
        // as if killed after the 8x8 manifest was written and before the 16x16 one
        Files.delete(killed.resolve("16x16/manifest.json"));
        BuildResult result = DatasetBuilder.build(options(killed, 8, 16).build(), BuildListener.NONE);
        assertFalse(result.alreadyBuilt());
        assertSameFiles(files(reference.resolve("16x16")), files(killed.resolve("16x16")));
        assertSameFiles(files(reference.resolve("8x8")), files(killed.resolve("8x8")));
    }

    @Test
    void unwritableOutputGivesAClearErrorAndNoManifest() throws Exception {
        Path file = Files.writeString(out.resolve("a-file"), "not a directory");
        IOException e = assertThrows(IOException.class,
                () -> DatasetBuilder.build(options(file.resolve("dataset"), 32).build(), BuildListener.NONE));
        assertTrue(e.getMessage().contains("a-file"), e.getMessage());
    }

    @Test
    void fullDiskGivesAnErrorKeepsFinishedShardsAndLeavesNoManifest() throws Exception {
        String small = System.getenv("LOWRES_TEST_SMALL_FS");
        org.junit.jupiter.api.Assumptions.assumeTrue(small != null && Files.isDirectory(Path.of(small)),
                "set LOWRES_TEST_SMALL_FS to a small mounted file system (.ci/run mounts one)");
        Path target = Path.of(small).resolve("build-" + System.nanoTime());
        try {
            IOException e = assertThrows(IOException.class, () -> DatasetBuilder.build(
                    options(target, 64).shardSize(2).build(), BuildListener.NONE));
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), String.valueOf(e.getMessage()));
            assertFalse(Files.exists(target.resolve("manifest.json")));
            try (Stream<Path> files = Files.list(target)) {
                List<String> left = files.map(p -> p.getFileName().toString()).toList();
                assertTrue(left.stream().noneMatch(p -> p.endsWith(".tmp")), "no temporary files left: " + left);
            }
        } finally {
            BuildState.deleteRecursively(target);
        }
    }

    @Test
    void classOrderImagenet32NumbersClassesByMapClsloc() throws Exception {
        DatasetBuilder.build(options(out, 8).classOrder(ClassOrder.IMAGENET32).build(), BuildListener.NONE);
        Manifest m = Dataset.open(out).manifest();
        List<String> wnids = m.classes().stream().map(c -> c.wnid()).toList();
        ImageNetClasses in = ImageNetClasses.get();
        List<Integer> clsloc = wnids.stream().map(w -> in.clslocLabel(w).orElseThrow()).toList();
        assertEquals(clsloc.stream().sorted().toList(), clsloc);
        assertEquals(TestTrees.KIT_FOX, wnids.get(0), "kit_fox is clsloc label 1");
        assertEquals("imagenet32", m.classOrder());
    }

    @Test
    void subsamplingKeepsEveryNthClassAndAtMostKPerClass() throws Exception {
        DatasetBuilder.build(options(out, 8).everyNthClass(2).maxPerClass(3).build(), BuildListener.NONE);
        Manifest m = Dataset.open(out).manifest();
        assertEquals(List.of(TestTrees.TENCH, TestTrees.KIT_FOX), m.classes().stream().map(c -> c.wnid()).toList());
        // kit_fox's first three files by name are bomb_60000x60000, cmyk and empty: one record
        assertArrayEquals(new long[] {3, 1}, m.splits().get("train").classCounts());
        assertEquals(2, m.splits().get("val").count(), "val images of dropped classes are left out");
    }

    @Test
    void flatValidationFolderUsesTheBundledGroundTruthOrAGivenLabelFile() throws Exception {
        Path val = Files.createDirectories(out.resolve("val"));
        Files.copy(Fixtures.images().resolve("rgb_00_500x375.JPEG"), val.resolve("ILSVRC2012_val_00000001.JPEG"));
        Files.copy(Fixtures.images().resolve("rgb_01_375x500.JPEG"), val.resolve("ILSVRC2012_val_00000003.JPEG"));
        BuildOptions o = BuildOptions.builder().input(val).output(out.resolve("ds")).sizes(List.of(8)).build();
        DatasetBuilder.build(o, BuildListener.NONE);
        Dataset ds = Dataset.open(out.resolve("ds"));
        int[] truth = ImageNetClasses.validationGroundTruth();
        List<String> expected = List.of(ImageNetClasses.get().wnidOfClsloc(truth[0]),
                ImageNetClasses.get().wnidOfClsloc(truth[2]));
        short[] labels = ds.labels(ds.split("val").shards().get(0));
        assertEquals(expected, List.of(ds.manifest().classes().get(labels[0]).wnid(),
                ds.manifest().classes().get(labels[1]).wnid()));

        Path labelFile = Files.writeString(out.resolve("labels.txt"),
                "ILSVRC2012_val_00000001.JPEG n01440764\nILSVRC2012_val_00000003.JPEG n01443537\n");
        DatasetBuilder.build(BuildOptions.builder().input(val).output(out.resolve("ds2")).sizes(List.of(8))
                .valLabels(labelFile).build(), BuildListener.NONE);
        Manifest m2 = Dataset.open(out.resolve("ds2")).manifest();
        assertEquals(List.of("n01440764", "n01443537"), m2.classes().stream().map(c -> c.wnid()).toList());
    }

    @Test
    void theGroundTruthFileIsReadThroughValTxtWhenItSitsBesideIt() throws Exception {
        Path root = out.resolve("root");
        Path val = Files.createDirectories(root.resolve("val"));
        Files.copy(Fixtures.images().resolve("rgb_00_500x375.JPEG"), val.resolve("ILSVRC2012_val_00000001.JPEG"));
        Files.copy(Fixtures.images().resolve("rgb_01_375x500.JPEG"), val.resolve("ILSVRC2012_val_00000002.JPEG"));
        // the Imagenet32_Scripts ground truth, with val.txt pointing each file at another ground-truth line
        Path truth = Files.copy(Fixtures.imagenetReference().resolve("ILSVRC2015_clsloc_validation_ground_truth.txt"),
                root.resolve("ILSVRC2015_clsloc_validation_ground_truth.txt"));
        Files.writeString(root.resolve("val.txt"), "ILSVRC2012_val_00000001 3\nILSVRC2012_val_00000002 4\n");
        DatasetBuilder.build(BuildOptions.builder().input(root).output(out.resolve("ds")).sizes(List.of(8)).build(),
                BuildListener.NONE);
        Dataset ds = Dataset.open(out.resolve("ds"));
        List<String> lines = Files.readAllLines(truth);
        ImageNetClasses in = ImageNetClasses.get();
        short[] labels = ds.labels(ds.split("val").shards().get(0));
        assertEquals(List.of(in.wnidOfClsloc(Integer.parseInt(lines.get(2).trim())),
                in.wnidOfClsloc(Integer.parseInt(lines.get(3).trim()))),
                List.of(ds.manifest().classes().get(labels[0]).wnid(), ds.manifest().classes().get(labels[1]).wnid()));
    }

    @Test
    void missingInputAndMissingValLabelsAreClearErrors() throws IOException {
        SourceException missing = assertThrows(SourceException.class, () -> DatasetBuilder.build(
                BuildOptions.builder().input(out.resolve("nope")).output(out.resolve("o")).sizes(List.of(8)).build(),
                BuildListener.NONE));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Path flat = Files.createDirectories(out.resolve("flat"));
        Files.copy(Fixtures.images().resolve("gray.JPEG"), flat.resolve("photo.JPEG"));
        SourceException noLabels = assertThrows(SourceException.class, () -> DatasetBuilder.build(
                BuildOptions.builder().input(flat).output(out.resolve("o")).sizes(List.of(8)).build(),
                BuildListener.NONE));
        assertTrue(noLabels.getMessage().contains("--val-labels"), noLabels.getMessage());
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> map = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                byte[] content = Files.readAllBytes(p);
                if (name.equals("manifest.json")) {
                    // the command line and the dataset's own name legitimately differ between runs, and
                    // with them the manifest's checksum of its own content
                    String text = new String(content, java.nio.charset.StandardCharsets.UTF_8)
                            .replaceAll("\"checksum\" : \"[^\"]*\"", "")
                            .replaceAll("\"name\" : \"[^\"]*\",", "")
                            .replaceAll("(?s)\"command\" : \\[.*?\\]", "")
                            .replaceAll("\"input\" : \"[^\"]*\"", "");
                    content = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                map.put(name, content);
            }
        }
        return map;
    }

    static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), name + " differs");
        }
    }
}
