package dev.lowres.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static List<String> kept(MetricsLog log) throws Exception {
        return log.read().stream().map(n -> n.path("type").asText() + "@" + n.path("epoch").asInt() + ":"
                + n.path("step").asLong()).toList();
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
            assertEquals(expected, kept(log), "after the checkpoint " + checkpoint);
        }
    }
}
