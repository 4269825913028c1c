package dev.lowres.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.DatasetBuilder;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.synth.SynthOptions;
import dev.lowres.data.synth.SyntheticImageNet;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spark-build process killed with SIGKILL mid-job: the rerun makes only the shards it had not committed. */
@Tag("heavy")
class SparkKillTest {
    @TempDir
    Path dir;

    @Test
    void aKilledJobResumesWithoutRedoingCommittedShardsAndGivesTheSameBytes() throws Exception {
        Path tree = dir.resolve("tree");
        SyntheticImageNet.write(tree, SynthOptions.defaults().withPerClass(150, 6), null);
        Path reference = dir.resolve("local");
        DatasetBuilder.build(BuildOptions.builder().input(tree).output(reference).sizes(List.of(16)).shardSize(10)
                .threads(2).build(), BuildListener.NONE);

        Path out = dir.resolve("spark");
        List<String> args = List.of("--master", "local[1]", "-q", "-i", tree.toString(), "-o", out.toString(),
                "-s", "16", "--shard-size", "10");
        Path log = dir.resolve("job.log");
        Process job = start(args, log);
        boolean exited;
        while (!(exited = job.waitFor(5, TimeUnit.MILLISECONDS)) && committed(out) < 3) {
            // poll until a few shards are committed
        }
        assertTrue(!exited, "the job ended before it could be killed: " + Files.readString(log));
        job.destroyForcibly().waitFor();
        long before = committed(out);
        assertTrue(before >= 3 && !Files.exists(out.resolve("manifest.json")), "killed mid-job: " + before);

        StringWriter text = new StringWriter();
        StringWriter errors = new StringWriter();
        assertEquals(0, BuildJob.run(args.toArray(String[]::new), new PrintWriter(text, true),
                new PrintWriter(errors, true)), errors.toString());
        assertTrue(text.toString().contains("resuming: "), text.toString());
        Map<String, byte[]> want = files(reference);
        Map<String, byte[]> got = files(out);
        assertEquals(want.keySet(), got.keySet(), "no temporary or attempt file left");
        want.keySet().stream().filter(f -> !f.equals("manifest.json"))
                .forEach(f -> assertArrayEquals(want.get(f), got.get(f), f));
    }

    private static Process start(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BuildJob.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static long committed(Path out) throws Exception {
        Path journal = out.resolve(BuildState.DIR);
        if (!Files.isDirectory(journal)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".done.json")).count();
        }
    }

    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
