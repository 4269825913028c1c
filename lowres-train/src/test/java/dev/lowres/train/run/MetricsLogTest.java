package dev.lowres.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a resumed run keeps of metrics.jsonl: the lines written before its checkpoint, and no other. */
class MetricsLogTest {
    @TempDir
    Path dir;

    private static MetricsLog.Epoch epochLine(int epoch, long step) {
        return new MetricsLog.Epoch("epoch", epoch, step, 0.1, 1, 0.5, 1, 0.5, 0.9, 0.5, 1, 100);
    }

    private static List<String> kept(Path file) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n = Json.mapper().readTree(line);
            out.add(n.path("type").asText() + "@" + n.path("epoch").asInt() + ":" + n.path("step").asLong());
        }
        return out;
    }

    @Test
    void linesReadBackTypedWithNullsAsNaNAndCutLinesLeftOut() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        MetricsLog log = new MetricsLog(file);
        log.append(new MetricsLog.Step(0, 10, 1.5, 0.1, 100));
        MetricsLog.Epoch noValidation = new MetricsLog.Epoch("epoch", 0, 10, 0.1, 1.2, 0.5, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 3, 100);
        log.append(noValidation);
        log.append(new MetricsLog.Error(1, 3, 13, "non-finite loss at step 13"));
        // an older version's epoch line, without ema_val_top1, then a line cut by a kill
        Files.writeString(file, "{\"type\":\"epoch\",\"epoch\":1,\"step\":20,\"lr\":0.05,\"train_loss\":1.0,"
                + "\"train_top1\":0.6,\"val_loss\":0.9,\"val_top1\":0.7,\"val_top5\":0.95,\"seconds\":2,"
                + "\"images_per_second\":90}\n{\"type\":\"step\",\"ep", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(Files.readString(file).contains("\"val_top1\":null"), "NaN is written as null");

        MetricsLog.Lines lines = log.read();
        assertEquals(List.of(new MetricsLog.Step(0, 10, 1.5, 0.1, 100)), lines.steps());
        assertEquals(2, lines.epochs().size());
        assertEquals(noValidation, lines.epochs().get(0), "null figures read back as NaN, not 0");
        assertEquals(0.7, lines.epochs().get(1).valTop1());
        assertTrue(Double.isNaN(lines.epochs().get(1).emaValTop1()), "a figure the line lacks is NaN");
        assertEquals(List.of(new MetricsLog.Error(1, 3, 13, "non-finite loss at step 13")), lines.errors());
    }

    @Test
    void aCheckpointInsideAnEpochDropsThatEpochsLineEvenAtItsLastStep() throws Exception {
        // epoch 1 ends at step 20 (10 steps an epoch); a periodic checkpoint at step 20 is written before its line
        for (Position checkpoint : List.of(new Position(1, 10, 20, 0, Tally.ZERO, Tally.ZERO),
                new Position(2, 0, 20, 0, Tally.ZERO, Tally.ZERO))) {
            MetricsLog log = new MetricsLog(dir.resolve("metrics-" + checkpoint.epoch() + ".jsonl"));
            log.append(new MetricsLog.Step(0, 10, 1.0, 0.1, 100));
            log.append(epochLine(0, 10));
            log.append(new MetricsLog.Step(1, 20, 1.0, 0.1, 100));
            log.append(epochLine(1, 20));
            log.append(new MetricsLog.Step(2, 21, 1.0, 0.1, 100));
            Files.writeString(dir.resolve("metrics-" + checkpoint.epoch() + ".jsonl"), "{\"type\":\"step\",\"ep",
                    java.nio.file.StandardOpenOption.APPEND); // a line cut by a kill
            log.truncate(checkpoint);
            List<String> expected = checkpoint.epoch() == 1
                    // the checkpoint inside epoch 1 precedes its epoch line: the resumed run writes it again
                    ? List.of("step@0:10", "epoch@0:10", "step@1:20")
                    // the end-of-epoch checkpoint follows it: kept
                    : List.of("step@0:10", "epoch@0:10", "step@1:20", "epoch@1:20");
            assertEquals(expected, kept(dir.resolve("metrics-" + checkpoint.epoch() + ".jsonl")), "after the checkpoint " + checkpoint);
        }
    }
}
