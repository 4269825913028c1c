package dev.lowres.data.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.store.BuildLock;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.EmptyClasses;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.OutputInUseException;
import dev.lowres.data.testing.Fixtures;
import dev.lowres.data.testing.TestTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs and situations found by trying the builder as a new user would. */
class BuilderInputsTest {
    @TempDir
    Path dir;

    private static BuildOptions.Builder options(Path input, Path output) {
        return BuildOptions.builder().input(input).output(output).sizes(List.of(8)).threads(2).shardSize(4);
    }

    @Test
    void anOutputInsideTheInputIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("tree"), 3, "cat", "dog");
        for (Path output : List.of(tree.resolve("out"), tree, tree.resolve("cat/../out/deeper"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DatasetBuilder.build(options(tree, output).build(), BuildListener.NONE));
            assertTrue(e.getMessage().contains("is inside --input"), e.getMessage());
        }
        Path link = Files.createSymbolicLink(dir.resolve("link"), tree);
        assertThrows(IllegalArgumentException.class,
                () -> DatasetBuilder.build(options(tree, link.resolve("out")).build(), BuildListener.NONE));
        try (var files = Files.list(tree)) {
            assertEquals(List.of("cat", "dog"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing written into the input");
        }
        // a sibling whose name starts with the input's is not inside it
        BuildResult ok = DatasetBuilder.build(options(tree, dir.resolve("tree-out")).build(), BuildListener.NONE);
        assertEquals(6, ok.totalRecords());
    }

    @Test
    void lowresBuildRefusesAUrlNamingTheOptionAndTheSparkBuild() {
        BuildArguments args = new BuildArguments();
        picocli.CommandLine.populateCommand(args, "-i", "hdfs://namenode:8020/ILSVRC2012", "-o", "out");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, args::toOptions);
        assertTrue(e.getMessage().startsWith("--input: hdfs://namenode:8020/ILSVRC2012 is a URL")
                && e.getMessage().contains("use lowres spark-build"), e.getMessage());
        // a resolver of another file system gets the values as they were typed
        List<String> seen = new java.util.ArrayList<>();
        picocli.CommandLine.populateCommand(args, "-i", "x://in", "-o", "x://out", "--val-labels", "x://labels");
        BuildOptions options = args.toOptions(v -> {
            seen.add(v);
            return Path.of(v.substring(4));
        }).build();
        assertEquals(List.of("x://in", "x://out", "x://labels"), seen);
        assertEquals(Path.of("in"), options.input());
        assertEquals(Path.of("labels"), options.scan().valLabels());
    }

    @Test
    void aFileNameWithALineBreakIsSkippedWithItsReasonAndTheRestIsBuilt() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("tree"), 4, "cat", "dog");
        Files.copy(tree.resolve("cat/img0.png"), tree.resolve("cat/two\nlines.png"));
        Files.copy(tree.resolve("dog/img0.png"), tree.resolve("dog/carriage\rreturn.png"));
        Path out = dir.resolve("ds");
        BuildResult result = DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE);
        assertEquals(8, result.totalRecords());
        assertEquals(Map.of("bad_file_name", 2L), result.skippedByReason());
        Manifest m = Dataset.open(out).manifest();
        assertEquals(List.of("cat/two\nlines.png", "dog/carriage\rreturn.png"),
                m.skipped().stream().map(Manifest.Skipped::key).toList());
        assertTrue(m.skipped().get(0).message().contains("line break"), m.skipped().get(0).message());
    }

    @Test
    void aSecondBuildIntoTheSameOutputFailsAtOnceWhileTheFirstHoldsIt() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("tree"), 2, "cat", "dog");
        Path out = dir.resolve("ds");
        try (BuildLock held = BuildLock.acquire(out)) {
            OutputInUseException e = assertThrows(OutputInUseException.class,
                    () -> DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE));
            assertTrue(e.getMessage().contains("another lowres build is writing " + out), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertFalse(Files.exists(out.resolve(".lowres-build")), "the refused build wrote no journal");
        }
        assertEquals(4, DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE).totalRecords());
        assertFalse(Files.exists(out.resolve(BuildLock.FILE)), "the lock file is removed when the build ends");
    }

    @Test
    void anUnfinishedBuildOfOtherInputsIsAnOutputInUse() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("tree"), 2, "cat", "dog");
        Path other = TestTrees.classFolders(dir.resolve("other"), 2, "cow");
        Path out = dir.resolve("ds");
        Files.createDirectories(out.resolve("train-00000-of-00001.images.npy.tmp")); // the first write fails
        assertThrows(IOException.class, () -> DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE));
        Files.deleteIfExists(out.resolve("train-00000-of-00001.images.npy.tmp"));
        OutputInUseException e = assertThrows(OutputInUseException.class,
                () -> DatasetBuilder.build(options(other, out).build(), BuildListener.NONE));
        assertTrue(e.getMessage().contains("unfinished build of other inputs"), e.getMessage());
    }

    @Test
    void aResumedBuildCountsTheSkippedInputsOfEveryAttempt() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("tree"), 4, "cat", "dog");
        for (String bad : List.of("empty.JPEG", "truncated.JPEG")) {
            Files.copy(Fixtures.bad().resolve(bad), tree.resolve("cat/" + bad)); // in the first shards
        }
        BuildResult reference = DatasetBuilder.build(options(tree, dir.resolve("reference")).build(),
                BuildListener.NONE);
        assertEquals(Map.of("empty", 1L, "truncated", 1L), reference.skippedByReason());

        Path out = dir.resolve("resumed");
        Path obstacle = Files.createDirectories(out.resolve("train-00002-of-00003.images.npy.tmp"));
        assertThrows(IOException.class, () -> DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE));
        Files.deleteIfExists(obstacle); // the failed write removes it, as it removes any temporary file
        AtomicInteger seenThisTime = new AtomicInteger();
        BuildResult resumed = DatasetBuilder.build(options(tree, out).build(), new BuildListener() {
            @Override
            public void skipped(Manifest.Skipped skipped) {
                seenThisTime.incrementAndGet();
            }
        });
        assertEquals(8, resumed.resumed(), "two shards of four inputs were finished by the first attempt");
        assertEquals(0, seenThisTime.get(), "the bad inputs were in the finished shards");
        assertEquals(reference.skippedByReason(), resumed.skippedByReason());
        assertEquals(2, resumed.skippedCount());
        assertEquals(reference.skipped(), Dataset.open(out).manifest().skipped());
    }

    @Test
    void aClassFolderWithoutAUsableImageIsReported() throws Exception {
        Path tree = TestTrees.classFolders(dir.resolve("tree"), 2, "cat", "dog");
        Files.createDirectories(tree.resolve("empty-folder"));
        Files.createDirectories(tree.resolve("only-bad"));
        Files.copy(Fixtures.bad().resolve("truncated.JPEG"), tree.resolve("only-bad/truncated.JPEG"));
        Path out = dir.resolve("ds");
        BuildResult result = DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE);
        assertEquals(List.of(new EmptyClasses("train", 4, List.of("empty-folder", "only-bad"))),
                result.emptyClasses());
        assertEquals(result.emptyClasses(), EmptyClasses.of(Dataset.open(out).manifest()));
        assertEquals("train: 2 of 4 classes have no record: empty-folder, only-bad",
                result.emptyClasses().get(0).describe());
        BuildResult again = DatasetBuilder.build(options(tree, out).build(), BuildListener.NONE);
        assertTrue(again.alreadyBuilt());
        assertEquals(result.emptyClasses(), again.emptyClasses());
    }
}
