package dev.lowres.train.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * DoReFa-Net's k-bit weights and activations (Zhou et al. 2016, "DoReFa-Net: Training Low Bitwidth Convolutional
 * Neural Networks with Low Bitwidth Gradients"; weights and activations, gradients in full precision), for
 * quantization-aware training. While entered on a thread, every {@link Conv2d} but the network's first computes with
 * <ul>
 *   <li>weights {@code 2 q_k(tanh(w) / (2 max|tanh(w)|) + 1/2) - 1} (k = 1: {@code sign(w) E|w|}), and</li>
 *   <li>inputs {@code q_k(clip(x, 0, 1))},</li>
 * </ul>
 * where {@code q_k(x) = round((2^k - 1) x) / (2^k - 1)} passes its gradient straight through (the straight-through
 * estimator; the tanh, the max and the clip keep theirs). The first convolution (it sees the image) and the fully
 * connected layers stay in full precision, as in the paper. The fp32 latent weights are what is trained and saved;
 * evaluation enters the same quantizers, so it computes with the k-bit values.
 *
 * @param weightBits bits per weight, 1 to 8 (32: full precision)
 * @param activationBits bits per activation, 1 to 8 (32: full precision)
 * @param firstConv the weight name of the convolution that stays in full precision
 */
public record DoReFa(int weightBits, int activationBits, String firstConv) {
    private static final ThreadLocal<DoReFa> CURRENT = new ThreadLocal<>();

    public DoReFa {
        for (int b : new int[] {weightBits, activationBits}) {
            if (!(b >= 1 && b <= 8) && b != 32) {
                throw new IllegalArgumentException("DoReFa bits must be 1 to 8 (or 32 for full precision): " + b);
            }
        }
    }

    /** Enters the quantizers on this thread until the scope is closed (null: none). */
    public static Scope enter(DoReFa quantizers) {
        DoReFa previous = CURRENT.get();
        CURRENT.set(quantizers);
        return new Scope(previous);
    }

    /** An entered quantization; closing it restores the previous one. */
    public static final class Scope implements AutoCloseable {
        private final DoReFa previous;

        private Scope(DoReFa previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }
    }

    /** The weight a convolution computes with: quantized when entered (and not the first convolution). */
    static Tensor weight(Param weight) {
        DoReFa q = CURRENT.get();
        Tensor w = weight.value();
        if (q == null || q.weightBits == 32 || weight.name().equals(q.firstConv)) {
            return w;
        }
        if (q.weightBits == 1) {
            Tensor binary = w.sign().mul(w.abs().mean());
            return straightThrough(w, binary);
        }
        Tensor t = w.tanh();
        Tensor unit = t.div(t.abs().max().mul(new Scalar(2.0))).add(new Scalar(0.5));
        return quantize(unit, q.weightBits).mul(new Scalar(2.0)).sub(new Scalar(1.0));
    }

    /** The input a convolution computes with: quantized when entered (and not the first convolution). */
    static Tensor input(Param weight, Tensor x) {
        DoReFa q = CURRENT.get();
        if (q == null || q.activationBits == 32 || weight.name().equals(q.firstConv)) {
            return x;
        }
        return quantize(x.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0.0)),
                new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0))), q.activationBits);
    }

    /** q_k of values in [0, 1], with the gradient of the identity. */
    static Tensor quantize(Tensor x, int bits) {
        double levels = (1 << bits) - 1;
        Tensor q = x.mul(new Scalar(levels)).round().div(new Scalar(levels));
        return straightThrough(x, q);
    }

    /** {@code value} forward, the gradient of {@code x} backward: {@code x + (value - x).detach()}. */
    private static Tensor straightThrough(Tensor x, Tensor value) {
        return x.add(value.sub(x).detach());
    }
}
