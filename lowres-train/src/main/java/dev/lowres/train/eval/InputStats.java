package dev.lowres.train.eval;

import dev.lowres.data.load.Loader;
import dev.lowres.data.load.Normalization;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.export.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * How a run's network expects its input: the training loader's normalisation with the training split's
 * statistics, kept in the run directory ({@value #FILE}) so that evaluation on any other dataset (a shifted
 * test set, a corrupted copy) feeds the network exactly what training fed it. {@link #apply} takes pixels
 * as floats in [0, 255], so corruptions and attacks can work in pixel space.
 *
 * @param normalization the loader's normalisation
 * @param mean per-channel means (pixel units)
 * @param std per-channel standard deviations (pixel units, never zero)
 * @param meanImage the mean image (C, H, W) for mean-image normalisation, else null
 */
public record InputStats(Normalization normalization, double[] mean, double[] std, float[] meanImage) {
    public static final String FILE = "input.safetensors";

    /** The statistics an open training loader applies. */
    public static InputStats of(Loader loader) {
        return new InputStats(loader.config().normalization(), loader.channelMean(), loader.channelStd(),
                loader.meanImage());
    }

    /**
     * Normalises a batch of pixels (N, C, H, W) in [0, 255] as the training loader did: {@code v / 255},
     * {@code (v - mean[c]) / std[c]}, or {@code (v - meanImage) / 255}. Equal to the loader's float output
     * to a float's rounding. The result (float32, on the pixels' device) is attached to the innermost open
     * {@link org.bytedeco.javacpp.PointerScope}.
     */
    public Tensor apply(Tensor pixels) {
        return switch (normalization) {
            case UNIT -> pixels.div(new Scalar(255.0));
            case CHANNEL -> pixels.sub(perChannel(mean, pixels)).div(perChannel(std, pixels));
            case MEAN_IMAGE -> pixels.sub(constant(meanImage, pixels, 1, pixels.size(1), pixels.size(2),
                    pixels.size(3))).mul(new Scalar(1.0 / 255.0));
        };
    }

    /**
     * The pixels in [0, 255] of a batch this normalisation made (the inverse of {@link #apply}, to a float's
     * rounding): how a teacher trained with other statistics sees the student's augmented batch.
     */
    public Tensor invert(Tensor input) {
        return switch (normalization) {
            case UNIT -> input.mul(new Scalar(255.0));
            case CHANNEL -> input.mul(perChannel(std, input)).add(perChannel(mean, input));
            case MEAN_IMAGE -> input.mul(new Scalar(255.0)).add(constant(meanImage, input, 1, input.size(1),
                    input.size(2), input.size(3)));
        };
    }

    /**
     * Whether {@code other} normalises exactly as this does (as stored: statistics compared as floats, the
     * precision of {@value #FILE}).
     */
    public boolean sameAs(InputStats other) {
        return normalization == other.normalization && java.util.Arrays.equals(floats(mean), floats(other.mean))
                && java.util.Arrays.equals(floats(std), floats(other.std))
                && java.util.Arrays.equals(meanImage, other.meanImage);
    }

    /** One value per channel as a float32 (1, C, 1, 1) tensor on the device of {@code like}. */
    private static Tensor perChannel(double[] values, Tensor like) {
        return constant(floats(values), like, 1, values.length, 1, 1);
    }

    /** {@code values} as a float32 tensor of {@code shape} on the device of {@code like}. */
    private static Tensor constant(float[] values, Tensor like, long... shape) {
        Tensor t = Tensors.floats(values, Device.cpu(), shape);
        return like.is_cuda() ? t.to(like.device(), torch.ScalarType.Float) : t;
    }

    /** Writes the statistics to {@code dir}/{@value #FILE}. */
    public void write(Path dir) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("mean", new Safetensors.Tensor(new long[] {mean.length}, floats(mean)));
        tensors.put("std", new Safetensors.Tensor(new long[] {std.length}, floats(std)));
        if (meanImage != null) {
            tensors.put("mean_image", new Safetensors.Tensor(new long[] {meanImage.length}, meanImage));
        }
        Safetensors.write(dir.resolve(FILE), tensors, Map.of("format", "lowres-input/1", "normalization",
                normalization.id()));
    }

    /** Reads {@code dir}/{@value #FILE}. */
    public static InputStats read(Path dir) throws IOException {
        Safetensors.Contents c = Safetensors.read(dir.resolve(FILE));
        Safetensors.Tensor image = c.tensors().get("mean_image");
        return new InputStats(Normalization.parse(c.metadata().get("normalization")),
                doubles(c.tensors().get("mean").data()), doubles(c.tensors().get("std").data()),
                image == null ? null : image.data());
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
