package dev.lowres.data.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.testing.TestTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DatasetVerifier} and the manifest's checksum: a built dataset verifies with no problem, and each
 * edit of its manifest is refused by {@link ManifestIO#read} and named by {@code verify}, both when the edit
 * leaves the checksum as it was and when it removes it (then only the recomputation from the files can tell).
 */
class DatasetVerifierTest {
    @TempDir
    static Path shared;
    /** A dataset built from {@link TestTrees#ilsvrc}: class-folder train split (18 records), flat val (3). */
    static Path built;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        Path tree = TestTrees.ilsvrc(shared.resolve("tree"));
        built = shared.resolve("ds");
        buildFrom(tree, built);
    }

    /** Builds 8x8 in shards of 5 records with the JPEG builder, as {@code lowres build} does. */
    private static void buildFrom(Path tree, Path out) throws Exception {
        DatasetBuilder.build(BuildOptions.builder().input(tree).output(out).sizes(List.of(8)).threads(2)
                .shardSize(5).build(), BuildListener.NONE);
    }

    /** A fresh copy of the built dataset, to tamper with. */
    private Path copy() throws IOException {
        return copy("copy");
    }

    private Path copy(String name) throws IOException {
        Path target = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(built)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    private static ObjectNode tree(Path ds) throws IOException {
        return (ObjectNode) Json.mapper().readTree(ds.resolve(ManifestIO.FILE).toFile());
    }

    /** Writes a manifest tree as a hand edit would: the JSON as it is, whatever its checksum says. */
    private static void writeTree(Path ds, ObjectNode tree) throws IOException {
        Files.write(ds.resolve(ManifestIO.FILE), Json.mapper().writeValueAsBytes(tree));
    }

    private static DatasetVerifier.Report verify(Path ds) throws DatasetException {
        return DatasetVerifier.verify(ds, n -> { });
    }

    private static void assertProblem(DatasetVerifier.Report report, String expected) {
        assertFalse(report.ok(), "verify passed a tampered dataset");
        assertTrue(report.problems().stream().anyMatch(p -> p.contains(expected)),
                "no problem line contains \"" + expected + "\" in " + String.join("\n", report.problems()));
    }

    @Test
    void untouchedDatasetVerifiesWithNoProblemAndCountsEveryByteItReads() throws Exception {
        AtomicLong progressed = new AtomicLong();
        DatasetVerifier.Report report = DatasetVerifier.verify(built, progressed::addAndGet);
        assertEquals(List.of(), report.problems());
        assertTrue(report.ok());
        assertEquals(21, report.records());
        assertEquals(5 * 3 + 1 * 3 + 2, report.files(), "train's 5 shards, val's 1, two mean images");
        long onDisk = 0;
        try (Stream<Path> files = Files.list(built)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals(ManifestIO.FILE)).toList()) {
                onDisk += Files.size(f);
            }
        }
        assertEquals(onDisk, report.bytes(), "every file read once");
        assertEquals(onDisk, progressed.get());
        assertEquals(onDisk, DatasetVerifier.totalBytes(built));
    }

    @Test
    void theChecksumIsOfTheCanonicalContentAndSurvivesAReadAndAWrite() throws Exception {
        Manifest m = ManifestIO.read(built);
        assertTrue(m.checksum().matches("sha256:[0-9a-f]{64}"), m.checksum());
        String text = Files.readString(built.resolve(ManifestIO.FILE));
        assertTrue(text.trim().endsWith("\"checksum\" : \"" + m.checksum() + "\"\n}"), "checksum last: " + text);
        // the build options hold ints, longs and strings, the statistics doubles: written again after a
        // read, the manifest is the same bytes, so the checksum is reproducible from what a reader sees
        assertTrue(m.build().options().get("size") instanceof Integer);
        Path rewritten = Files.createDirectories(dir.resolve("rewritten"));
        Manifest again = ManifestIO.write(rewritten, m);
        assertEquals(m.checksum(), again.checksum());
        assertArrayEquals(Files.readAllBytes(built.resolve(ManifestIO.FILE)),
                Files.readAllBytes(rewritten.resolve(ManifestIO.FILE)));
        assertEquals(m.checksum(), ManifestIO.write(rewritten, m.withChecksum("sha256:whatever")).checksum(),
                "write computes the checksum, whatever the manifest says");

        // indentation is no part of the content: a re-indented manifest keeps its checksum
        Path ds = copy();
        Files.write(ds.resolve(ManifestIO.FILE), Json.mapper().writer()
                .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(tree(ds)));
        assertEquals(m.checksum(), ManifestIO.read(ds).checksum());
        assertTrue(verify(ds).ok(), verify(ds).problems().toString());
    }

    @Test
    void aManifestWithoutChecksumIsReadableButVerifyReportsIt() throws Exception {
        Path ds = copy();
        ObjectNode tree = tree(ds);
        tree.remove("checksum");
        writeTree(ds, tree);
        Manifest m = Dataset.open(ds).manifest();
        assertNull(m.checksum());
        assertEquals(ManifestIO.read(built).withChecksum(null).splits().keySet(), m.splits().keySet());
        DatasetVerifier.Report report = verify(ds);
        assertEquals(1, report.problems().size(), report.problems().toString());
        assertProblem(report, "manifest.json: no checksum");
    }

    /** An edit of the manifest and a line that verify must report for it. */
    record Edit(String name, Consumer<ObjectNode> edit, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static ObjectNode split(ObjectNode tree, String name) {
        return (ObjectNode) tree.get("splits").get(name);
    }

    private static ArrayNode classes(ObjectNode tree) {
        return (ArrayNode) tree.get("classes");
    }

    /** The tampering of the task: each edit and what verify must say about it. */
    static List<Edit> edits() {
        List<Edit> edits = new ArrayList<>();
        edits.add(new Edit("two classes entries swapped", t -> {
            ArrayNode c = classes(t);
            var first = c.get(0);
            c.set(0, c.get(1));
            c.set(1, first);
        }, "manifest.json: classes[0] (" + TestTrees.GOLDFISH + ") has index 1"));
        edits.add(new Edit("two classes' wnids and names swapped, indices kept", t -> {
            ObjectNode a = (ObjectNode) classes(t).get(0);
            ObjectNode b = (ObjectNode) classes(t).get(1);
            ObjectNode saved = a.deepCopy();
            a.set("wnid", b.get("wnid"));
            a.set("name", b.get("name"));
            b.set("wnid", saved.get("wnid"));
            b.set("name", saved.get("name"));
        }, "records in folder " + TestTrees.TENCH + "/ carry label 0 (" + TestTrees.GOLDFISH + "): classes "
                + "reordered or relabelled?"));
        edits.add(new Edit("a wnid changed", t -> ((ObjectNode) classes(t).get(0)).put("wnid", "n09999999"),
                "records in folder " + TestTrees.TENCH + "/ carry label 0 (n09999999): no class has wnid "
                        + TestTrees.TENCH + ": a wnid changed?"));
        edits.add(new Edit("a wnid changed to another class's", t -> ((ObjectNode) classes(t).get(2))
                .put("wnid", TestTrees.TENCH), "manifest.json: classes[0] and classes[2] have the same wnid "
                + TestTrees.TENCH));
        edits.add(new Edit("class_counts changed", t -> {
            ArrayNode counts = (ArrayNode) split(t, "train").get("class_counts");
            counts.set(1, counts.get(1).asLong() + 3);
        }, "manifest.json: split 'train' class_counts[1] (" + TestTrees.GOLDFISH + ") is "));
        edits.add(new Edit("mean changed", t -> {
            ArrayNode mean = (ArrayNode) split(t, "train").get("mean");
            mean.set(2, mean.get(2).asDouble() + 0.25);
        }, "manifest.json: split 'train' mean[2] is "));
        edits.add(new Edit("std changed", t -> ((ArrayNode) split(t, "val").get("std")).set(0, 1.0),
                "manifest.json: split 'val' std[0] is 1.0, the images give "));
        edits.add(new Edit("mean_image digest changed", t -> ((ObjectNode) split(t, "train").get("mean_image"))
                .put("sha256", "0".repeat(64)), "manifest.json: split 'train' mean_image (train.mean.npy) sha256 is "
                + "0000"));
        edits.add(new Edit("split count changed", t -> split(t, "val").put("count", 2),
                "manifest.json: split 'val' count is 2, the labels hold 3"));
        edits.add(new Edit("a shard's count changed", t -> ((ObjectNode) split(t, "train").get("shards").get(0))
                .put("count", 4), "manifest.json: split 'train' shard 0 (train-00000-of-00005.labels.npy) count "
                + "is 4, its labels file holds 5"));
        edits.add(new Edit("split deleted", t -> ((ObjectNode) t.get("splits")).remove("val"),
                "val-00000-of-00001.images.npy: in the directory but not in the manifest (a split deleted from "
                        + "manifest.json?)"));
        edits.add(new Edit("shard path ../x", t -> ((ObjectNode) split(t, "train").get("shards").get(0))
                .put("images", "../x.images.npy"), "manifest.json: split 'train' shard 0 images '../x.images.npy' "
                + "leaves the dataset directory"));
        edits.add(new Edit("absolute mean image path", t -> ((ObjectNode) split(t, "val").get("mean_image"))
                .put("file", "/etc/passwd"), "manifest.json: split 'val' mean_image '/etc/passwd' is an absolute "
                + "path"));
        return edits;
    }

    static Stream<Arguments> cases() {
        return edits().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}, checksum left as it was")
    @MethodSource("cases")
    void anEditWithTheOldChecksumIsRefusedByReadAndNamedByVerify(Edit edit) throws Exception {
        Path ds = copy();
        ObjectNode tree = tree(ds);
        edit.edit().accept(tree);
        writeTree(ds, tree);

        DatasetException refused = assertThrows(DatasetException.class, () -> ManifestIO.read(ds));
        assertTrue(refused.getMessage().contains("manifest.json was changed after it was written"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("`lowres verify " + ds + "` lists what"), refused.getMessage());
        assertThrows(DatasetException.class, () -> Dataset.open(ds));

        DatasetVerifier.Report report = verify(ds);
        assertProblem(report, "manifest.json: checksum mismatch");
        assertProblem(report, edit.expected());
    }

    @ParameterizedTest(name = "{0}, checksum removed")
    @MethodSource("cases")
    void anEditWithoutChecksumIsFoundByRecomputingFromTheFiles(Edit edit) throws Exception {
        Path ds = copy();
        ObjectNode tree = tree(ds);
        edit.edit().accept(tree);
        tree.remove("checksum");
        writeTree(ds, tree);

        DatasetVerifier.Report report = verify(ds);
        assertProblem(report, "manifest.json: no checksum");
        assertProblem(report, edit.expected());
        assertFalse(report.problems().stream().anyMatch(p -> p.contains("checksum mismatch")),
                "the files are unchanged: " + report.problems());
    }

    @Test
    void anEditWithARecomputedChecksumIsStillFoundInTheFiles() throws Exception {
        Path ds = copy();
        Manifest m = ManifestIO.read(ds);
        List<ClassEntry> swapped = new ArrayList<>(m.classes());
        swapped.set(0, new ClassEntry(0, m.classes().get(1).wnid(), m.classes().get(1).name()));
        swapped.set(1, new ClassEntry(1, m.classes().get(0).wnid(), m.classes().get(0).name()));
        ManifestIO.write(ds, new Manifest(m.format(), m.name(), m.image(), swapped, m.classOrder(), m.splits(),
                m.build(), m.skipped(), null));
        ManifestIO.read(ds);
        DatasetVerifier.Report report = verify(ds);
        assertProblem(report, "folder " + TestTrees.TENCH + "/ carry label 0 (" + TestTrees.GOLDFISH + ")");
        assertProblem(report, "folder " + TestTrees.GOLDFISH + "/ carr");
        assertEquals(2, report.problems().size(), "one line per folder, not per record: " + report.problems());
    }

    @Test
    void readRefusesFileNamesOutsideTheDatasetDirectoryNamingTheEntry() throws Exception {
        List<String> names = List.of("../x.images.npy", "/tmp/x.images.npy", "sub/../../x.images.npy", "");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Path ds = copy("copy" + i);
            ObjectNode tree = tree(ds);
            ((ObjectNode) split(tree, "train").get("shards").get(1)).put("labels", name);
            tree.remove("checksum");
            writeTree(ds, tree);
            DatasetException refused = assertThrows(DatasetException.class, () -> ManifestIO.read(ds), name);
            assertTrue(refused.getMessage().contains("split 'train' shard 1 labels '" + name + "'"),
                    refused.getMessage());
            DatasetVerifier.Report report = verify(ds);
            assertProblem(report, "manifest.json: split 'train' shard 1 labels '" + name + "'");
            assertProblem(report, "train-00001-of-00005.labels.npy: in the directory but not in the manifest");
        }
        assertNull(ManifestIO.unsafeName(built, "train.mean.npy"));
        assertNull(ManifestIO.unsafeName(built, "sub/train.mean.npy"));
    }

    @Test
    void classFolderDatasetsOfOtherNamesAndArrayDatasetsVerify() throws Exception {
        Path folders = TestTrees.classFolders(dir.resolve("folders"), 2, "cat", "dog", "emu");
        Path ds = dir.resolve("folders-ds");
        buildFrom(folders, ds);
        assertEquals(List.of(), verify(ds).problems());

        Path written = dir.resolve("written");
        DatasetWriter writer = new DatasetWriter(written, new Manifest.ImageShape(2, 2, 1),
                List.of(new ClassEntry(0, "a", "a"), new ClassEntry(1, "b", "b")), 3);
        writer.beginSplit("train", 4);
        for (int i = 0; i < 4; i++) {
            writer.add(new byte[] {(byte) i, 1, 2, (byte) (3 * i)}, 0, i % 2, "a/" + i);
        }
        writer.endSplit();
        Manifest m = writer.finish("tiny", "source", null);
        assertEquals(ManifestIO.read(written).checksum(), m.checksum(), "finish returns the manifest as written");
        // keys "a/0" .. "a/3" lie in folder a, the wnid of class 0, but two carry label 1
        DatasetVerifier.Report report = verify(written);
        assertEquals(List.of("manifest.json: split 'train': 2 records in folder a/ carry label 1 (b): classes "
                + "reordered or relabelled?"), report.problems());
    }
}
