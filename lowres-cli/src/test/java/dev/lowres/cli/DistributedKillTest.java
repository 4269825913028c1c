package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.export.Safetensors;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rank of {@code train --nproc 2} killed with SIGKILL in the middle of the run: the other rank and the
 * launcher stop within the timeout, naming the dead rank; {@code --resume --nproc 2} then finishes with the
 * metrics (timings aside) and the weights of an uninterrupted two-rank run, bit for bit.
 */
@Tag("heavy")
class DistributedKillTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path whole;
    static final String[] RECIPE = {"-m", "wrn-8-1", "-b", "16", "--epochs", "12", "--set", "checkpoint_every_steps=5",
        "--set", "log_every_steps=3", "--dist-timeout", "60", "-q"};

    @BeforeAll
    static void dataAndAnUninterruptedRun() throws Exception {
        data = dir.resolve("ds");
        assertEquals(0, CliTest.lowres("synth", "-o", dir.resolve("tree").toString(), "--classes", "4",
                "--train-per-class", "32", "--val-per-class", "5", "--min-side", "40", "--max-side", "60",
                "--no-broken-files", "-q").code());
        assertEquals(0, CliTest.lowres("build", "-i", dir.resolve("tree").toString(), "-o", data.toString(), "-s",
                "16", "-q").code());
        whole = dir.resolve("whole");
        Process uninterrupted = lowres(dir.resolve("whole.log"), train(data, "-o", whole, RECIPE));
        assertTrue(uninterrupted.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, uninterrupted.exitValue(), Files.readString(dir.resolve("whole.log")));
    }

    @Test
    void aDeadRankStopsTheGroupAndTheRunResumesExactly() throws Exception {
        String[] recipe = RECIPE;
        Path killed = dir.resolve("killed");
        Path log = dir.resolve("killed.log");
        Process launcher = lowres(log, train(data, "-o", killed, recipe));
        long rank1 = pidOfRank1(log);
        // kill it once the run has checkpointed and gone on
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(killed.resolve("checkpoints/last.safetensors")) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // and gone on: a metrics line written after the checkpoint (a poll, not a clock: a fast machine may
        // finish the run in less than any fixed delay)
        long linesAtCheckpoint = lineCount(killed.resolve("metrics.jsonl"));
        while (launcher.isAlive() && lineCount(killed.resolve("metrics.jsonl")) <= linesAtCheckpoint
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(launcher.isAlive(), "the run finished before it could be killed: " + Files.readString(log));
        ProcessHandle.of(rank1).orElseThrow().destroyForcibly();
        long killedAt = System.nanoTime();
        assertTrue(launcher.waitFor(2, TimeUnit.MINUTES), "the launcher did not stop");
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        String out = Files.readString(log);
        assertEquals(ExitCodes.UNAVAILABLE, launcher.exitValue(), out);
        assertTrue(out.contains("rank 1 (pid " + rank1 + ") was killed by signal 9"), out);
        assertTrue(out.contains("failed: ") && out.contains("another rank stopped, died"), "rank 0 says why: " + out);
        assertTrue(seconds < 60, "stopped " + seconds + " s after the kill");
        assertTrue(!Files.exists(killed.resolve("model.safetensors")), "the killed run was finished");

        resumeAndCompare(killed, "resumed.log");
    }

    @Test
    void aSignalToTheLauncherStopsEveryRankAtTheSameStepWithACheckpoint() throws Exception {
        Path stopped = dir.resolve("stopped");
        Path log = dir.resolve("stopped.log");
        Process launcher = lowres(log, train(data, "-o", stopped, RECIPE));
        pidOfRank1(log);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(stopped.resolve("checkpoints/last.safetensors")) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(launcher.isAlive(), "the run finished before it could be stopped: " + Files.readString(log));
        launcher.destroy(); // SIGTERM, as a scheduler or a Ctrl-C would
        assertTrue(launcher.waitFor(2, TimeUnit.MINUTES), "the launcher did not stop");
        String rank0 = Files.readString(log);
        String rank1 = Files.readString(stopped.resolve("logs/rank-1.log"));
        Matcher m0 = Pattern.compile("stopped at step (\\d+)").matcher(rank0);
        Matcher m1 = Pattern.compile("stopped at step (\\d+)").matcher(rank1);
        assertTrue(m0.find(), rank0);
        assertTrue(m1.find(), rank1);
        assertEquals(m0.group(1), m1.group(1), "both ranks stop after the step they agreed on");
        assertTrue(!Files.exists(stopped.resolve("model.safetensors")), "the stopped run was finished");
        resumeAndCompare(stopped, "stopped-resumed.log");
    }

    /** --resume --nproc 2 finishes the run with the uninterrupted run's metrics and weights, bit for bit. */
    private static void resumeAndCompare(Path run, String logName) throws Exception {
        Process resumed = lowres(dir.resolve(logName), List.of("train", "--resume", run.toString(), "--nproc", "2",
                "-q"));
        assertTrue(resumed.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, resumed.exitValue(), Files.readString(dir.resolve(logName)));
        assertEquals(lines(whole), lines(run), "metrics.jsonl, timings aside");
        Map<String, Safetensors.Tensor> a = Safetensors.read(whole.resolve("model.safetensors")).tensors();
        Map<String, Safetensors.Tensor> b = Safetensors.read(run.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name);
        }
    }

    private static List<String> train(Path data, String o, Path out, String... recipe) {
        List<String> args = new ArrayList<>(List.of("train", "--nproc", "2", "-d", data.toString(), o, out.toString()));
        args.addAll(List.of(recipe));
        return args;
    }

    /** Complete lines in a metrics file (0 when there is none yet). */
    private static long lineCount(Path metrics) throws Exception {
        if (!Files.exists(metrics)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(metrics);
        long n = 0;
        for (byte b : bytes) {
            n += b == '\n' ? 1 : 0;
        }
        return n;
    }

    private static long pidOfRank1(Path log) throws Exception {
        Pattern pids = Pattern.compile("pids \\[(\\d+), (\\d+)\\]");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            Matcher m = pids.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Long.parseLong(m.group(2));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the launcher printed no pids: " + Files.readString(log));
    }

    /** The launcher as its own process (its ranks are its children), output to {@code log}. */
    private static Process lowres(Path log, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    /** The metrics lines without their timings. */
    private static List<String> lines(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = Json.mapper().readTree(line);
            ((ObjectNode) n).remove(List.of("seconds", "images_per_second"));
            out.add(n.toString());
        }
        return out;
    }
}
