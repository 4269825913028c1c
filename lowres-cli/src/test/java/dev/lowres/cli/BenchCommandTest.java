package dev.lowres.cli;

import static dev.lowres.cli.CliTest.lowres;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.nio.file.Path;
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
}
