package dev.lowres.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainBenchmarkTest {
    @Test
    void timesStepsInEveryPrecisionAndTheLossFalls() {
        for (Precision p : new Precision[] {Precision.FP32, Precision.BF16}) {
            for (boolean channelsLast : new boolean[] {false, true}) {
                List<String> log = new ArrayList<>();
                TrainBenchmark.Result r = TrainBenchmark.run(new TrainBenchmark.Config("wrn-8-1", 8, 10, 4, 8, 2,
                        Device.cpu(), p, channelsLast), log::add);
                String what = p + (channelsLast ? " channels-last" : "");
                assertEquals(2, log.size(), "one line per repeat");
                assertEquals(2, r.repeatImagesPerSecond().size());
                assertTrue(r.imagesPerSecond() > 0, what);
                assertEquals(4 * 1000 / r.msPerStep(), r.imagesPerSecond(), 1e-6);
                // 19 steps on one batch of 4 random images: the network memorises it
                assertTrue(r.finalLoss() < Math.log(10), what + ": final loss " + r.finalLoss());
            }
        }
    }
}
