package dev.lowres.train.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.load.SplitView;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.loop.RunOptions;
import dev.lowres.train.loop.TinyData;
import dev.lowres.train.loop.TrainListener;
import dev.lowres.train.loop.TrainingRun;
import dev.lowres.train.recipe.Recipes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attribution methods against what each promises, on a network trained on a tiny learnable dataset. */
class ExplainerTest {
    @TempDir
    static Path tmp;
    static TrainedModel model;
    static Explainer explainer;
    static byte[] image;
    static int label;

    @BeforeAll
    static void train() throws Exception {
        Path data = TinyData.write(tmp.resolve("tiny"), 4, 160, 40, 16);
        Path run = tmp.resolve("run");
        new TrainingRun(RunOptions.cpu(data, run, Recipes.resolve("imagenet32-paper", List.of("model=wrn-8-1",
                "epochs=2", "batch_size=16", "schedule.kind=cosine", "schedule.lr=0.05", "data.augment=flip",
                "data.threads=2", "data.mirror_copies=false")), false, List.of("test")), new TrainListener() { }).run();
        model = TrainedModel.load(RunInfo.load(run), RunInfo.Weights.AUTO, Device.cpu(), Precision.FP32, true);
        explainer = new Explainer(model);
        SplitView view = SplitView.open(data, "val", false);
        image = new byte[3 * 16 * 16];
        view.read(3, image, 0);
        label = view.label(3);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static float[] floats(byte[] b) {
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            f[i] = b[i] & 0xFF;
        }
        return f;
    }

    @Test
    void theGradientIsTheLogitsSlope() {
        float[] x = floats(image);
        float[] g = explainer.gradients(List.of(x), label).get(0);
        // the pixels with the largest gradients, nudged by half a grey level either way
        Integer[] order = new Integer[g.length];
        for (int i = 0; i < g.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
        for (int k = 0; k < 5; k++) {
            int p = order[k];
            float[] up = x.clone();
            float[] down = x.clone();
            up[p] += 0.5f;
            down[p] -= 0.5f;
            double slope = (logit(up) - logit(down)) / 1.0;
            assertEquals(g[p], slope, 0.05 * Math.abs(g[p]) + 1e-4, "pixel " + p);
        }
    }

    static double logit(float[] x) {
        return explainer.logitOf(x, label);
    }

    @Test
    void integratedGradientsAddUpToTheLogitsChange() {
        Attribution a = explainer.explain(Method.INTEGRATED_GRADIENTS, image, label, 0);
        float[] x = floats(image);
        double total = 0;
        float[] attr = explainer.integratedAttribution(x, new float[x.length], label);
        for (float v : attr) {
            total += v;
        }
        double change = logit(x) - logit(new float[x.length]);
        assertEquals(change, total, 0.05 * Math.abs(change) + 0.05, "completeness (50 midpoint steps)");
        assertTrue(a.note().startsWith("completeness"), a.note());
        assertEquals(16 * 16, a.map().length);
        assertTrue(a.seconds() > 0);
    }

    @Test
    void theFaithfulnessCurvesStartAndEndWhereTheyMust() {
        Attribution a = explainer.explain(Method.GRADIENT, image, label, 0);
        float[] p = explainer.probabilities(image);
        Faithfulness f = a.faithfulness();
        assertEquals(Explainer.FAITHFULNESS_STEPS + 1, f.deletion().length);
        assertEquals(p[label], f.deletion()[0], 1e-5, "nothing deleted: the image");
        assertEquals(p[label], f.insertion()[f.insertion().length - 1], 1e-5, "everything inserted: the image");
        float[] black = explainer.probabilities(new byte[image.length]);
        assertEquals(black[label], f.deletion()[f.deletion().length - 1], 1e-5, "everything deleted: black");
        assertEquals(Faithfulness.area(f.deletion()), f.deletionArea(), 1e-12);
        assertEquals(0.5, Faithfulness.area(new double[] {0, 0.5, 1}), 1e-12);
        // the map, against its own reverse: deleting what it ranks first hurts the class more
        float[] reversed = a.map().clone();
        for (int i = 0; i < reversed.length; i++) {
            reversed[i] = -reversed[i];
        }
        Attribution ig = explainer.explain(Method.INTEGRATED_GRADIENTS, image, label, 0);
        float[] igReversed = ig.map().clone();
        for (int i = 0; i < igReversed.length; i++) {
            igReversed[i] = -igReversed[i];
        }
        Faithfulness worse = explainer.faithfulness(floats(image), igReversed, label);
        assertTrue(ig.faithfulness().deletionArea() < worse.deletionArea(),
                ig.faithfulness().deletionArea() + " vs reversed " + worse.deletionArea());
        assertTrue(ig.faithfulness().insertionArea() > worse.insertionArea(),
                ig.faithfulness().insertionArea() + " vs reversed " + worse.insertionArea());
    }

    @Test
    void everyMethodGivesAMapOfTheImagesSize() {
        for (Method m : Method.values()) {
            Attribution a = explainer.explain(m, image, label, 7);
            assertEquals(256, a.map().length, m.id());
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : a.map()) {
                assertTrue(Float.isFinite(v), m.id());
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertTrue(hi > lo, m.id() + " is not constant");
            if (m == Method.GRAD_CAM) {
                assertTrue(lo >= 0, "Grad-CAM is rectified");
            }
            if (m == Method.XRAI) {
                long distinct = Arrays.stream(box(a.map())).distinct().count();
                assertTrue(distinct < 256 / 2, "XRAI ranks regions, not pixels: " + distinct + " values");
            }
        }
        // SmoothGrad's noise is seeded
        assertTrue(Arrays.equals(explainer.explain(Method.SMOOTHGRAD, image, label, 3).map(),
                explainer.explain(Method.SMOOTHGRAD, image, label, 3).map()));
        assertThrows(IllegalArgumentException.class, () -> explainer.explain(Method.GRADIENT, new byte[10], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Method.parse("lime"));
        assertEquals(Method.GRAD_CAM, Method.parse("Grad-CAM"));
    }

    static Float[] box(float[] f) {
        Float[] out = new Float[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    @Test
    void segmentationSeparatesFlatRegionsAndHeatmapsKeepTheirSize() throws Exception {
        float[] two = new float[3 * 8 * 8];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 4; x < 8; x++) {
                    two[c * 64 + y * 8 + x] = 255;
                }
            }
        }
        int[] labels = Segmentation.felzenszwalb(two, 3, 8, 8, 1, 0, 1);
        assertEquals(2, Arrays.stream(labels).distinct().count());
        assertTrue(labels[0] != labels[7] && labels[0] == labels[56 + 3] && labels[7] == labels[60]);
        float[] v = Heatmap.normalised(new float[] {0, 1, 2, 3});
        assertEquals(0f, v[0]);
        assertEquals(1f, v[3]);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Heatmap.overlay(image, 3, 16, 16,
                explainer.explain(Method.GRADIENT, image, label, 0).map(), 4)));
        assertEquals(64, png.getWidth());
        assertEquals(Heatmap.color(0f), 0x000004);
    }
}
