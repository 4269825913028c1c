package dev.lowres.train.eval;

import dev.lowres.train.engine.Tensors;
import dev.lowres.train.model.InputShape;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The network's cost in practice: forward latency of one image (median of repeated calls) and sustained forward
 * throughput at a large batch (batches back to back for at least two seconds), on the device it was loaded
 * to, at its precision, with the current threads ({@value #WARMUP_CALLS} untimed calls first).
 *
 * @param latencyMsBatch1 median milliseconds of one forward pass of one image
 * @param throughputBatch the batch of the throughput figure
 * @param throughputImagesPerSecond images per second of the forward pass at that batch
 */
public record Efficiency(double latencyMsBatch1, int throughputBatch, double throughputImagesPerSecond) {
    /** Untimed single-image calls first (as the PyTorch side of {@code lowres bench latency}). */
    public static final int WARMUP_CALLS = 10;

    /** Measures with {@code latencyRuns} single-image calls and at least {@code throughputRuns} large batches. */
    public static Efficiency measure(TrainedModel model, int batch, int latencyRuns, int throughputRuns) {
        InputShape image = model.input();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor one = normal(image, 1, model);
            for (int i = 0; i < WARMUP_CALLS; i++) {
                forward(model, one);
            }
            double[] ms = new double[latencyRuns];
            for (int i = 0; i < latencyRuns; i++) {
                long t0 = System.nanoTime();
                forward(model, one);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double latency = latencyRuns % 2 == 1 ? ms[latencyRuns / 2]
                    : (ms[latencyRuns / 2 - 1] + ms[latencyRuns / 2]) / 2;
            Tensor many = normal(image, batch, model);
            forward(model, many);
            long t0 = System.nanoTime();
            int batches = 0;
            while (batches < throughputRuns || System.nanoTime() - t0 < 2_000_000_000L) {
                forward(model, many);
                batches++;
            }
            return new Efficiency(latency, batch, (double) batches * batch / ((System.nanoTime() - t0) / 1e9));
        }
    }

    /** Standard-normal inputs (already normalised) of {@code n} images on the model's device. */
    private static Tensor normal(InputShape image, int n, TrainedModel model) {
        Random random = new Random(n);
        float[] values = new float[n * image.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Tensors.floats(values, model.device(), image.batch(n));
    }

    /**
     * One forward pass, its activations freed at once; reads one value back, so asynchronous devices have
     * finished the work being timed.
     */
    private static void forward(TrainedModel model, Tensor input) {
        try (PointerScope step = new PointerScope()) {
            model.logitsOfNormalised(input).select(0, 0).select(0, 0).item_float();
        }
    }
}
