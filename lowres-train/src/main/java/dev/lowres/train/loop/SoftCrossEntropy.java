package dev.lowres.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Cross-entropy of logits against class labels (int32, shape (N)) or soft targets (float32, shape (N, K):
 * Mixup/CutMix), with label smoothing (Szegedy et al. 2016): targets become (1 - eps) t + eps / K.
 */
public final class SoftCrossEntropy extends Loss {
    private final double smoothing;

    public SoftCrossEntropy(double smoothing) {
        super("SoftCrossEntropy");
        this.smoothing = smoothing;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray target = labels.singletonOrThrow();
        int classes = (int) logits.getShape().get(1);
        NDArray logProb = logits.logSoftmax(1);
        if (target.getShape().dimension() == 1) {
            target = target.toType(DataType.INT64, false).oneHot(classes).toType(DataType.FLOAT32, false);
        }
        if (smoothing > 0) {
            target = target.mul(1 - smoothing).add(smoothing / classes);
        }
        return logProb.mul(target).sum(new int[] {1}).neg().mean();
    }
}
