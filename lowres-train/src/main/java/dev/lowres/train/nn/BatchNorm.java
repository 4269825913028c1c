package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalisation over the channels of (N, C, H, W) (Ioffe & Szegedy 2015): scale {@code weight}, shift
 * {@code bias}, and running statistics {@code running_mean} and {@code running_var} updated by 0.1 of each
 * training batch (PyTorch's momentum). Evaluation uses the running statistics.
 */
public final class BatchNorm implements Layer {
    /** PyTorch's default epsilon. */
    public static final double EPSILON = 1e-5;
    private final Param weight;
    private final Param bias;
    private final Param mean;
    private final Param var;
    private final double epsilon;

    private BatchNorm(Param weight, Param bias, Param mean, Param var, double epsilon) {
        this.weight = weight;
        this.bias = bias;
        this.mean = mean;
        this.var = var;
        this.epsilon = epsilon;
    }

    public static BatchNorm create(Params p, int channels, double epsilon) {
        return new BatchNorm(p.param("weight", Param.Kind.NORM_SCALE, Init.ONES, channels),
                p.param("bias", Param.Kind.NORM_SHIFT, Init.ZEROS, channels),
                p.param("running_mean", Param.Kind.BUFFER, Init.ZEROS, channels),
                p.param("running_var", Param.Kind.BUFFER, Init.ONES, channels), epsilon);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return torch.batch_norm(x, weight.optional(), bias.optional(), mean.optional(), var.optional(), training, 0.1,
                epsilon, true);
    }
}
