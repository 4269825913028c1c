package dev.lowres.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL (no cooperative stop) at random moments and resumed each time ends
 * with the uninterrupted run's metrics lines (timings aside), final weights and weight average, with the
 * default logging window (50 steps, so resumes fall inside windows and epochs) and periodic checkpoints.
 */
@Tag("heavy")
class KillAndResumeTest {
    /** 12 epochs of 10 steps, a checkpoint every 7 steps, the default logging window. */
    static final String[] RECIPE = {"epochs=12", "checkpoint_every_steps=7", "log_every_steps=50"};

    @TempDir
    Path dir;

    @Test
    void aRunKilledAtRandomMomentsEndsAsTheUninterruptedOne() throws Exception {
        Path data = TinyData.write(dir.resolve("tiny"), 4, 160, 40, 8);
        Path whole = dir.resolve("whole");
        Process uninterrupted = start(data, whole);
        long epochMillis = medianLineInterval(uninterrupted, whole.resolve(RunDirectory.METRICS));
        assertEquals(0, uninterrupted.exitValue(), "the uninterrupted run");
        Path killed = dir.resolve("killed");
        Random random = new Random(7);
        int kills = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            Process p = start(data, killed);
            // kill once the run has written a metrics line it had not written before (so every attempt makes
            // progress, on a fast machine or a slow one), after a random delay that lands anywhere in the next
            // epoch: between checkpoints, inside logging windows, or while a checkpoint or a line is written
            long before = lineCount(killed.resolve(RunDirectory.METRICS));
            boolean exited = false;
            while (!(exited = p.waitFor(5, TimeUnit.MILLISECONDS))
                    && lineCount(killed.resolve(RunDirectory.METRICS)) <= before) {
                // poll
            }
            if (!exited && attempt < 39 && !p.waitFor(random.nextLong(epochMillis + 1), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor();
                kills++;
                continue;
            }
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "a resumed process did not finish");
            assertEquals(0, p.exitValue(), "a resumed process failed");
            break;
        }
        assertTrue(kills >= 2, "killed " + kills + " times (the run must be interrupted to test anything; an epoch took "
                + epochMillis + " ms)");
        assertTrue(Files.exists(killed.resolve(RunDirectory.EXPORT)), "the killed run finished after " + kills
                + " kills");
        assertEquals(lines(whole), lines(killed), "metrics.jsonl, timings aside, after " + kills + " kills");
        for (String file : new String[] {RunDirectory.EXPORT, RunDirectory.LAST}) {
            var a = Safetensors.read(whole.resolve(file)).tensors();
            var b = Safetensors.read(killed.resolve(file)).tensors();
            assertEquals(a.keySet(), b.keySet(), file);
            for (String name : a.keySet()) {
                assertArrayEquals(a.get(name).data(), b.get(name).data(), file + ": " + name);
            }
        }
    }

    private static Process start(Path data, Path out) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), KillableTraining.class.getName(), data.toString(),
                out.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits for {@code run} to exit, returning the median time between the lines it adds to {@code metrics}. */
    private static long medianLineInterval(Process run, Path metrics) throws Exception {
        List<Long> appeared = new ArrayList<>();
        long seen = 0;
        boolean exited;
        do {
            exited = run.waitFor(5, TimeUnit.MILLISECONDS);
            long count = lineCount(metrics);
            for (; seen < count; seen++) {
                appeared.add(System.nanoTime());
            }
        } while (!exited);
        List<Long> intervals = new ArrayList<>();
        for (int i = 1; i < appeared.size(); i++) {
            intervals.add(TimeUnit.NANOSECONDS.toMillis(appeared.get(i) - appeared.get(i - 1)));
        }
        assertTrue(intervals.size() >= 5, "the uninterrupted run wrote " + appeared.size() + " metrics lines");
        return Math.max(1, intervals.stream().sorted().toList().get(intervals.size() / 2));
    }

    /** Complete lines in a metrics file (0 when there is none yet). */
    private static long lineCount(Path metrics) throws Exception {
        try {
            byte[] bytes = Files.readAllBytes(metrics);
            long n = 0;
            for (byte b : bytes) {
                n += b == '\n' ? 1 : 0;
            }
            return n;
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    /** The metrics lines without their timings. */
    private static List<String> lines(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            JsonNode n = Json.mapper().readTree(line);
            ((ObjectNode) n).remove(List.of("seconds", "images_per_second"));
            out.add(n.toString());
        }
        return out;
    }
}
