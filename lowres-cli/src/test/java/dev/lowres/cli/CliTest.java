package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.testing.TestTrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end through {@link Main#run}: output, exit codes, error messages. */
class CliTest {
    @TempDir
    static Path shared;
    static Path tree;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run lowres(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeTree() throws IOException {
        tree = TestTrees.ilsvrc(shared.resolve("tree"));
    }

    @Test
    void buildInfoVerifyAndTheirSummaries() throws Exception {
        Path out = dir.resolve("ds");
        Run build = lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8,16", "-j", "2");
        assertEquals(0, build.code(), build.err());
        assertTrue(build.out().contains("found 26 inputs in 3 classes (ilsvrc layout): train 23, val 3"), build.out());
        assertTrue(build.out().contains("built 21 records (train 18, val 3), skipped 5 bad inputs"), build.out());
        assertTrue(build.out().contains("truncated=1"), build.out());
        Manifest m = Dataset.open(out.resolve("16x16")).manifest();
        assertEquals("lowres build -i " + tree + " -o " + out + " -s 8,16 -j 2", String.join(" ", m.build().command()));

        Run info = lowres("info", out.resolve("8x8").toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("image     3 x 8 x 8"), info.out());
        assertTrue(info.out().contains("n01440764  tench"), info.out());
        assertTrue(info.out().contains("skipped   5 inputs"), info.out());

        Run verify = lowres("verify", out.resolve("8x8").toString());
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().startsWith("OK: 21 records"), verify.out());
    }

    @Test
    void imagenetV2FoldersAreDetectedShownAndAForcedLayoutOnOtherFoldersExitsWithUsage() throws Exception {
        Path v2 = TestTrees.classFolders(dir.resolve("imagenetv2-matched-frequency-format-val"), 1, "0", "2", "10", "500");
        Path out = dir.resolve("v2ds");
        Run build = lowres("build", "-i", v2.toString(), "-o", out.toString(), "-s", "8", "-j", "1");
        assertEquals(0, build.code(), build.err());
        assertTrue(build.out().contains("found 4 inputs in 1000 classes (imagenetv2 layout): val 4"), build.out());
        assertTrue(build.out().contains("note: layout imagenetv2, detected: every class folder is a number 0 .. 999"),
                build.out());
        Manifest m = Dataset.open(out).manifest();
        assertEquals("imagenetv2", m.build().sourceLayout());
        assertEquals("n01530575", m.classes().get(10).wnid());
        short[] labels = Dataset.open(out).labels(m.splits().get("val").shards().get(0));
        assertEquals("[0, 2, 10, 500]", java.util.Arrays.toString(labels));

        Run info = lowres("info", out.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("layout    imagenetv2: class folder k held the k-th of the 1000 sorted"),
                info.out());
        assertTrue(info.out().contains("records per class: 0 .. 1"), info.out());

        Run forced = lowres("build", "-i", tree.toString(), "-o", dir.resolve("x").toString(), "--layout", "imagenetv2");
        assertEquals(ExitCodes.USAGE, forced.code());
        assertTrue(forced.err().contains("--layout imagenetv2 needs class folders named 0 .. 999"), forced.err());
        assertTrue(forced.err().contains("has folder 'train'"), forced.err());
        assertFalse(forced.err().contains("at dev.lowres"), forced.err());

        Run badLayout = lowres("build", "-i", v2.toString(), "-o", dir.resolve("x").toString(), "--layout", "v2");
        assertEquals(ExitCodes.USAGE, badLayout.code());
        assertTrue(badLayout.err().contains("valid: auto, wnid, imagenetv2"), badLayout.err());

        Run named = lowres("build", "-i", v2.toString(), "-o", dir.resolve("named").toString(), "-s", "8",
                "--layout", "wnid");
        assertEquals(0, named.code(), named.err());
        assertTrue(named.out().contains("found 4 inputs in 4 classes (class-folders layout): train 4"), named.out());

        Run help = lowres("build", "--help");
        assertTrue(help.out().contains("--layout=LAYOUT"), help.out());
    }

    @Test
    void verifyFailsNamingTheFlippedTruncatedOrMissingFile() throws Exception {
        Path out = dir.resolve("ds");
        assertEquals(0, lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8",
                "--shard-size", "6").code());
        Manifest m = Dataset.open(out).manifest();
        Manifest.Shard shard = m.splits().get("train").shards().get(1);
        Path images = out.resolve(shard.images());
        try (RandomAccessFile f = new RandomAccessFile(images.toFile(), "rw")) {
            f.seek(f.length() - 5);
            int b = f.read();
            f.seek(f.length() - 5);
            f.write(b ^ 0x01);
        }
        Run flipped = lowres("verify", out.toString());
        assertEquals(ExitCodes.DATA, flipped.code());
        assertTrue(flipped.err().contains(shard.images() + ": checksum mismatch"), flipped.err());

        Path labels = out.resolve(shard.labels());
        byte[] content = Files.readAllBytes(labels);
        Files.write(labels, java.util.Arrays.copyOf(content, content.length - 1));
        Run truncated = lowres("verify", out.toString());
        assertEquals(ExitCodes.DATA, truncated.code());
        assertTrue(truncated.err().contains(shard.labels() + ": truncated"), truncated.err());

        Files.delete(out.resolve(shard.keys()));
        Run missing = lowres("verify", out.toString());
        assertTrue(missing.err().contains(shard.keys() + ": missing"), missing.err());
    }

    @Test
    void verifyNamesAHandEditedManifestAndInfoRefusesIt() throws Exception {
        Path out = dir.resolve("ds");
        assertEquals(0, lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8").code());
        Path file = out.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) Json.mapper().readTree(file.toFile());
        ArrayNode classes = (ArrayNode) manifest.get("classes");
        ObjectNode tench = (ObjectNode) classes.get(0);
        ObjectNode goldfish = (ObjectNode) classes.get(1);
        tench.put("wnid", TestTrees.GOLDFISH).put("name", "goldfish");
        goldfish.put("wnid", TestTrees.TENCH).put("name", "tench");
        Files.write(file, Json.mapper().writeValueAsBytes(manifest));

        Run edited = lowres("verify", out.toString());
        assertEquals(ExitCodes.DATA, edited.code(), edited.err());
        assertTrue(edited.err().contains("manifest.json: checksum mismatch"), edited.err());
        assertTrue(edited.err().contains("records in folder " + TestTrees.TENCH + "/ carry label 0 ("
                + TestTrees.GOLDFISH + "): classes reordered or relabelled?"), edited.err());
        Run info = lowres("info", out.toString());
        assertEquals(ExitCodes.NO_INPUT, info.code());
        assertTrue(info.err().contains("manifest.json was changed after it was written")
                && info.err().contains("lowres verify " + out), info.err());

        manifest.remove("checksum");
        Files.write(file, Json.mapper().writeValueAsBytes(manifest));
        Run stripped = lowres("verify", out.toString());
        assertEquals(ExitCodes.DATA, stripped.code(), stripped.err());
        assertTrue(stripped.err().contains("manifest.json: no checksum"), stripped.err());
        assertTrue(stripped.err().contains("classes reordered or relabelled?"), stripped.err());
        Run older = lowres("info", out.toString());
        assertEquals(0, older.code(), older.err());
        assertTrue(older.out().contains("manifest without a checksum"), older.out());

        assertTrue(lowres("verify", "--help").out().contains("class_counts"));
    }

    @Test
    void errorsAreOneClearLineWithADocumentedExitCode() throws Exception {
        Run badSize = lowres("build", "-i", tree.toString(), "-o", dir.resolve("x").toString(), "-s", "0");
        assertEquals(ExitCodes.USAGE, badSize.code());
        assertTrue(badSize.err().contains("--size must be between 1 and 4096"), badSize.err());

        Run badFilter = lowres("build", "-i", tree.toString(), "-o", dir.resolve("x").toString(), "--resample", "cubic");
        assertEquals(ExitCodes.USAGE, badFilter.code());
        assertTrue(badFilter.err().contains("valid: nearest, box, bilinear, hamming, bicubic, lanczos"), badFilter.err());

        Run unknownOption = lowres("build", "--inptu", "x");
        assertEquals(ExitCodes.USAGE, unknownOption.code());

        Run noInput = lowres("build", "-i", dir.resolve("missing").toString(), "-o", dir.resolve("x").toString());
        assertEquals(ExitCodes.NO_INPUT, noInput.code());
        assertTrue(noInput.err().contains("input folder not found"), noInput.err());
        assertFalse(noInput.err().contains("at dev.lowres"), "no stack trace for a user error: " + noInput.err());

        Run notDataset = lowres("info", dir.toString());
        assertEquals(ExitCodes.NO_INPUT, notDataset.code());
        assertTrue(notDataset.err().contains("not a lowres dataset"), notDataset.err());

        Path out = dir.resolve("ds");
        assertEquals(0, lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8").code());
        Run again = lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already built"), again.out());
        Run other = lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8", "--resample", "lanczos");
        assertEquals(ExitCodes.CANT_CREATE, other.code());
        assertTrue(other.err().contains("--overwrite"), other.err());
    }

    @Test
    void buildRefusalsExitWithTheirDocumentedCodes() throws Exception {
        Path folders = TestTrees.classFolders(dir.resolve("folders"), 2, "cat", "dog");
        Run inside = lowres("build", "-i", folders.toString(), "-o", folders.resolve("out").toString(), "-s", "8");
        assertEquals(ExitCodes.USAGE, inside.code(), inside.err());
        assertTrue(inside.err().contains("is inside --input"), inside.err());

        Path out = dir.resolve("ds");
        Files.createDirectories(out.resolve("train-00000-of-00001.images.npy.tmp")); // the first write fails
        assertEquals(ExitCodes.IO, lowres("build", "-i", folders.toString(), "-o", out.toString(), "-s", "8").code());
        Files.deleteIfExists(out.resolve("train-00000-of-00001.images.npy.tmp"));
        Run other = lowres("build", "-i", tree.toString(), "-o", out.toString(), "-s", "8");
        assertEquals(ExitCodes.CANT_CREATE, other.code(), other.err());
        assertTrue(other.err().contains("unfinished build of other inputs"), other.err());

        try (var held = dev.lowres.data.store.BuildLock.acquire(dir.resolve("locked"))) {
            Run busy = lowres("build", "-i", folders.toString(), "-o", dir.resolve("locked").toString(), "-s", "8");
            assertEquals(ExitCodes.CANT_CREATE, busy.code(), busy.err());
            assertTrue(busy.err().contains("another lowres build is writing"), busy.err());
        }
    }

    @Test
    void emptyClassesAreReportedByBuildAndInfo() throws Exception {
        Path folders = TestTrees.classFolders(dir.resolve("folders"), 2, "cat", "dog");
        Files.createDirectories(folders.resolve("nothing-usable"));
        Files.writeString(folders.resolve("nothing-usable/notes.txt"), "not an image");
        Path out = dir.resolve("ds");
        Run build = lowres("build", "-i", folders.toString(), "-o", out.toString(), "-s", "8");
        assertEquals(0, build.code(), build.err());
        String line = "train: 1 of 3 classes have no record: nothing-usable";
        assertTrue(build.out().contains("warning: " + line), build.out());
        Run info = lowres("info", out.toString());
        assertTrue(info.out().contains("warning   " + line), info.out());
    }
}
