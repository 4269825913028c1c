package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Global average pooling, (N, C, H, W) to (N, C). */
public final class GlobalAvgPool implements Layer {
    public static final GlobalAvgPool INSTANCE = new GlobalAvgPool();

    private GlobalAvgPool() {
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return torch.adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
    }
}
