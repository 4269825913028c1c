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
    Path dir;

    @Test
    void aDeadRankStopsTheGroupAndTheRunResumesExactly() throws Exception {
        Path data = dir.resolve("ds");
        assertEquals(0, CliTest.lowres("synth", "-o", dir.resolve("tree").toString(), "--classes", "4",
                "--train-per-class", "32", "--val-per-class", "5", "--min-side", "40", "--max-side", "60",
                "--no-broken-files", "-q").code());
        assertEquals(0, CliTest.lowres("build", "-i", dir.resolve("tree").toString(), "-o", data.toString(), "-s",
                "16", "-q").code());
        String[] recipe = {"-m", "wrn-8-1", "-b", "16", "--epochs", "12", "--set", "checkpoint_every_steps=5",
            "--set", "log_every_steps=3", "--dist-timeout", "60", "-q"};

        Path whole = dir.resolve("whole");
        Process uninterrupted = lowres(dir.resolve("whole.log"), train(data, "-o", whole, recipe));
        assertTrue(uninterrupted.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, uninterrupted.exitValue(), Files.readString(dir.resolve("whole.log")));

        Path killed = dir.resolve("killed");
        Path log = dir.resolve("killed.log");
        Process launcher = lowres(log, train(data, "-o", killed, recipe));
        long rank1 = pidOfRank1(log);
        // kill it once the run has checkpointed and gone on
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(killed.resolve("checkpoints/last.safetensors")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
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

        Process resumed = lowres(dir.resolve("resumed.log"), List.of("train", "--resume", killed.toString(),
                "--nproc", "2", "-q"));
        assertTrue(resumed.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, resumed.exitValue(), Files.readString(dir.resolve("resumed.log")));
        assertEquals(lines(whole), lines(killed), "metrics.jsonl, timings aside");
        Map<String, Safetensors.Tensor> a = Safetensors.read(whole.resolve("model.safetensors")).tensors();
        Map<String, Safetensors.Tensor> b = Safetensors.read(killed.resolve("model.safetensors")).tensors();
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
