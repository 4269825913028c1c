package dev.lowres.data.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mixup and CutMix on float batches, and every operation together through the loader. */
class BatchOpsTest {
    static final int N = 16;
    static final int C = 3;
    static final int S = 8;
    static final int CLASSES = 5;
    static final int PER = C * S * S;

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void write() throws Exception {
        data = LoaderTestData.write(dir.resolve("ds"), 200, 16, CLASSES, 48);
    }

    /** A batch whose image i holds distinct values and whose targets are one-hot labels i % CLASSES. */
    static FloatBatch batch() {
        FloatBuffer images = ByteBuffer.allocateDirect(4 * N * PER).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer targets = ByteBuffer.allocateDirect(4 * N * CLASSES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < N * PER; i++) {
            images.put(i, (float) Math.sin(i * 0.37) * 2);
        }
        for (int i = 0; i < N; i++) {
            targets.put(i * CLASSES + i % CLASSES, 1f);
        }
        return new FloatBatch(images, targets, N, C, S, S, CLASSES, new float[N * PER], new float[N * CLASSES]);
    }

    static float[] images(FloatBatch b) {
        float[] a = new float[N * PER];
        b.images().get(0, a);
        return a;
    }

    static float[] targets(FloatBatch b) {
        float[] a = new float[N * CLASSES];
        b.targets().get(0, a);
        return a;
    }

    static BatchOp op(String spec) {
        return Augmentations.parse(spec, new Augmentations.Context(C, S, S, CLASSES)).batchOps().get(0);
    }

    @Test
    void mixupMixesEveryImageAndTargetWithItsPartnerByOneLambda() {
        BatchOp mixup = op("mixup");
        assertEquals("mixup(alpha=0.2)", mixup.describe());
        float[] a = images(batch());
        float[] ta = targets(batch());
        List<Float> lambdas = new ArrayList<>();
        for (long seed = 0; seed < 20; seed++) {
            FloatBatch b = batch();
            mixup.apply(b, new SplittableRandom(seed));
            FloatBatch again = batch();
            mixup.apply(again, new SplittableRandom(seed));
            assertArrayEquals(images(b), images(again), "deterministic");
            // replay the draws
            SplittableRandom r = new SplittableRandom(seed);
            float lambda = (float) Mixing.beta(0.2, r);
            int[] partner = Mixing.permutation(N, r);
            lambdas.add(lambda);
            float[] out = images(b);
            float[] t = targets(b);
            for (int i = 0; i < N; i++) {
                for (int k = 0; k < PER; k++) {
                    assertEquals(lambda * a[i * PER + k] + (1 - lambda) * a[partner[i] * PER + k], out[i * PER + k],
                            1e-6);
                }
                float sum = 0;
                for (int k = 0; k < CLASSES; k++) {
                    float expected = lambda * ta[i * CLASSES + k] + (1 - lambda) * ta[partner[i] * CLASSES + k];
                    assertEquals(expected, t[i * CLASSES + k], 1e-6);
                    sum += t[i * CLASSES + k];
                }
                assertEquals(1, sum, 1e-6, "row " + i + " of the targets sums to 1");
                if (partner[i] % CLASSES != i % CLASSES) {
                    assertEquals(lambda, t[i * CLASSES + i % CLASSES], 1e-6);
                }
            }
        }
        // Beta(0.2, 0.2) puts most of its mass near 0 and 1
        long extreme = lambdas.stream().filter(l -> l < 0.1 || l > 0.9).count();
        assertTrue(extreme >= 8, "lambdas " + lambdas);
    }

