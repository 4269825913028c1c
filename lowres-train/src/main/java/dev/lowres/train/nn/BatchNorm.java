package dev.lowres.train.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalisation over the channels of (N, C, H, W) (Ioffe & Szegedy 2015): scale {@code weight}, shift
 * {@code bias}, and running statistics {@code running_mean} and {@code running_var} updated by 0.1 of each
 * training batch (PyTorch's momentum). Evaluation uses the running statistics. Inside a {@link BatchNormSync}
 * the training statistics are those of all data-parallel ranks' batches together.
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
        BatchNormSync sync = training ? BatchNormSync.current() : null;
        if (sync != null && sync.ranks() > 1) {
            return synchronised(x, sync);
        }
        return torch.batch_norm(x, weight.optional(), bias.optional(), mean.optional(), var.optional(), training, 0.1,
                epsilon, true);
    }

    private static final long[] NHW = {0, 2, 3};

    /**
     * Training-mode batch norm over the global batch: per-channel sums of (x - K) and (x - K)^2 in fp32, K the
     * running mean (a shift against cancellation), summed over the ranks; the biased variance normalises, the
     * unbiased one goes into the running statistics, as {@code torch.batch_norm} does.
     */
    private Tensor synchronised(Tensor x, BatchNormSync sync) {
        long c = x.size(1);
        double n = (double) (x.numel() / c) * sync.ranks();
        Tensor shift = mean.value().detach().clone().view(1, c, 1, 1);
        Tensor centred = x.to(torch.ScalarType.Float).sub(shift);
        Tensor sums = sync.sumOverRanks(torch.cat(new TensorVector(centred.sum(NHW), centred.square().sum(NHW)), 0));
        Tensor offset = sums.narrow(0, 0, c).div(new Scalar(n));
        Tensor variance = sums.narrow(0, c, c).div(new Scalar(n)).sub(offset.square());
        Tensor scale = weight.value().mul(variance.add(new Scalar(epsilon)).rsqrt());
        Tensor y = centred.sub(offset.view(1, c, 1, 1)).mul(scale.view(1, c, 1, 1)).add(bias.value().view(1, c, 1, 1));
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor batchMean = offset.detach().add(shift.view(c));
            Tensor unbiased = variance.detach().mul(new Scalar(n / Math.max(1, n - 1)));
            mean.value().mul_(new Scalar(0.9)).add_(batchMean, new Scalar(0.1));
            var.value().mul_(new Scalar(0.9)).add_(unbiased, new Scalar(0.1));
        }
        return y.to(x.scalar_type());
    }
}
