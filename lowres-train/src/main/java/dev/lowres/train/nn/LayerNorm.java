package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Layer normalisation over the last axis (Ba et al. 2016), with scale and shift. */
public final class LayerNorm implements Layer {
    private final Param weight;
    private final Param bias;
    private final long[] shape;
    private final double epsilon;

    private LayerNorm(Param weight, Param bias, int features, double epsilon) {
        this.weight = weight;
        this.bias = bias;
        this.shape = new long[] {features};
        this.epsilon = epsilon;
    }

    public static LayerNorm create(Params p, int features, double epsilon) {
        return new LayerNorm(p.param("weight", Param.Kind.NORM_SCALE, Init.ONES, features),
                p.param("bias", Param.Kind.NORM_SHIFT, Init.ZEROS, features), features, epsilon);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return torch.layer_norm(x, shape, weight.optional(), bias.optional(), epsilon, true);
    }
}
