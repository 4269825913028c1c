package dev.lowres.data.load;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Mixup (Zhang, Cisse, Dauphin &amp; Lopez-Paz 2018, "mixup: Beyond Empirical Risk Minimization"), as the
 * authors' code: one {@code lambda ~ Beta(alpha, alpha)} per batch, partners from a random permutation of the
 * batch, and every row {@code i} becomes {@code lambda * x[i] + (1 - lambda) * x[perm[i]]}, its soft target
 * likewise. alpha = 0.2 is the paper's ImageNet value (CIFAR used 1). Mixes the normalised float images;
 * lambda is drawn through two Gamma draws (Marsaglia &amp; Tsang) from the batch's generator.
 */
final class Mixup implements BatchOp {
    static final String HELP = "mixup(alpha=0.2)  Mixup (Zhang et al. 2018): one lambda ~ Beta(alpha, alpha) per "
            + "batch, each image and soft target mixed with a random partner of the batch; 0.2 is ImageNet's";

    private final double alpha;

    Mixup(double alpha) {
        this.alpha = alpha;
    }

    static Mixup of(OpCall call, Augmentations.Context context) {
        double alpha = call.number("alpha", 0.2, 0, 1000);
        if (alpha <= 0) {
            throw call.error("alpha must be above 0 (leave mixup out to turn it off), not " + alpha);
        }
        return new Mixup(alpha);
    }

    @Override
    public void apply(FloatBatch batch, SplittableRandom random) {
        float lambda = (float) Mixing.beta(alpha, random);
        int[] partner = Mixing.permutation(batch.size(), random);
        mix(batch, partner, lambda);
    }

    /** Row i becomes {@code lambda * row i + (1 - lambda) * row partner[i]}, images and targets. */
    static void mix(FloatBatch batch, int[] partner, float lambda) {
        int n = batch.size();
        int per = batch.channels() * batch.height() * batch.width();
        FloatBuffer images = batch.images();
        float[] copy = batch.imageScratch();
        images.get(0, copy, 0, n * per);
        float rest = 1 - lambda;
        float[] row = new float[per];
        for (int i = 0; i < n; i++) {
            int a = i * per;
            int b = partner[i] * per;
            for (int k = 0; k < per; k++) {
                row[k] = lambda * copy[a + k] + rest * copy[b + k];
            }
            images.put(a, row, 0, per);
        }
        Mixing.mixTargets(batch, partner, lambda);
    }

    @Override
    public String describe() {
        return Augmentations.describe("mixup", "alpha", alpha);
    }
}
