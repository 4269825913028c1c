package dev.lowres.train.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The network's cost in practice: forward latency of one image (median of repeated calls) and sustained forward
 * throughput at a large batch (batches back to back for at least two seconds), on the device it was loaded
 * to, with the current threads.
 *
 * @param latencyMsBatch1 median milliseconds of one forward pass of one image
 * @param throughputBatch the batch of the throughput figure
 * @param throughputImagesPerSecond images per second of the forward pass at that batch
 */
public record Efficiency(double latencyMsBatch1, int throughputBatch, double throughputImagesPerSecond) {
    /** Measures with {@code latencyRuns} single-image calls and at least {@code throughputRuns} large batches. */
    public static Efficiency measure(TrainedModel model, int batch, int latencyRuns, int throughputRuns) {
        Shape image = model.network().input();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray one = m.randomNormal(new Shape(1).addAll(image)).toDevice(model.device(), false);
            for (int i = 0; i < 3; i++) {
                sync(model.logitsOfNormalised(one));
            }
            double[] ms = new double[latencyRuns];
            for (int i = 0; i < latencyRuns; i++) {
                long t0 = System.nanoTime();
                sync(model.logitsOfNormalised(one));
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double latency = latencyRuns % 2 == 1 ? ms[latencyRuns / 2]
                    : (ms[latencyRuns / 2 - 1] + ms[latencyRuns / 2]) / 2;
            NDArray many = m.randomNormal(new Shape(batch).addAll(image)).toDevice(model.device(), false);
            sync(model.logitsOfNormalised(many));
            long t0 = System.nanoTime();
            int batches = 0;
            while (batches < throughputRuns || System.nanoTime() - t0 < 2_000_000_000L) {
                try (NDManager step = m.newSubManager()) {
                    many.tempAttach(step);
                    sync(model.logitsOfNormalised(many));
                }
                batches++;
            }
            return new Efficiency(latency, batch, (double) batches * batch / ((System.nanoTime() - t0) / 1e9));
        }
    }

    /** Reads one value back, so asynchronous devices have finished the work being timed. */
    private static void sync(NDArray logits) {
        logits.get(0).toFloatArray();
        logits.close();
    }
}
