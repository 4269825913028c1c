package dev.lowres.train.eval;

import dev.lowres.data.load.Seeds;
import dev.lowres.data.load.SplitView;
import dev.lowres.train.engine.Tensors;
import java.util.function.LongConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * White-box L-infinity attacks in pixel space, on the network in inference mode: FGSM (Goodfellow et al.
 * 2015, "Explaining and Harnessing Adversarial Examples": one step of size epsilon along the sign of the
 * loss gradient) and PGD (Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial
 * Attacks": a uniform random start in the epsilon ball, then {@code steps} signed-gradient steps, each
 * projected back onto the ball and the valid pixel range). Epsilon and the step size are in 1/255 units,
 * i.e. pixel levels; adversarial images are not rounded to integer levels. The loss is the cross-entropy
 * of the true label; the random start derives from the seed and the record, so a rerun gives the same numbers.
 * Only the input's gradient is computed (the trained weights do not require gradients); each batch's tensors
 * live in one {@link PointerScope}, and each step's graph and activations in a scope of its own.
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
            try (PointerScope batch = new PointerScope()) {
                long[] shape = {size, c, h, w};
                Tensor x = Tensors.pixels(java.nio.ByteBuffer.wrap(bytes, 0, size * c * h * w), model.device(),
                        shape);
                Tensor y = Tensors.longs(labels, model.device());
                fgsm += correct(model, step(model, x, x, y, settings.epsilon(), settings.epsilon()), y);
                Tensor start = Tensors.floats(randomStart(settings, subset.records(), from, size, c * h * w),
                        model.device(), shape);
                Tensor adv = x.add(start).clamp_min(new Scalar(0.0)).clamp_max(new Scalar(255.0));
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

    /**
     * One signed-gradient ascent step from {@code current}, projected onto the eps-ball around {@code clean} and
     * the pixel range. Its graph and activations are freed when it returns; the result is attached to the
     * caller's innermost scope.
     */
    static Tensor step(TrainedModel model, Tensor clean, Tensor current, Tensor labels, double size,
                       double epsilon) {
        PointerScope outer = PointerScope.getInnerScope();
        try (PointerScope scope = new PointerScope()) {
            Tensor gradient = gradient(model, current, labels);
            Tensor next;
            try (NoGradGuard noGrad = new NoGradGuard()) {
                Tensor moved = current.add(gradient.sign().mul(new Scalar(size)));
                Tensor lower = clean.sub(new Scalar(epsilon)).clamp_min(new Scalar(0.0));
                Tensor upper = clean.add(new Scalar(epsilon)).clamp_max(new Scalar(255.0));
                next = moved.maximum(lower).minimum(upper);
            }
            if (outer != null) {
                outer.attach(next);
            } else {
                next.retainReference(); // no scope of the caller's: the garbage collector frees it
            }
            return next;
        }
    }

    /**
     * The gradient of the summed cross-entropy of the true labels with respect to the pixels (attached to the
     * caller's scope, as the graph is).
     */
    static Tensor gradient(TrainedModel model, Tensor pixels, Tensor labels) {
        Tensor x = pixels.detach();
        x.set_requires_grad(true);
        Tensor logits = model.logits(x);
        // reduction 2: the sum (PyTorch's Reduction::Sum), so a record's gradient does not shrink with the batch
        Tensor loss = torch.cross_entropy_loss(logits, labels, new TensorOptional(), 2, -100, 0.0);
        loss.backward();
        return x.grad();
    }

    private static long correct(TrainedModel model, Tensor pixels, Tensor labels) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            return model.logits(pixels).argmax(new LongOptional(1), false).eq(labels).sum().item_long();
        }
    }
}
