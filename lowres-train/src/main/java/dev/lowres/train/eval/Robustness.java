package dev.lowres.train.eval;

import dev.lowres.data.corrupt.Corruption;
import dev.lowres.data.corrupt.Corruptions;
import dev.lowres.data.load.SplitView;
import dev.lowres.train.engine.Tensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Accuracy under the common corruptions of Hendrycks & Dietterich (2019) at severities 1..5, computed on the
 * fly batch by batch: a corrupted image exists only inside the batch that scores it.
 */
public final class Robustness {
    /** One corruption's top-1 at severities 1..5 on the subset. */
    public record CorruptionResult(Corruption corruption, double[] top1) {
    }

    /**
     * @param clean top-1 on the subset without corruption
     * @param corruptions per corruption, top-1 at each severity
     */
    public record Result(int records, double clean, List<CorruptionResult> corruptions) {
        /** Mean top-1 over corruptions and severities (NaN without corruptions). */
        public double meanCorruptionTop1() {
            double sum = 0;
            int n = 0;
            for (CorruptionResult c : corruptions) {
                for (double v : c.top1()) {
                    sum += v;
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    private Robustness() {
    }

    /**
     * @param progress hears the records scored so far, over all corruptions and severities
     */
    public static Result run(TrainedModel model, SplitView view, Subset subset, List<Corruption> corruptions,
                             long seed, int batchSize, LongConsumer progress) {
        long[] done = {0};
        double clean = top1(model, view, subset, null, 0, seed, batchSize, () -> progress.accept(++done[0]));
        List<CorruptionResult> results = new ArrayList<>();
        for (Corruption c : corruptions) {
            double[] top1 = new double[5];
            for (int severity = 1; severity <= 5; severity++) {
                top1[severity - 1] = top1(model, view, subset, c, severity, seed, batchSize,
                        () -> progress.accept(++done[0]));
            }
            results.add(new CorruptionResult(c, top1));
        }
        return new Result(subset.size(), clean, List.copyOf(results));
    }

    private static double top1(TrainedModel model, SplitView view, Subset subset, Corruption corruption,
                               int severity, long seed, int batchSize, Runnable recordDone) {
        int n = subset.size();
        int c = view.shape().channels();
        int h = view.shape().height();
        int w = view.shape().width();
        int bytesPerImage = view.shape().bytesPerImage();
        byte[] image = new byte[bytesPerImage];
        byte[] batch = new byte[Math.min(batchSize, Math.max(1, n)) * bytesPerImage];
        long correct = 0;
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from);
            for (int i = 0; i < size; i++) {
                int record = subset.records()[from + i];
                view.read(record, image, 0);
                byte[] out = corruption == null ? image
                        : Corruptions.apply(corruption, severity, image, c, h, w, seed, record);
                System.arraycopy(out, 0, batch, i * bytesPerImage, bytesPerImage);
            }
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor pixels = Tensors.pixels(ByteBuffer.wrap(batch, 0, size * bytesPerImage), model.device(),
                        size, c, h, w);
                int[] predicted = Tensors.toInts(model.logits(pixels).argmax(new LongOptional(1), false));
                for (int i = 0; i < size; i++) {
                    correct += predicted[i] == subset.labels()[from + i] ? 1 : 0;
                    recordDone.run();
                }
            }
        }
        return n == 0 ? Double.NaN : (double) correct / n;
    }
}
