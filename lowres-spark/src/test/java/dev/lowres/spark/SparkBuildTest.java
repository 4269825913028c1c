package dev.lowres.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.BuildPlan;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.DatasetVerifier;
import dev.lowres.data.testing.TestTrees;
import dev.lowres.spark.fs.RemoteLikeFileSystem;
import java.io.IOException;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark build gives a local build's bytes, whatever its tasks go through. */
class SparkBuildTest {
    @TempDir
    static Path shared;
    static Path tree;
    static Path reference;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildLocally() throws Exception {
        tree = TestTrees.ilsvrc(shared.resolve("tree"));
        reference = shared.resolve("local");
        DatasetBuilder.build(options(reference).threads(2).build(), BuildListener.NONE);
    }

    /** Five train shards and one val shard; two sizes from one decode, with the bad fixtures skipped. */
    static BuildOptions.Builder options(Path output) {
        return BuildOptions.builder().input(tree).output(output).sizes(List.of(8, 16)).shardSize(5);
    }

    static <T> T withSpark(String master, Function<JavaSparkContext, T> job) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("lowres-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            return job.apply(spark);
        }
    }

    interface Build {
        BuildResult run(JavaSparkContext spark) throws Exception;
    }

    static BuildResult build(String master, Build build) throws Exception {
        Object result = withSpark(master, spark -> {
            try {
                return build.run(spark);
            } catch (Exception e) {
                return e;
            }
        });
        if (result instanceof Exception e) {
            throw e;
        }
        return (BuildResult) result;
    }

    @Test
    void theDatasetsAreByteIdenticalToALocalBuildForAnyNumberOfExecutorCores() throws Exception {
        for (String master : List.of("local[1]", "local[3]")) {
            Path out = dir.resolve(master.replaceAll("\\W", ""));
            BuildResult result = build(master, spark -> SparkBuild.build(spark,
                    BuildPlan.scan(options(out).build()), 1, BuildListener.NONE));
            assertEquals(Map.of("train", 18L, "val", 3L), result.records());
            assertEquals(5, result.skippedCount(), "the bad fixtures are skipped and recorded as locally");
            for (String size : List.of("8x8", "16x16")) {
                assertSameFiles(reference.resolve(size), out.resolve(size));
                assertTrue(DatasetVerifier.verify(out.resolve(size), n -> { }).ok());
            }
        }
    }

    @Test
    void aTaskThatFailsAfterWritingIsRetriedAndGivesTheSameBytes() throws Exception {
        Path out = dir.resolve("retried");
        // local[2,3]: two cores, a task may fail 3 times; shards 0 and 3 of train fail on their first attempt
        BuildResult result = build("local[2,3]", spark -> SparkBuild.build(spark,
                BuildPlan.scan(options(out).build()), 2, BuildListener.NONE, (shard, attempt) -> {
                    if (attempt == 0 && shard.split().equals("train") && (shard.index() == 0 || shard.index() == 3)) {
                        throw new IOException("injected failure of " + shard.baseName() + " after its writes");
                    }
                }));
        assertEquals(21, result.totalRecords());
        for (String size : List.of("8x8", "16x16")) {
            assertSameFiles(reference.resolve(size), out.resolve(size));
        }
    }

    @Test
    void aJobThatDiesKeepsItsCommittedShardsAndARerunMakesOnlyTheRest() throws Exception {
        Path out = dir.resolve("killed");
        // the last train shard fails on every attempt: the job fails after committing the shards before it
        IOException failure = assertThrows(IOException.class, () -> build("local[1,2]",
                spark -> SparkBuild.build(spark, BuildPlan.scan(options(out).build()), 1, BuildListener.NONE,
                        (shard, attempt) -> {
                    if (shard.baseName().equals("train-00004-of-00005")) {
                        throw new IOException("injected failure of " + shard.baseName());
                    }
                })));
        assertTrue(failure.getMessage().contains("injected failure of train-00004-of-00005"), failure.getMessage());
        assertFalse(Files.exists(out.resolve("8x8/manifest.json")), "no manifest after a failed job");
        List<String> committed;
        try (Stream<Path> journal = Files.list(out.resolve("8x8").resolve(BuildState.DIR))) {
            committed = journal.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".done.json")).toList();
        }
        assertTrue(committed.contains("train-00000-of-00005.done.json"), "shards committed before the failure are "
                + "in the journal: " + committed);
        // train shards hold 5 inputs, the one val shard 3
        long committedInputs = committed.stream().mapToLong(f -> f.startsWith("val") ? 3 : 5).sum();
        Path first = out.resolve("8x8/train-00000-of-00005.images.npy");
        Object inode = Files.readAttributes(first, "unix:ino").get("ino");

        BuildResult rerun = build("local[2]", spark -> SparkBuild.build(spark, BuildPlan.scan(options(out).build()),
                1, BuildListener.NONE));
        assertEquals(committedInputs, rerun.resumed(), "the committed shards are not made again");
        assertEquals(inode, Files.readAttributes(first, "unix:ino").get("ino"), "a committed shard is not rewritten");
        for (String size : List.of("8x8", "16x16")) {
            assertSameFiles(reference.resolve(size), out.resolve(size));
        }
    }

    @Test
    void theCommandLineBuildsAndRefusesAsLowresBuildDoes() throws Exception {
        Path out = dir.resolve("cli");
        StringWriter text = new StringWriter();
        StringWriter errors = new StringWriter();
        int code = BuildJob.run(new String[] {"--master", "local[2]", "-q", "-i", tree.toString(), "-o",
                out.toString(), "-s", "8,16", "--shard-size", "5"}, new PrintWriter(text, true),
                new PrintWriter(errors, true));
        assertEquals(0, code, errors.toString());
        assertTrue(text.toString().contains("built 21 records (train 18, val 3), skipped 5 bad inputs"), text.toString());
        // the same files; the manifests differ in their provenance only (the command line)
        Map<String, byte[]> want = files(reference.resolve("16x16"));
        Map<String, byte[]> got = files(out.resolve("16x16"));
        assertEquals(want.keySet(), got.keySet());
        want.keySet().stream().filter(f -> !f.equals("manifest.json"))
                .forEach(f -> assertArrayEquals(want.get(f), got.get(f), f));
        Manifest local = Dataset.open(reference.resolve("16x16")).manifest();
        Manifest spark = Dataset.open(out.resolve("16x16")).manifest();
        assertEquals(List.of("lowres", "spark-build"), spark.build().command().subList(0, 2));
        assertEquals(Json.mapper().writeValueAsString(withoutProvenance(local)),
                Json.mapper().writeValueAsString(withoutProvenance(spark)));

        StringWriter err = new StringWriter();
        assertEquals(2, BuildJob.run(new String[] {"--master", "local[1]", "-i", tree.toString(), "-o",
                tree.resolve("inside").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err, true)));
        assertTrue(err.toString().contains("is inside --input"), err.toString());

        StringWriter url = new StringWriter();
        assertEquals(2, BuildJob.run(new String[] {"-i", "nosuchfs://namenode/ILSVRC2012", "-o", out.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(url, true)));
        assertTrue(url.toString().contains("--input: Hadoop has no file system for 'nosuchfs://'"), url.toString());
        StringWriter refused = new StringWriter();
        assertEquals(74, BuildJob.run(new String[] {"-i", "hdfs://127.0.0.1:9/ILSVRC2012", "-o", out.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(refused, true)), refused::toString);
        assertTrue(refused.toString().contains("cannot read hdfs://127.0.0.1:9/ILSVRC2012: Call From")
                && refused.toString().contains("Connection refused"), "Hadoop's reason, not 'input not found': "
                + refused);
    }

    @Test
    void aBuildFromAndIntoAHadoopFileSystemReadsAndWritesThroughHadoopWithTheSameBytes() throws Exception {
        Path out = dir.resolve("hadoop");
        long opens = RemoteLikeFileSystem.OPENS.get();
        long creates = RemoteLikeFileSystem.CREATES.get();
        long renames = RemoteLikeFileSystem.RENAMES.get();
        String[] args = {"--master", "local[2]", "-q", "-i", RemoteLikeFileSystem.uri(tree), "-o",
            RemoteLikeFileSystem.uri(out), "-s", "8,16", "--shard-size", "5"};
        StringWriter text = new StringWriter();
        StringWriter errors = new StringWriter();
        assertEquals(0, BuildJob.run(args, new PrintWriter(text, true), new PrintWriter(errors, true)),
                errors.toString());
        assertTrue(text.toString().contains("built 21 records (train 18, val 3), skipped 5 bad inputs"), text.toString());
        // 26 inputs (5 of them bad) read, 2 sizes x 6 shards x 2 files and the manifests written, through Hadoop
        assertTrue(RemoteLikeFileSystem.OPENS.get() - opens >= 26, "inputs opened through Hadoop");
        assertTrue(RemoteLikeFileSystem.CREATES.get() - creates >= 2 * 6 * 2 + 2, "files created through Hadoop");
        assertTrue(RemoteLikeFileSystem.RENAMES.get() - renames >= 2 * 6 * 2 + 2, "files committed by Hadoop renames");
        assertFalse(Files.exists(Path.of(RemoteLikeFileSystem.SCHEME + ":")), "nothing taken for a local path");
        for (String size : List.of("8x8", "16x16")) {
            Map<String, byte[]> want = files(reference.resolve(size));
            Map<String, byte[]> got = files(out.resolve(size));
            assertEquals(want.keySet(), got.keySet(), "no lock, temporary or attempt file is left: " + got.keySet());
            want.keySet().stream().filter(f -> !f.equals("manifest.json"))
                    .forEach(f -> assertArrayEquals(want.get(f), got.get(f), f));
            Manifest local = Dataset.open(reference.resolve(size)).manifest();
            Manifest hadoop = Dataset.open(out.resolve(size)).manifest();
            assertEquals(RemoteLikeFileSystem.uri(tree), hadoop.build().source(), "the manifest names the Hadoop input");
            // provenance aside (the command, the input's location in the source, the notes and the plan's hash)
            String plan = "\"plan_sha256\" : \"[0-9a-f]+/";
            assertEquals(Json.mapper().writeValueAsString(withoutProvenance(local, "")).replaceAll(plan, ""),
                    Json.mapper().writeValueAsString(withoutProvenance(hadoop, ""))
                            .replace(RemoteLikeFileSystem.uri(tree), tree.toString()).replaceAll(plan, ""));
            assertTrue(DatasetVerifier.verify(out.resolve(size), n -> { }).ok());
        }

        // a lock left behind (a killed build on a file system without OS locks) is named, then honoured once gone
        Path lock = out.resolve("16x16/" + dev.lowres.data.store.BuildLock.FILE);
        Files.writeString(lock, "pid 4242, started 2026-12-04T00:00:00Z on node7");
        StringWriter held = new StringWriter();
        assertEquals(73, BuildJob.run(args, new PrintWriter(new StringWriter()), new PrintWriter(held, true)),
                held::toString);
        assertTrue(held.toString().contains("(pid 4242, started 2026-12-04T00:00:00Z on node7)")
                && held.toString().contains("remove " + RemoteLikeFileSystem.SCHEME), held.toString());
        Files.delete(lock);
        StringWriter again = new StringWriter();
        assertEquals(0, BuildJob.run(args, new PrintWriter(again, true), new PrintWriter(new StringWriter())));
        assertFalse(Files.exists(lock), "the lock file is removed when the build ends");
    }

    @Test
    void aLocalMasterGivesEachTaskEveryCoreAndAClusterOneUnlessSparkSaysOtherwise() {
        assertEquals(2, BuildJob.taskCpus(new SparkConf().setMaster("local[2]")));
        assertEquals(4, BuildJob.taskCpus(new SparkConf().setMaster("local[4,3]")));
        assertEquals(Runtime.getRuntime().availableProcessors(), BuildJob.taskCpus(new SparkConf().setMaster("local[*]")));
        assertEquals(3, BuildJob.taskCpus(new SparkConf().setMaster("local[4]").set("spark.task.cpus", "3")));
        assertEquals(1, BuildJob.taskCpus(new SparkConf().setMaster("spark://head:7077")));
    }

    private static Manifest withoutProvenance(Manifest m) {
        return withoutProvenance(m, m.build().source());
    }

    /** The manifest without its command line, and with {@code source} for its input. */
    static Manifest withoutProvenance(Manifest m, String source) {
        Manifest.BuildInfo b = m.build();
        return new Manifest(m.format(), m.name(), m.image(), m.classes(), m.classOrder(), m.splits(),
                new Manifest.BuildInfo(b.tool(), source, b.sourceLayout(), b.resample(), b.decode(), b.options(),
                        List.of()), m.skipped(), null);
    }

    /** Every file of {@code expected} is in {@code actual} with the same bytes, and no other file is. */
    static void assertSameFiles(Path expected, Path actual) throws IOException {
        Map<String, byte[]> want = files(expected);
        Map<String, byte[]> got = files(actual);
        assertEquals(want.keySet(), got.keySet(), actual.toString());
        for (String name : want.keySet()) {
            assertArrayEquals(want.get(name), got.get(name), actual.resolve(name).toString());
        }
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
