package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A fully connected layer over the last axis: weight (out, in), bias (out). */
public final class Linear implements Layer {
    private final Param weight;
    private final Param bias;

    private Linear(Param weight, Param bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** Declares {@code p.weight} with {@code init} and {@code p.bias} at 0 (when {@code bias}). */
    public static Linear create(Params p, int in, int out, boolean bias, Init init) {
        return new Linear(p.param("weight", Param.Kind.WEIGHT, init, out, in),
                bias ? p.param("bias", Param.Kind.BIAS, Init.ZEROS, out) : null);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return torch.linear(x, weight.value(), bias == null ? Nothing.tensor() : bias.optional());
    }
}
