package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A 2-d convolution, weight (out, in / groups, k, k), optional bias; square kernel, stride and padding.
 */
public final class Conv2d implements Layer {
    private final Param weight;
    private final Param bias;
    private final long[] stride;
    private final long[] padding;
    private final long groups;
    private static final long[] DILATION = {1, 1};

    private Conv2d(Param weight, Param bias, int stride, int padding, int groups) {
        this.weight = weight;
        this.bias = bias;
        this.stride = new long[] {stride, stride};
        this.padding = new long[] {padding, padding};
        this.groups = groups;
    }

    /**
     * Declares {@code p.weight} (and {@code p.bias}) with the given initialisation of the weight; biases start
     * at 0.
     */
    public static Conv2d create(Params p, int in, int out, int kernel, int stride, int padding, int groups,
                                boolean bias, Init init) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("convolution channels " + in + " -> " + out + " do not split into "
                    + groups + " groups");
        }
        Param w = p.param("weight", Param.Kind.WEIGHT, init, out, in / groups, kernel, kernel);
        Param b = bias ? p.param("bias", Param.Kind.BIAS, Init.ZEROS, out) : null;
        return new Conv2d(w, b, stride, padding, groups);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return torch.conv2d(x, weight.value(), bias == null ? Nothing.tensor() : bias.optional(), stride, padding,
                DILATION, groups);
    }
}
