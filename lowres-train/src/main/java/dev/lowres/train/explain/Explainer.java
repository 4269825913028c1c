package dev.lowres.train.explain;

import dev.lowres.train.engine.Tensors;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.metrics.Temperature;
import dev.lowres.train.model.InputShape;
import dev.lowres.train.nn.GlobalAvgPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Attributions of one image's class score to its pixels, by the {@link Method}s, each with its deletion and
 * insertion curves ({@link Faithfulness}). Everything is computed in pixel units (0..255) through the run's own
 * normalisation, on the model's device; the score explained is the class's logit (the probability is what the
 * faithfulness curves follow). Batches of inputs (noisy copies, path steps, masked images) go through the network
 * {@value #BATCH} at a time, each batch's tensors and graph in a {@link PointerScope} of its own.
 *
 * <p>Settings follow the papers: SmoothGrad {@value #SMOOTHGRAD_SAMPLES} samples at noise 0.15 of the pixel range;
 * Integrated Gradients {@value #IG_STEPS} midpoint steps from a black image, with the completeness gap reported;
 * Grad-CAM on the feature map the network's global pooling takes; XRAI with the Felzenszwalb scales 50 to 1200 of its
 * reference implementation (their sizes scaled from its 224 px to the image's), Integrated Gradients from a black
 * and a white image averaged, segments added greedily by attribution density.
 */
public final class Explainer {
    public static final int BATCH = 64;
    public static final int SMOOTHGRAD_SAMPLES = 25;
    public static final double SMOOTHGRAD_NOISE = 0.15;
    public static final int IG_STEPS = 50;
    public static final int FAITHFULNESS_STEPS = 32;
    static final double[] XRAI_SCALES = {50, 100, 150, 250, 500, 1200};

    private final TrainedModel model;
    private final int channels;
    private final int height;
    private final int width;

    public Explainer(TrainedModel model) {
        if (!model.differentiable()) {
            throw new IllegalArgumentException("the int8 kernels have no gradients to explain with: explain the fp32 run "
                    + "this one was quantized from");
        }
        this.model = model;
        InputShape s = model.input();
        this.channels = s.channels();
        this.height = s.height();
        this.width = s.width();
    }

    /** The softmax probabilities of one image (planar pixels, 0..255) over the network's classes. */
    public float[] probabilities(byte[] chw) {
        return probabilitiesOf(List.of(floats(chw)))[0];
    }

    /** {@code method}'s attribution of {@code chw} to class {@code target}, with its faithfulness curves. */
    public Attribution explain(Method method, byte[] chw, int target, long seed) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException("the image has " + chw.length + " values; the network takes "
                    + channels + "x" + height + "x" + width);
        }
        float[] x = floats(chw);
        long start = System.nanoTime();
        String[] note = {null};
        float[] map = switch (method) {
            case GRADIENT -> magnitude(gradients(List.of(x), target).get(0));
            case SMOOTHGRAD -> magnitude(mean(gradients(noisy(x, seed), target)));
            case INTEGRATED_GRADIENTS -> {
                float[] attr = integrated(x, new float[x.length], target, note);
                yield magnitude(attr);
            }
            case GRAD_CAM -> gradCam(x, target);
            case XRAI -> xrai(x, target);
        };
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Attribution(method, target, height, width, map, faithfulness(x, map, target), seconds, note[0]);
    }

    // ---- the methods ------------------------------------------------------------------------------------

    private List<float[]> noisy(float[] x, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double sigma = SMOOTHGRAD_NOISE * 255;
        List<float[]> out = new ArrayList<>();
        for (int s = 0; s < SMOOTHGRAD_SAMPLES; s++) {
            float[] n = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                n[i] = (float) (x[i] + sigma * random.nextGaussian());
            }
            out.add(n);
        }
        return out;
    }

    /** Integrated Gradients from {@code baseline}: (x - x') times the mean gradient at the path's midpoints. */
    private float[] integrated(float[] x, float[] baseline, int target, String[] note) {
        List<float[]> path = new ArrayList<>();
        for (int k = 0; k < IG_STEPS; k++) {
            double alpha = (k + 0.5) / IG_STEPS;
            float[] p = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                p[i] = (float) (baseline[i] + alpha * (x[i] - baseline[i]));
            }
            path.add(p);
        }
        float[] g = mean(gradients(path, target));
        float[] attr = new float[x.length];
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            attr[i] = (x[i] - baseline[i]) * g[i];
            total += attr[i];
        }
        if (note != null) {
            float[] ends = logits(List.of(x, baseline), target);
            note[0] = String.format(java.util.Locale.ROOT, "completeness: the attributions add up to %.4g; the logit "
                    + "goes from %.4g (baseline) to %.4g (image), a difference of %.4g", total, ends[1], ends[0],
                    ends[0] - ends[1]);
        }
        return attr;
    }

    /** Integrated Gradients' attribution per value (channels, height, width) from {@code baseline}. */
    float[] integratedAttribution(float[] x, float[] baseline, int target) {
        return integrated(x, baseline, target, null);
    }

    /** The target's logit of one input in pixel units. */
    double logitOf(float[] x, int target) {
        return logits(List.of(x), target)[0];
    }

    private float[] gradCam(float[] x, int target) {
        try (PointerScope scope = new PointerScope(); GlobalAvgPool.Capture capture = GlobalAvgPool.capture()) {
            Tensor input = Tensors.floats(x, model.device(), 1, channels, height, width);
            input.set_requires_grad(true);
            Tensor logits = model.logits(input);
            Tensor features = capture.features();
            if (features == null) {
                throw new IllegalArgumentException("Grad-CAM needs a network that pools a last convolutional feature "
                        + "map (" + model.name() + " has none)");
            }
            logits.select(1, target).sum().backward();
            long[] shape = Tensors.shape(features);
            int k = (int) shape[1];
            int fh = (int) shape[2];
            int fw = (int) shape[3];
            float[] a = Tensors.toFloats(features);
            float[] g = Tensors.toFloats(features.grad());
            float[] cam = new float[fh * fw];
            for (int c = 0; c < k; c++) {
                double alpha = 0;
                for (int p = 0; p < fh * fw; p++) {
                    alpha += g[c * fh * fw + p];
                }
                alpha /= fh * fw;
                for (int p = 0; p < fh * fw; p++) {
                    cam[p] += (float) (alpha * a[c * fh * fw + p]);
                }
            }
            for (int p = 0; p < cam.length; p++) {
                cam[p] = Math.max(0, cam[p]);
            }
            return bilinear(cam, fh, fw, height, width);
        }
    }

    private float[] xrai(float[] x, int target) {
        float[] white = new float[x.length];
        Arrays.fill(white, 255f);
        float[] black = integrated(x, new float[x.length], target, null);
        float[] fromWhite = integrated(x, white, target, null);
        int n = height * width;
        float[] attr = new float[n];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < n; p++) {
                attr[p] += (black[c * n + p] + fromWhite[c * n + p]) / 2;
            }
        }
        List<BitSet> masks = new ArrayList<>();
        for (int[] labels : Segmentation.xraiSegments(x, channels, height, width, XRAI_SCALES)) {
            int count = Arrays.stream(labels).max().orElse(-1) + 1;
            for (int s = 0; s < count; s++) {
                BitSet m = new BitSet(n);
                for (int p = 0; p < n; p++) {
                    if (labels[p] == s) {
                        m.set(p);
                    }
                }
                if (!m.isEmpty()) {
                    masks.add(dilate(m, (int) Math.round(5.0 * Math.max(height, width) / Segmentation.XRAI_SIDE)));
                }
            }
        }
        float[] out = new float[n];
        Arrays.fill(out, Float.NEGATIVE_INFINITY);
        BitSet covered = new BitSet(n);
        while (covered.cardinality() < n && !masks.isEmpty()) {
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < masks.size(); i++) {
                BitSet added = (BitSet) masks.get(i).clone();
                added.andNot(covered);
                if (added.isEmpty()) {
                    continue;
                }
                double gain = density(added, attr);
                if (gain > bestGain) {
                    bestGain = gain;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            BitSet added = (BitSet) masks.remove(best).clone();
            added.andNot(covered);
            for (int p = added.nextSetBit(0); p >= 0; p = added.nextSetBit(p + 1)) {
                out[p] = (float) bestGain;
            }
            covered.or(added);
        }
        if (covered.cardinality() < n) {
            BitSet rest = new BitSet(n);
            rest.set(0, n);
            rest.andNot(covered);
            float gain = (float) density(rest, attr);
            for (int p = rest.nextSetBit(0); p >= 0; p = rest.nextSetBit(p + 1)) {
                out[p] = gain;
            }
        }
        return out;
    }

    private static double density(BitSet pixels, float[] attr) {
        double sum = 0;
        for (int p = pixels.nextSetBit(0); p >= 0; p = pixels.nextSetBit(p + 1)) {
            sum += attr[p];
        }
        return sum / pixels.cardinality();
    }

    private BitSet dilate(BitSet m, int radius) {
        if (radius <= 0) {
            return m;
        }
        BitSet out = (BitSet) m.clone();
        for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) {
            int y = p / width;
            int x = p % width;
            for (int dy = -radius; dy <= radius; dy++) {
                for (int dx = -radius; dx <= radius; dx++) {
                    int yy = y + dy;
                    int xx = x + dx;
                    if (dx * dx + dy * dy <= radius * radius && yy >= 0 && yy < height && xx >= 0 && xx < width) {
                        out.set(yy * width + xx);
                    }
                }
            }
        }
        return out;
    }

    // ---- faithfulness -----------------------------------------------------------------------------------

    /** The deletion and insertion curves of {@code map} (see {@link Faithfulness}). */
    Faithfulness faithfulness(float[] x, float[] map, int target) {
        int n = height * width;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(map[b], map[a]) != 0 ? Float.compare(map[b], map[a])
                : Integer.compare(a, b));
        float[] blurred = new float[x.length];
        double sigma = Math.max(1.0, 5.0 * Math.max(height, width) / 224);
        for (int c = 0; c < channels; c++) {
            float[] plane = Segmentation.blur(Arrays.copyOfRange(x, c * n, (c + 1) * n), height, width, sigma);
            System.arraycopy(plane, 0, blurred, c * n, n);
        }
        List<float[]> inputs = new ArrayList<>();
        for (int s = 0; s <= FAITHFULNESS_STEPS; s++) {
            int k = (int) Math.round((double) s * n / FAITHFULNESS_STEPS);
            float[] deleted = x.clone();
            float[] inserted = blurred.clone();
            for (int i = 0; i < k; i++) {
                int p = order[i];
                for (int c = 0; c < channels; c++) {
                    deleted[c * n + p] = 0;
                    inserted[c * n + p] = x[c * n + p];
                }
            }
            inputs.add(deleted);
            inputs.add(inserted);
        }
        float[][] probs = probabilitiesOf(inputs);
        double[] deletion = new double[FAITHFULNESS_STEPS + 1];
        double[] insertion = new double[FAITHFULNESS_STEPS + 1];
        for (int s = 0; s <= FAITHFULNESS_STEPS; s++) {
            deletion[s] = probs[2 * s][target];
            insertion[s] = probs[2 * s + 1][target];
        }
        return new Faithfulness(deletion, insertion, Faithfulness.area(deletion), Faithfulness.area(insertion));
    }

    // ---- the network --------------------------------------------------------------------------------------

    /** The gradient of the target logit with respect to each input (pixel units). */
    List<float[]> gradients(List<float[]> inputs, int target) {
        List<float[]> out = new ArrayList<>();
        int size = channels * height * width;
        for (int from = 0; from < inputs.size(); from += BATCH) {
            int count = Math.min(BATCH, inputs.size() - from);
            try (PointerScope scope = new PointerScope()) {
                Tensor x = Tensors.floats(flat(inputs, from, count), model.device(), count, channels, height, width);
                x.set_requires_grad(true);
                model.logits(x).select(1, target).sum().backward();
                float[] g = Tensors.toFloats(x.grad());
                for (int i = 0; i < count; i++) {
                    out.add(Arrays.copyOfRange(g, i * size, (i + 1) * size));
                }
            }
        }
        return out;
    }

    private float[][] probabilitiesOf(List<float[]> inputs) {
        float[][] out = new float[inputs.size()][];
        for (int from = 0; from < inputs.size(); from += BATCH) {
            int count = Math.min(BATCH, inputs.size() - from);
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor x = Tensors.floats(flat(inputs, from, count), model.device(), count, channels, height, width);
                float[] logits = Tensors.toFloats(model.logits(x));
                int classes = logits.length / count;
                for (int i = 0; i < count; i++) {
                    out[from + i] = Temperature.softmax(Arrays.copyOfRange(logits, i * classes, (i + 1) * classes), 1.0);
                }
            }
        }
        return out;
    }

    private float[] logits(List<float[]> inputs, int target) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor x = Tensors.floats(flat(inputs, 0, inputs.size()), model.device(), inputs.size(), channels, height,
                    width);
            float[] logits = Tensors.toFloats(model.logits(x));
            int classes = logits.length / inputs.size();
            float[] out = new float[inputs.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = logits[i * classes + target];
            }
            return out;
        }
    }

    private static float[] flat(List<float[]> inputs, int from, int count) {
        int size = inputs.get(from).length;
        float[] out = new float[count * size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(inputs.get(from + i), 0, out, i * size, size);
        }
        return out;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static float[] floats(byte[] chw) {
        float[] out = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            out[i] = chw[i] & 0xFF;
        }
        return out;
    }

    private static float[] mean(List<float[]> values) {
        float[] out = new float[values.get(0).length];
        for (float[] v : values) {
            for (int i = 0; i < out.length; i++) {
                out[i] += v[i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= values.size();
        }
        return out;
    }

    /** Per pixel, the absolute values summed over the channels. */
    private float[] magnitude(float[] chw) {
        int n = height * width;
        float[] out = new float[n];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < n; p++) {
                out[p] += Math.abs(chw[c * n + p]);
            }
        }
        return out;
    }

    /** Bilinear resampling with half-pixel centres (PyTorch's align_corners=False). */
    static float[] bilinear(float[] src, int sh, int sw, int dh, int dw) {
        float[] out = new float[dh * dw];
        for (int y = 0; y < dh; y++) {
            double fy = Math.max(0, (y + 0.5) * sh / dh - 0.5);
            int y0 = Math.min((int) fy, sh - 1);
            int y1 = Math.min(y0 + 1, sh - 1);
            double wy = fy - y0;
            for (int x = 0; x < dw; x++) {
                double fx = Math.max(0, (x + 0.5) * sw / dw - 0.5);
                int x0 = Math.min((int) fx, sw - 1);
                int x1 = Math.min(x0 + 1, sw - 1);
                double wx = fx - x0;
                out[y * dw + x] = (float) ((1 - wy) * ((1 - wx) * src[y0 * sw + x0] + wx * src[y0 * sw + x1])
                        + wy * ((1 - wx) * src[y1 * sw + x0] + wx * src[y1 * sw + x1]));
            }
        }
        return out;
    }
}
