package dev.lowres.train.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.lowres.data.load.Seeds;
import dev.lowres.data.load.SplitView;
import java.util.function.LongConsumer;

/**
 * White-box L-infinity attacks in pixel space, on the network in inference mode: FGSM (Goodfellow et al.
 * 2015, "Explaining and Harnessing Adversarial Examples": one step of size epsilon along the sign of the
 * loss gradient) and PGD (Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial
 * Attacks": a uniform random start in the epsilon ball, then {@code steps} signed-gradient steps, each
 * projected back onto the ball and the valid pixel range). Epsilon and the step size are in 1/255 units,
 * i.e. pixel levels; adversarial images are not rounded to integer levels. The loss is the cross-entropy
 * of the true label; the random start derives from the seed and the record, so a rerun gives the same numbers.
 */
public final class Attacks {
    /**
     * @param epsilon the L-infinity radius in pixel levels (1/255 of the [0, 1] range)
     * @param steps PGD steps
     * @param stepSize PGD step size in pixel levels
     */
    public record Settings(double epsilon, int steps, double stepSize, long seed) {
        public Settings {
            if (!(epsilon >= 0) || steps < 1 || !(stepSize > 0)) {
                throw new IllegalArgumentException("attack settings need epsilon >= 0, steps >= 1, step size > 0; got "
                        + epsilon + ", " + steps + ", " + stepSize);
            }
        }
    }

    /** Top-1 accuracy under each attack, on the subset. */
    public record Result(Settings settings, int records, double fgsmTop1, double pgdTop1) {
    }

    /** The purpose tag of PGD's random start in {@link Seeds#random}. */
    private static final long PGD_START = 0x504744L;

    private Attacks() {
    }

    /** Runs FGSM and PGD over the subset in batches; {@code progress} hears the records done. */
    public static Result run(TrainedModel model, SplitView view, Subset subset, Settings settings, int batchSize,
                             LongConsumer progress) {
        int n = subset.size();
        long fgsm = 0;
        long pgd = 0;
        int c = view.shape().channels();
        int h = view.shape().height();
        int w = view.shape().width();
        byte[] bytes = new byte[Math.min(batchSize, Math.max(1, n)) * view.shape().bytesPerImage()];
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from);
            for (int i = 0; i < size; i++) {
                view.read(subset.records()[from + i], bytes, i * view.shape().bytesPerImage());
            }
            int[] labels = java.util.Arrays.copyOfRange(subset.labels(), from, from + size);
            try (NDManager m = model.manager().newSubManager()) {
                Shape shape = new Shape(size, c, h, w);
                NDArray x = CleanPass.pixels(m, java.nio.ByteBuffer.wrap(bytes, 0, size * c * h * w), shape)
                        .toDevice(model.device(), false);
                NDArray y = m.create(labels).toDevice(model.device(), false);
                NDArray fgsmImages = step(model, x, x, y, settings.epsilon(), settings.epsilon());
                fgsm += correct(model, fgsmImages, y);
                NDArray start = m.create(randomStart(settings, subset.records(), from, size, c * h * w), shape)
                        .toDevice(model.device(), false);
                NDArray adv = x.add(start).clip(0f, 255f);
                for (int s = 0; s < settings.steps(); s++) {
                    adv = step(model, x, adv, y, settings.stepSize(), settings.epsilon());
                }
                pgd += correct(model, adv, y);
            }
            progress.accept(from + size);
        }
        return new Result(settings, n, n == 0 ? Double.NaN : (double) fgsm / n,
                n == 0 ? Double.NaN : (double) pgd / n);
    }

    /** PGD's uniform start in [-epsilon, epsilon], drawn per record from (seed, record). */
    static float[] randomStart(Settings settings, int[] records, int from, int size, int perImage) {
        float[] start = new float[size * perImage];
        for (int i = 0; i < size; i++) {
            java.util.SplittableRandom random = Seeds.random(settings.seed(), records[from + i], 0, PGD_START);
            for (int j = 0; j < perImage; j++) {
                start[i * perImage + j] = (float) ((2 * random.nextDouble() - 1) * settings.epsilon());
            }
        }
        return start;
    }

    /** One signed-gradient ascent step from {@code current}, projected onto the eps-ball around {@code clean}. */
    static NDArray step(TrainedModel model, NDArray clean, NDArray current, NDArray labels, double size,
                        double epsilon) {
        NDArray gradient = gradient(model, current, labels);
        NDArray moved = current.add(gradient.sign().mul((float) size));
        NDArray lower = clean.sub((float) epsilon).maximum(0f);
        NDArray upper = clean.add((float) epsilon).minimum(255f);
        return moved.maximum(lower).minimum(upper);
    }

    /** The gradient of the summed cross-entropy of the true labels with respect to the pixels. */
    static NDArray gradient(TrainedModel model, NDArray pixels, NDArray labels) {
        NDArray x = pixels.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.logits(x);
            NDArray oneHot = labels.oneHot((int) logits.getShape().get(1)).toType(DataType.FLOAT32, false);
            NDArray loss = logits.logSoftmax(1).mul(oneHot).sum().neg();
            collector.backward(loss);
        }
        return x.getGradient().duplicate();
    }

    private static long correct(TrainedModel model, NDArray pixels, NDArray labels) {
        NDArray predicted = model.logits(pixels).argMax(1).toType(DataType.INT32, false);
        return predicted.eq(labels.toType(DataType.INT32, false)).sum().getLong();
    }
}
