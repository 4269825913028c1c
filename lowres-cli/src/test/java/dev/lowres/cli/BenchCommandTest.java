package dev.lowres.cli;

import static dev.lowres.cli.CliTest.lowres;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench verbs' shared options (BenchOptions): lowres alone with --no-reference, one JSON line with --json. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private static JsonNode oneJsonLine(CliTest.Run run) throws Exception {
        assertEquals(0, run.code(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(1, lines.length, "--json prints one line: " + run.out());
        return Json.mapper().readTree(lines[0]);
    }

    @Test
    void loadAndTrainMeasureLowresAloneAndPrintOneJsonLine() throws Exception {
        Path data = dir.resolve("ds");
        CliTest.Run made = lowres("bench", "dataset", "-o", data.toString(), "--records", "256", "--size", "8",
                "--classes", "4", "-q");
        assertEquals(0, made.code(), made.err());

        JsonNode load = oneJsonLine(lowres("bench", "load", "-d", data.toString(), "--no-reference", "--json",
                "--epochs", "1", "-b", "32", "-q"));
        assertTrue(load.path("images_per_second").path("lowres").asDouble() > 0, load.toString());
        assertFalse(load.path("images_per_second").has("pytorch"), "no PyTorch side with --no-reference");

        JsonNode train = oneJsonLine(lowres("bench", "train", "--no-reference", "--json", "-m", "wrn-8-1", "-s",
                "8", "--classes", "4", "-b", "8", "--steps", "1", "--repeats", "1", "--configs", "fp32", "-j", "1",
                "-q"));
        assertTrue(train.path("best").path("lowres").asDouble() > 0, train.toString());
        assertFalse(train.path("best").has("pytorch"), "no PyTorch side with --no-reference");
    }

    @Test
    void latencyMeasuresFloatAndInt8RunsBesidePyTorchsSameNetwork() throws Exception {
        CliTest.Run synth = lowres("synth", "-o", dir.resolve("tree").toString(), "--seed", "0", "--classes", "3",
                "--train-per-class", "12", "--val-per-class", "4", "--min-side", "20", "--max-side", "30",
                "--no-broken-files", "-q");
        assertEquals(0, synth.code(), synth.err());
        Path data = dir.resolve("ds");
        assertEquals(0, lowres("build", "-i", dir.resolve("tree").toString(), "-o", data.toString(), "-s", "8", "-q")
                .code());
        Path run = dir.resolve("run");
        CliTest.Run train = lowres("train", "-d", data.toString(), "-o", run.toString(), "-r", "demo", "-m", "wrn-8-1",
                "--epochs", "1", "-b", "12", "--set", "schedule.warmup_epochs=0", "-q");
        assertEquals(0, train.code(), train.err());
        Path int8 = dir.resolve("int8");
        CliTest.Run q = lowres("quantize", "--run", run.toString(), "--calibration", "12", "-o", int8.toString(), "-q");
        assertEquals(0, q.code(), q.err());

        JsonNode alone = oneJsonLine(lowres("bench", "latency", run.toString(), int8.toString(), "--no-reference",
                "--json", "--rounds", "2", "-j", "1", "-b", "8", "--precision", "fp32", "-q"));
        assertEquals(2, alone.path("runs").size(), alone.toString());
        assertEquals(4, alone.path("measurements").size(), "2 runs x 2 rounds x 1 thread count");
        JsonNode floatRow = alone.path("runs").get(0);
        assertEquals("wrn-8-1", floatRow.path("model").asText());
        assertEquals("fp32", floatRow.path("kernels").asText());
        JsonNode int8Row = alone.path("runs").get(1);
        assertEquals("int8", int8Row.path("kernels").asText());
        for (JsonNode row : alone.path("runs")) {
            JsonNode ms = row.path("lowres_latency_ms");
            assertEquals(2, ms.size(), "[fastest, slowest] over the rounds: " + row);
            assertTrue(ms.get(0).asDouble() > 0, row.toString());
            assertTrue(row.path("lowres_images_per_second").get(0).asDouble() > 0, row.toString());
            assertEquals("--no-reference", row.path("pytorch").asText());
        }

        Assumptions.assumeTrue(dev.lowres.data.bench.BundledPython.find(null, "torch").isPresent(),
                "the PyTorch side needs python3-torch (.ci/run installs it)");
        JsonNode both = oneJsonLine(lowres("bench", "latency", run.toString(), int8.toString(), "--json",
                "--rounds", "1", "-j", "1", "-b", "8", "--precision", "fp32", "-q"));
        JsonNode f = both.path("runs").get(0);
        assertTrue(f.path("pytorch_latency_ms").get(0).asDouble() > 0, f.toString());
        assertTrue(f.path("pytorch_form").asText().startsWith("fp32"), f.toString());
        JsonNode i = both.path("runs").get(1);
        assertTrue(i.path("pytorch_form").asText().startsWith("int8 FX"), "int8 against PyTorch's int8: " + i);
    }

    /** Beside PyTorch, bench train reports each side's best and every repeat, so their spreads compare. */
    @Test
    void trainTimesPyTorchBesideItRepeatByRepeat() throws Exception {
        Assumptions.assumeTrue(dev.lowres.data.bench.BundledPython.find(null, "torch").isPresent(),
                "the PyTorch side needs python3-torch (.ci/run installs it)");
        JsonNode train = oneJsonLine(lowres("bench", "train", "--json", "-m", "wrn-8-1", "-s", "8", "--classes", "4",
                "-b", "8", "--steps", "2", "--repeats", "3", "--configs", "fp32", "-j", "1", "-q"));
        JsonNode row = train.path("configs").get(0);
        for (String side : new String[] {"lowres", "pytorch"}) {
            JsonNode repeats = row.path(side + "_repeats");
            assertEquals(3, repeats.size(), side + ": one figure a repeat: " + row);
            double best = 0;
            for (JsonNode r : repeats) {
                assertTrue(r.asDouble() > 0, row.toString());
                best = Math.max(best, r.asDouble());
            }
            assertEquals(row.path(side).asDouble(), best, 0.11, side + "'s figure is its best repeat: " + row);
        }
    }
}
