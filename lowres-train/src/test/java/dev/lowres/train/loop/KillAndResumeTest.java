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
        assertEquals(0, start(data, whole).waitFor(), "the uninterrupted run");
        Path killed = dir.resolve("killed");
        Random random = new Random(7);
        int kills = 0;
        for (int attempt = 0; attempt < 21; attempt++) {
            Process p = start(data, killed);
            // the process needs about 2 s to start the JVM and libtorch: kill it from then on, at random; a slow
            // machine may see little progress between kills, so the 21st run is left to finish
            boolean last = attempt == 20;
            long waitMillis = last ? TimeUnit.MINUTES.toMillis(10) : 1500 + random.nextInt(2500);
            if (p.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                assertEquals(0, p.exitValue(), "a resumed process failed");
                break;
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            kills++;
        }
        assertTrue(kills >= 2, "killed " + kills + " times (the run must be interrupted to test anything)");
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