    @Test
    void betaDrawsHaveTheRightMoments() {
        for (double alpha : new double[] {0.2, 1, 4}) {
            SplittableRandom r = new SplittableRandom(42);
            int n = 40_000;
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double x = Mixing.beta(alpha, r);
                assertTrue(x >= 0 && x <= 1);
                sum += x;
                sq += x * x;
            }
            double mean = sum / n;
            double variance = sq / n - mean * mean;
            assertEquals(0.5, mean, 0.01, "alpha " + alpha);
            assertEquals(1 / (4 * (2 * alpha + 1)), variance, 0.006, "alpha " + alpha);
        }
    }

    @Test
    void cutmixPastesOneBoxAndWeighsTargetsByItsArea() {
        BatchOp cutmix = op("cutmix");
        assertEquals("cutmix(alpha=1, p=1)", cutmix.describe());
        float[] a = images(batch());
        int boxes = 0;
        for (long seed = 0; seed < 30; seed++) {
            FloatBatch b = batch();
            cutmix.apply(b, new SplittableRandom(seed));
            SplittableRandom r = new SplittableRandom(seed);
            r.nextDouble();
            double lambda = Mixing.beta(1, r);
            int[] partner = Mixing.permutation(N, r);
            int cut = (int) (S * Math.sqrt(1 - lambda));
            int cy = r.nextInt(S);
            int cx = r.nextInt(S);
            int y0 = Math.max(0, cy - cut / 2);
            int y1 = Math.min(S, cy + cut / 2);
            int x0 = Math.max(0, cx - cut / 2);
            int x1 = Math.min(S, cx + cut / 2);
            int area = Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
            boxes += area > 0 ? 1 : 0;
            float[] out = images(b);
            float[] t = targets(b);
            for (int i = 0; i < N; i++) {
                int pasted = 0;
                for (int c = 0; c < C; c++) {
                    for (int y = 0; y < S; y++) {
                        for (int x = 0; x < S; x++) {
                            int k = c * S * S + y * S + x;
                            boolean in = y >= y0 && y < y1 && x >= x0 && x < x1;
                            int from = in ? partner[i] : i;
                            assertEquals(a[from * PER + k], out[i * PER + k], 0f);
                            pasted += in ? 1 : 0;
                        }
                    }
                }
                assertEquals(3 * area, pasted);
                float weight = 1 - area / (float) (S * S);
                if (partner[i] % CLASSES != i % CLASSES) {
                    assertEquals(weight, t[i * CLASSES + i % CLASSES], 1e-6, "own label weighs 1 - box area");
                    assertEquals(1 - weight, t[i * CLASSES + partner[i] % CLASSES], 1e-6);
                }
                float sum = 0;
                for (int k = 0; k < CLASSES; k++) {
                    sum += t[i * CLASSES + k];
                }
                assertEquals(1, sum, 1e-6);
            }
        }
        assertTrue(boxes >= 20, "boxes " + boxes);
        FloatBatch never = batch();
        op("cutmix(p=0)").apply(never, new SplittableRandom(1));
        assertArrayEquals(a, images(never));
    }

    @Test
    void everyOperationTogetherThroughTheLoaderIsByteIdenticalForAnyThreadCount() throws Exception {
        String spec = "random-resized-crop(scale_min=0.35), flip, randaugment(n=2, m=9), gridmask, cutout(4, p=0.5), "
                + "random-erasing, pad-crop(2), mixup(alpha=0.2), cutmix(alpha=1)";
        LoaderConfig.Builder config = LoaderConfig.builder().data(data).batchSize(24).seed(11).augment(spec);
        List<byte[]> one = epoch(config.threads(1).build(), 1);
        List<byte[]> three = epoch(config.threads(3).prefetch(4).build(), 1);
        assertEquals(one.size(), three.size());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), three.get(i), "batch " + i);
        }
        List<byte[]> plain = epoch(LoaderConfig.builder().data(data).batchSize(24).seed(11).augment(
                "random-resized-crop(scale_min=0.35), flip").threads(2).build(), 1);
        assertTrue(!java.util.Arrays.equals(plain.get(0), one.get(0)), "the other operations change the batch");
        try (Loader loader = Loader.open(config.build())) {
            assertEquals("random-resized-crop(scale_min=0.35, scale_max=1, ratio_min=0.75, "
                    + "ratio_max=1.3333333333333333), flip(p=0.5), randaugment(n=2, m=9, fill=mean), "
                    + "gridmask(d_min=7, d_max=16, ratio=0.6, rotate=360, p=0.8), cutout(size=4, p=0.5), "
                    + "random-erasing(p=0.5, scale_min=0.02, scale_max=0.33, ratio_min=0.3, value=random), "
                    + "pad-crop(pad=2, fill=mean), mixup(alpha=0.2), cutmix(alpha=1, p=1)",
                    loader.pipeline().describe());
        }
    }

    /** Every batch of an epoch: images, labels and soft targets, copied. */
    static List<byte[]> epoch(LoaderConfig config, int epoch) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Loader loader = Loader.open(config); Epoch e = loader.epoch(epoch)) {
            while (e.hasNext()) {
                Batch b = e.next();
                ByteBuffer images = b.images();
                if (!b.hasTargets()) {
                    byte[] copy = new byte[images.remaining()];
                    images.get(copy);
                    out.add(copy);
                    continue;
                }
                ByteBuffer targets = b.targets();
                byte[] copy = new byte[images.remaining() + targets.remaining()];
                images.get(copy, 0, images.remaining());
                targets.get(copy, copy.length - targets.remaining(), targets.remaining());
                out.add(copy);
                FloatBuffer t = b.targets().order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int i = 0; i < b.size(); i++) {
                    float sum = 0;
                    for (int k = 0; k < CLASSES; k++) {
                        sum += t.get(i * CLASSES + k);
                    }
                    assertEquals(1, sum, 1e-5);
                }
            }
        }
        return out;
    }
}
