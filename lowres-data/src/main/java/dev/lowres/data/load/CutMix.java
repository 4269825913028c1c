package dev.lowres.data.load;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * CutMix (Yun, Han, Oh, Chun, Choe &amp; Yoo 2019, "CutMix: Regularization Strategy to Train Strong
 * Classifiers with Localizable Features"), as the authors' code: with probability {@code p} (1 for ImageNet,
 * the default), {@code lambda ~ Beta(alpha, alpha)} (alpha = 1, the paper's), a random permutation of the
 * batch for partners, and one box per batch: with {@code ch = int(H sqrt(1 - lambda))},
 * {@code cw = int(W sqrt(1 - lambda))} and a centre (cy, cx) uniform over the image, rows
 * {@code [cy - ch/2, cy + ch/2)} and columns {@code [cx - cw/2, cx + cw/2)}, clipped at the borders (the authors'
 * {@code rand_bbox}). Every row takes its partner's pixels inside the box; lambda is then recomputed from the
 * clipped box, {@code 1 - box area / (H W)}, and the soft targets are mixed by it.
 */
final class CutMix implements BatchOp {
    static final String HELP = "cutmix(alpha=1, p=1)  CutMix (Yun et al. 2019): paste a box of area 1-lambda, "
            + "lambda ~ Beta(alpha, alpha), from a random partner; targets mixed by the clipped box's area";

    private final double alpha;
    private final double p;

    CutMix(double alpha, double p) {
        this.alpha = alpha;
        this.p = p;
    }

    static CutMix of(OpCall call, Augmentations.Context context) {
        double alpha = call.number("alpha", 1, 0, 1000);
        double p = call.number("p", 1, 0, 1);
        if (alpha <= 0) {
            throw call.error("alpha must be above 0 (leave cutmix out to turn it off), not " + alpha);
        }
        return new CutMix(alpha, p);
    }

    @Override
    public void apply(FloatBatch batch, SplittableRandom random) {
        if (random.nextDouble() >= p) {
            return;
        }
        double lambda = Mixing.beta(alpha, random);
        int[] partner = Mixing.permutation(batch.size(), random);
        int height = batch.height();
        int width = batch.width();
        double cut = Math.sqrt(1 - lambda);
        int cutH = (int) (height * cut);
        int cutW = (int) (width * cut);
        int cy = random.nextInt(height);
        int cx = random.nextInt(width);
        int y0 = clamp(cy - cutH / 2, height);
        int y1 = clamp(cy + cutH / 2, height);
        int x0 = clamp(cx - cutW / 2, width);
        int x1 = clamp(cx + cutW / 2, width);
        paste(batch, partner, y0, y1, x0, x1);
        float area = 1 - (float) ((y1 - y0) * (x1 - x0)) / (height * width);
        Mixing.mixTargets(batch, partner, area);
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size, v));
    }

    /** Row i takes rows [y0, y1) x columns [x0, x1) of its partner, in every channel. */
    static void paste(FloatBatch batch, int[] partner, int y0, int y1, int x0, int x1) {
        if (y0 >= y1 || x0 >= x1) {
            return;
        }
        int n = batch.size();
        int height = batch.height();
        int width = batch.width();
        int per = batch.channels() * height * width;
        FloatBuffer images = batch.images();
        float[] copy = batch.imageScratch();
        images.get(0, copy, 0, n * per);
        for (int i = 0; i < n; i++) {
            if (partner[i] == i) {
                continue;
            }
            for (int c = 0; c < batch.channels(); c++) {
                for (int y = y0; y < y1; y++) {
                    int offset = c * height * width + y * width + x0;
                    images.put(i * per + offset, copy, partner[i] * per + offset, x1 - x0);
                }
            }
        }
    }

    @Override
    public String describe() {
        return Augmentations.describe("cutmix", "alpha", alpha, "p", p);
    }
}
