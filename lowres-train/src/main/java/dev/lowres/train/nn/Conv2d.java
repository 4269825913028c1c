package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A 2-d convolution, weight (out, in / groups, k, k), optional bias; square kernel, stride and padding.
 *
 * <p>A 1x1 convolution with a stride s (a projection shortcut) runs on libtorch's strided kernel when its input
 * channels (per group) fill whole blocks of 16, and otherwise as the stride-1 convolution of every s-th pixel, which
 * is the same arithmetic ({@link StridedOneByOne}): oneDNN's 1x1 backward-weights kernels write past their
 * workspace for channels-last inputs with fewer channels than their block (oneDNN issue 6035). The subsampled form
 * costs its backward pass a zero-filled full-size gradient: about 15% of WRN-28-2's backward pass (BENCHMARKS.md).
 */
public final class Conv2d implements Layer {
    private final Param weight;
    private final Param bias;
    private final long[] stride;
    private final long[] padding;
    private final long groups;
    private static final long[] DILATION = {1, 1};
    private static final long[] ONE = {1, 1};
    private static final long[] ZERO = {0, 0};
    private final long subsample;

    private Conv2d(Param weight, Param bias, int stride, int padding, int groups) {
        this.weight = weight;
        this.bias = bias;
        this.stride = new long[] {stride, stride};
        this.padding = new long[] {padding, padding};
        this.groups = groups;
        long[] shape = weight.shape();
        boolean strided1x1 = shape[2] == 1 && shape[3] == 1 && padding == 0 && stride > 1;
        this.subsample = strided1x1 && StridedOneByOne.subsampled(shape[1]) ? stride : 1;
    }

    /** Whether this convolution runs as the stride-1 convolution of a subsample ({@link StridedOneByOne}). */
    boolean subsampled() {
        return subsample > 1;
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
    public Tensor forward(Tensor input, boolean training) {
        Tensor x = DoReFa.input(weight, input);
        Tensor w = DoReFa.weight(weight);
        if (subsample > 1) {
            Tensor every = x.slice(2, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional(),
                    subsample).slice(3, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional(),
                    subsample);
            return torch.conv2d(every, w, bias == null ? Nothing.tensor() : bias.optional(), ONE, ZERO,
                    DILATION, groups);
        }
        return torch.conv2d(x, w, bias == null ? Nothing.tensor() : bias.optional(), stride, padding,
                DILATION, groups);
    }
}
