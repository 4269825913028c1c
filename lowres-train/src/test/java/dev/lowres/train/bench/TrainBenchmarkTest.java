package dev.lowres.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainBenchmarkTest {
    @Test
    void timesStepsAndKeepsTheProfilersTrace(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        List<String> log = new ArrayList<>();
        TrainBenchmark.Result r = TrainBenchmark.run("wrn-8-1", 8, 10, 4, 2, 2, trace, log::add);
        assertEquals(2, log.size(), "one line per repeat");
        assertTrue(r.imagesPerSecond() > 0);
        assertEquals(4 * 1000 / r.msPerStep(), r.imagesPerSecond(), 1e-6);
        assertTrue(r.outsideNativeShare() < 1 && r.outsideNativeShare() > -0.05, "share " + r.outsideNativeShare());
        JsonNode events = Json.mapper().readTree(trace.toFile());
        events = events.isArray() ? events : events.path("traceEvents");
        boolean convolutionBackward = false;
        for (JsonNode e : events) {
            convolutionBackward |= e.path("name").asText().equals("aten::convolution_backward");
        }
        assertTrue(convolutionBackward, "the trace records the backward pass's native operations");
        assertTrue(Files.size(trace) > 1000);
    }

    @Test
    void coveredTimeIsTheUnionOfNestedAndOverlappingIntervals() throws Exception {
        JsonNode trace = Json.mapper().readTree("""
                {"traceEvents": [
                  {"ph": "X", "ts": 0, "dur": 10},
                  {"ph": "X", "ts": 2, "dur": 3},
                  {"ph": "X", "ts": 8, "dur": 7},
                  {"ph": "i", "ts": 40, "dur": 100},
                  {"ph": "X", "ts": 20, "dur": 5}
                ]}""");
        // [0, 15) and [20, 25); the instant event does not count
        assertEquals(20, TrainBenchmark.covered(trace));
    }
}
