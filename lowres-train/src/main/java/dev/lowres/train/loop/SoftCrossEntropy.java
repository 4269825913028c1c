package dev.lowres.train.loop;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Cross-entropy of logits against class labels (int64, shape (N)) or soft targets (float32, shape (N, K):
 * Mixup/CutMix), with label smoothing (Szegedy et al. 2016): targets become (1 - eps) t + eps / K. Computed in
 * fp32 whatever the logits' precision, as autocast does for losses.
 */
public final class SoftCrossEntropy {
    private final double smoothing;

    public SoftCrossEntropy(double smoothing) {
        this.smoothing = smoothing;
    }

    /** The mean loss over the batch (a scalar tensor, with the graph of {@code logits}). */
    public Tensor apply(Tensor logits, Tensor target) {
        Tensor x = logits.to(torch.ScalarType.Float);
        if (target.dim() == 1) {
            // PyTorch's own: mean reduction (1), no ignored index, the same smoothing formula
            return torch.cross_entropy_loss(x, target, new TensorOptional(), 1, -100, smoothing);
        }
        Tensor t = target;
        if (smoothing > 0) {
            t = t.mul(new Scalar(1 - smoothing)).add(new Scalar(smoothing / x.size(1)));
        }
        return torch.log_softmax(x, 1).mul(t).sum(1).neg().mean();
    }
}
