package dev.lowres.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mechanisms a shard-per-task build job relies on, in Spark's local mode: per-partition tasks that write
 * files named by partition and attempt, retries of a failed task ({@code local[N,maxFailures]}), and
 * Hadoop's FileSystem API for writing, reading and committing (renaming) files.
 *
 * <p>Every context is bound to 127.0.0.1 with the UI off, and needs no network beyond the loopback (the
 * module's Surefire configuration also sets {@code SPARK_LOCAL_IP=127.0.0.1}). It prints how long each
 * context took to start and stop.
 */
class SparkMechanismsTest {
    private static final int N = 8;

    @TempDir
    Path temp;

    /** What one task reports back to the driver. */
    record TaskResult(int value, int partition, int attempt, long result, String file) implements Serializable {
    }

    private SparkConf conf(String master) {
        return new SparkConf()
                .setMaster(master)
                .setAppName("lowres-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
    }

    /** Starts a context, printing how long its start and stop took. */
    private <T> T withSpark(String master, SparkJob<T> job) throws Exception {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = new JavaSparkContext(conf(master));
        long t1 = System.nanoTime();
        try {
            return job.run(jsc);
        } finally {
            long t2 = System.nanoTime();
            jsc.close();
            long t3 = System.nanoTime();
            System.out.printf("Spark %s %s: start %d ms, stop %d ms, start+stop %d ms (job %d ms)%n",
                    jsc.version(), master, (t1 - t0) / 1_000_000, (t3 - t2) / 1_000_000,
                    (t1 - t0 + t3 - t2) / 1_000_000, (t2 - t1) / 1_000_000);
        }
    }

    @FunctionalInterface
    private interface SparkJob<T> {
        T run(JavaSparkContext jsc) throws Exception;
    }

    /** The computation each task does for its value (a stand-in for building a shard). */
    static long compute(int value) {
        long h = 1125899906842597L;
        for (int i = 0; i < 10_000; i++) {
            h = 31 * h + (value * 7919L + i);
        }
        return h;
    }

    /**
     * One task: computes, writes {@code part-PPPPP-attempt-A.tmp}, fails if asked to on this partition's
     * first attempt (after writing, as a crash mid-shard would), else renames it to {@code part-PPPPP}.
     */
    static TaskResult task(int value, String outDir, int failPartition) throws IOException {
        TaskContext ctx = TaskContext.get();
        int partition = ctx.partitionId();
        int attempt = ctx.attemptNumber();
        long result = compute(value);
        String name = String.format("part-%05d-attempt-%d.tmp", partition, attempt);
        Path tmp = Path.of(outDir, name);
        Files.writeString(tmp, value + " " + result + "\n");
        if (partition == failPartition && attempt == 0) {
            throw new IllegalStateException("injected failure: partition " + partition + " attempt " + attempt);
        }
        Path done = Path.of(outDir, String.format("part-%05d", partition));
        Files.move(tmp, done);
        return new TaskResult(value, partition, attempt, result, done.getFileName().toString() + " <- " + name);
    }

    private static List<TaskResult> runJob(JavaSparkContext jsc, Path out, int failPartition) throws IOException {
        Files.createDirectories(out);
        String dir = out.toString();
        List<Integer> values = IntStream.range(0, N).map(i -> 100 + i).boxed().toList();
        List<TaskResult> results = new ArrayList<>(
                jsc.parallelize(values, N).map(v -> task(v, dir, failPartition)).collect());
        results.sort(Comparator.comparingInt(TaskResult::partition));
        return results;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static void assertCommitted(Path out, List<TaskResult> results) throws IOException {
        assertEquals(N, results.size());
        for (int p = 0; p < N; p++) {
            TaskResult r = results.get(p);
            assertEquals(p, r.partition(), "one result per partition");
            assertEquals(100 + p, r.value(), "partition p holds the p-th value");
            assertEquals(compute(r.value()), r.result());
            String content = Files.readString(out.resolve(String.format("part-%05d", p)));
            assertEquals(r.value() + " " + r.result() + "\n", content);
        }
    }

    @Test
    void tasksWriteFilesNamedByPartitionAndAttempt() throws Exception {
        Path out = temp.resolve("out");
        List<TaskResult> results = withSpark("local[2]", jsc -> runJob(jsc, out, -1));
        assertCommitted(out, results);
        for (TaskResult r : results) {
            assertEquals(0, r.attempt(), "no task was retried: " + r);
            assertEquals(String.format("part-%05d <- part-%05d-attempt-0.tmp", r.partition(), r.partition()), r.file());
        }
        Set<String> expected = IntStream.range(0, N).mapToObj(p -> String.format("part-%05d", p))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, names(out), "only committed files, no temporary ones left");
    }

    @Test
    void aFailedTaskIsRetriedAndTheJobMatchesOneWithoutFailures() throws Exception {
        int failing = 3;
        Path clean = temp.resolve("clean");
        Path retried = temp.resolve("retried");
        List<List<TaskResult>> runs = withSpark("local[2,3]",
                jsc -> List.of(runJob(jsc, clean, -1), runJob(jsc, retried, failing)));
        List<TaskResult> withoutFailure = runs.get(0);
        List<TaskResult> withFailure = runs.get(1);
        assertCommitted(clean, withoutFailure);
        assertCommitted(retried, withFailure);

        for (int p = 0; p < N; p++) {
            TaskResult a = withoutFailure.get(p);
            TaskResult b = withFailure.get(p);
            assertEquals(a.value(), b.value());
            assertEquals(a.result(), b.result(), "partition " + p + ": same result with and without the failure");
            assertEquals(p == failing ? 1 : 0, b.attempt(), "only the failing partition ran twice: " + b);
            assertEquals(Files.readString(clean.resolve(String.format("part-%05d", p))),
                    Files.readString(retried.resolve(String.format("part-%05d", p))));
        }
        // the failed attempt's temporary file stays behind (the job must ignore or remove *.tmp); it never
        // became a final name
        Set<String> expected = new TreeSet<>();
        IntStream.range(0, N).forEach(p -> expected.add(String.format("part-%05d", p)));
        expected.add(String.format("part-%05d-attempt-0.tmp", failing));
        assertEquals(expected, names(retried));
    }

    @Test
    void withoutRetriesTheInjectedFailureFailsTheJob() throws Exception {
        // local[2] allows a task one attempt only (spark.task.maxFailures is not read in local mode)
        Path out = temp.resolve("no-retries");
        SparkException e = withSpark("local[2]",
                jsc -> assertThrows(SparkException.class, () -> runJob(jsc, out, 3)));
        assertTrue(String.valueOf(e.getMessage()).contains("injected failure: partition 3 attempt 0"), e.getMessage());
        assertFalse(Files.exists(out.resolve("part-00003")));
    }

    @Test
    void hadoopFileSystemWritesReadsAndCommitsLocalFiles() throws Exception {
        Configuration conf = new Configuration();
        byte[] content = "shard 0\n".getBytes(StandardCharsets.UTF_8);

        // a file:// URI and a plain local path (the default file system is file:///)
        org.apache.hadoop.fs.Path uriDir = new org.apache.hadoop.fs.Path(temp.resolve("uri").toUri());
        org.apache.hadoop.fs.Path plainDir = new org.apache.hadoop.fs.Path(temp.resolve("plain").toString());
        assertEquals("file", uriDir.toUri().getScheme());
        assertEquals(null, plainDir.toUri().getScheme());
        for (org.apache.hadoop.fs.Path dir : List.of(uriDir, plainDir)) {
            FileSystem fs = dir.getFileSystem(conf);
            assertEquals(URI.create("file:///"), fs.getUri());
            org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir, "part-00000.tmp");
            org.apache.hadoop.fs.Path done = new org.apache.hadoop.fs.Path(dir, "part-00000");
            try (OutputStream os = fs.create(tmp, false)) {
                os.write(content);
            }
            try (InputStream in = fs.open(tmp)) {
                assertEquals(new String(content, StandardCharsets.UTF_8),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertTrue(fs.rename(tmp, done), "the commit step");
            assertFalse(fs.exists(tmp));
            assertEquals(content.length, fs.getFileStatus(done).getLen());
            try (InputStream in = fs.open(done)) {
                assertEquals(Arrays.toString(content), Arrays.toString(in.readAllBytes()));
            }
            // the same file through java.nio
            Path local = Path.of(fs.makeQualified(done).toUri());
            assertEquals(new String(content, StandardCharsets.UTF_8), Files.readString(local));
            // file:// is Hadoop's checksummed LocalFileSystem: it writes a .crc beside each file
            // (renamed with it); a dataset directory must not get these (see below)
            assertEquals(Set.of("part-00000", ".part-00000.crc"), names(local.getParent()));
        }

        // without the .crc: the raw local file system, or checksums off
        FileSystem raw = FileSystem.getLocal(conf).getRawFileSystem();
        org.apache.hadoop.fs.Path rawDir = new org.apache.hadoop.fs.Path(temp.resolve("raw").toUri());
        try (OutputStream os = raw.create(new org.apache.hadoop.fs.Path(rawDir, "a.tmp"), false)) {
            os.write(content);
        }
        assertTrue(raw.rename(new org.apache.hadoop.fs.Path(rawDir, "a.tmp"), new org.apache.hadoop.fs.Path(rawDir, "a")));
        FileSystem unchecked = FileSystem.newInstance(URI.create("file:///"), conf);
        unchecked.setWriteChecksum(false);
        try (OutputStream os = unchecked.create(new org.apache.hadoop.fs.Path(rawDir, "b"), false)) {
            os.write(content);
        }
        unchecked.close();
        assertEquals(Set.of("a", "b"), names(temp.resolve("raw")));
    }

    @Test
    void tasksCommitThroughHadoopAndUseLowresData() throws Exception {
        String dir = temp.resolve("hadoop-out").toUri().toString(); // file:///...
        List<String> reports = withSpark("local[2]", jsc -> jsc.parallelize(
                IntStream.range(0, N).boxed().toList(), N).map(i -> {
                    TaskContext ctx = TaskContext.get();
                    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir);
                    FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem(); // no .crc
                    String name = String.format("part-%05d", ctx.partitionId());
                    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(out,
                            name + "-attempt-" + ctx.attemptNumber() + ".tmp");
                    try (OutputStream os = fs.create(tmp, false)) {
                        os.write((i + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    if (!fs.rename(tmp, new org.apache.hadoop.fs.Path(out, name))) {
                        throw new IOException("rename failed: " + tmp);
                    }
                    return SparkCheck.check(i); // lowres-data's decoder and Jackson inside a task
                }).collect());

        assertEquals(N, reports.size());
        for (int i = 0; i < N; i++) {
            JsonNode report = Json.mapper().readTree(reports.get(i));
            assertEquals(i, report.get("task").asInt());
            assertEquals(i, report.get("partition").asInt());
            assertTrue(report.get("exact").asBoolean(), reports.get(i));
        }
        FileSystem fs = FileSystem.get(URI.create(dir), new Configuration());
        FileStatus[] files = fs.listStatus(new org.apache.hadoop.fs.Path(dir));
        Set<String> names = Arrays.stream(files).map(f -> f.getPath().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = IntStream.range(0, N).mapToObj(p -> String.format("part-%05d", p))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, names);
        for (int p = 0; p < N; p++) {
            try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir, String.format("part-%05d", p)))) {
                assertEquals(p + "\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
