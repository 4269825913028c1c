package dev.lowres.train.model;

import dev.lowres.train.nn.Activation;
import dev.lowres.train.nn.BatchNorm;
import dev.lowres.train.nn.Conv2d;
import dev.lowres.train.nn.GlobalAvgPool;
import dev.lowres.train.nn.Init;
import dev.lowres.train.nn.Linear;
import dev.lowres.train.nn.Params;
import dev.lowres.train.nn.Sequential;

/** The layers the models are made of, with the initialisation the papers use. */
final class Layers {
    private Layers() {
    }

    /** A k x k convolution with padding k / 2, He-normal (ReLU) weights. */
    static Conv2d conv(Params p, int in, int out, int kernel, int stride, boolean bias) {
        return Conv2d.create(p, in, out, kernel, stride, kernel / 2, 1, bias, Init.HE_RELU);
    }

    /** A grouped k x k convolution with padding k / 2, He-normal (ReLU) weights. */
    static Conv2d conv(Params p, int in, int out, int kernel, int stride, boolean bias, int groups) {
        return Conv2d.create(p, in, out, kernel, stride, kernel / 2, groups, bias, Init.HE_RELU);
    }

    /** The output side of a convolution or pooling with padding {@code kernel / 2} (PyTorch's floor rule). */
    static int outSize(int in, int kernel, int stride) {
        return (in + 2 * (kernel / 2) - kernel) / stride + 1;
    }

    /** Batch norm with PyTorch's defaults (epsilon 1e-5, running averages updated by 0.1 of each batch). */
    static BatchNorm batchNorm(Params p, int channels) {
        return BatchNorm.create(p, channels, BatchNorm.EPSILON);
    }

    /**
     * The pre-activation networks' head (WRN, pre-activation ResNet, PyramidNet): batch norm, ReLU, global
     * average pooling and the classifier ({@code head.bn}, {@code fc}), counted in {@code cost}; the
     * classifier's weights He-initialised for a linear output.
     */
    static void preActivationHead(Sequential net, Params p, Cost cost, int in, int classes, double epsilon) {
        net.add(BatchNorm.create(p.child("head").child("bn"), in, epsilon)).add(Activation.RELU)
                .add(GlobalAvgPool.INSTANCE).add(Linear.create(p.child("fc"), in, classes, true, Init.HE_LINEAR));
        cost.norm(in);
        cost.linear(in, classes, true, 1);
    }
}
