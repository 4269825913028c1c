package dev.lowres.train.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.initializer.XavierInitializer;
import java.util.List;

/** The DJL layers the models are made of, with the initialisation the papers use. */
final class Layers {
    /** He et al. 2015 normal initialisation for ReLU networks: std sqrt(2 / fan_in). */
    static final XavierInitializer HE_RELU =
            new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2);
    /** He normal with gain 1 (the paper's classifier layer): std sqrt(1 / fan_in). */
    static final XavierInitializer HE_LINEAR =
            new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 1);

    private Layers() {
    }

    static Conv2d conv(int filters, int kernel, int stride, boolean bias) {
        return conv(filters, kernel, stride, bias, 1);
    }

    static Conv2d conv(int filters, int kernel, int stride, boolean bias, int groups) {
        return conv(filters, kernel, stride, kernel / 2, bias, groups);
    }

    static Conv2d conv(int filters, int kernel, int stride, int padding, boolean bias, int groups) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(padding, padding))
                .optGroups(groups).optBias(bias).build();
    }

    /** The output side of a convolution or pooling with padding {@code kernel / 2} (PyTorch's floor rule). */
    static int outSize(int in, int kernel, int stride) {
        return (in + 2 * (kernel / 2) - kernel) / stride + 1;
    }

    /** Batch norm with PyTorch's defaults (epsilon 1e-5, running averages updated by 0.1 of each batch). */
    static BatchNorm batchNorm() {
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    static Block relu() {
        return Activation.reluBlock();
    }

    /** min(max(x, 0), 6), MobileNetV2's activation. */
    static Block relu6() {
        return Activation.relu6Block();
    }

    /** The exact (erf) GELU of the transformers. */
    static Block gelu() {
        return Activation.geluBlock();
    }

    /** Layer norm over the last axis of (batch, tokens, features), with scale and shift. */
    static LayerNorm layerNorm(float epsilon) {
        return LayerNorm.builder().axis(2).optEpsilon(epsilon).build();
    }

    static Linear linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    /** {@code main(x) + shortcut(x)}. */
    static Block residual(Block main, Block shortcut) {
        return new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                List.of(main, shortcut));
    }

    /** The identity, for shortcuts that keep the shape. */
    static Block identity() {
        return LambdaBlock.singleton(x -> x);
    }

    /**
     * The pre-activation networks' head (WRN, pre-activation ResNet, PyramidNet): batch norm, ReLU, global
     * average pooling and the classifier, counted in {@code cost}; every weight He-initialised for ReLU, the
     * classifier's for a linear output.
     */
    static void preActivationHead(ai.djl.nn.SequentialBlock net, Cost cost, int in, int classes) {
        Linear classifier = linear(classes);
        net.add(batchNorm()).add(relu()).add(ai.djl.nn.pooling.Pool.globalAvgPool2dBlock()).add(classifier);
        cost.norm(in);
        cost.linear(in, classes, true, 1);
        net.setInitializer(HE_RELU, ai.djl.nn.Parameter.Type.WEIGHT);
        classifier.setInitializer(HE_LINEAR, ai.djl.nn.Parameter.Type.WEIGHT);
    }
}
