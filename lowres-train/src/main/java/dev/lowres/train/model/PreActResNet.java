package dev.lowres.train.model;

import dev.lowres.train.nn.Activation;
import dev.lowres.train.nn.Params;
import dev.lowres.train.nn.Residual;
import dev.lowres.train.nn.Sequential;

import java.util.Locale;

/**
 * Pre-activation ResNets (He, Zhang, Ren & Sun 2016, "Identity Mappings in Deep Residual Networks"), with the
 * stem that the CIFAR literature uses for small inputs.
 *
 * <p>PreAct-ResNet-18 and -34 are made of basic blocks (BN-ReLU-conv3x3-BN-ReLU-conv3x3), -50, -101 and -152
 * of bottlenecks (BN-ReLU-conv1x1-BN-ReLU-conv3x3(stride)-BN-ReLU-conv1x1 to 4x the width); [2,2,2,2],
 * [3,4,6,3], [3,4,6,3], [3,4,23,3] and [3,8,36,3] blocks in four stages of 64, 128, 256 and 512 channels
 * (x4 out of a bottleneck) with strides 1, 2, 2, 2. For 16-64 px inputs the ImageNet stem (7x7 stride-2
 * convolution and max-pool, a factor 4) is replaced by one 3x3 stride-1 convolution to 64 channels, as
 * for CIFAR (so a 32 px input leaves the last stage at 4x4, 64 px at 8x8, 16 px at 2x2). Where a block changes
 * the shape (the first block of a stage, and of the first stage for bottlenecks) the shortcut is a 1x1
 * projection (stride 2 where the stage downsamples) of the block's pre-activated input, which the main path
 * shares ("both_preact" in the authors' {@code preresnet.lua}); elsewhere it is the identity. The network ends
 * with BN, ReLU, global average pooling and a fully connected layer. Convolutions have no bias (each feeds a
 * batch norm or a sum that does); He-normal initialisation.
 *
 * <p>Parameter names: {@code stem.conv}, {@code blocks.<i>.bn1}, {@code .conv1}, {@code .bn2}, {@code .conv2}
 * ({@code .bn3}, {@code .conv3} in bottlenecks), {@code .shortcut}, {@code head.bn}, {@code fc}.
 */
public final class PreActResNet {
    private PreActResNet() {
    }

    /** Blocks per stage for a depth, or null for an unsupported depth. */
    static int[] blocks(int depth) {
        return switch (depth) {
            case 18 -> new int[] {2, 2, 2, 2};
            case 34, 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            case 152 -> new int[] {3, 8, 36, 3};
            default -> null;
        };
    }

    /**
     * Builds PreAct-ResNet-depth.
     *
     * @throws IllegalArgumentException for a depth other than 18, 34, 50, 101, 152 or an input under 8 px
     */
    public static Network create(int depth, int channels, int imageSize, int classes) {
        int[] blocks = blocks(depth);
        if (blocks == null) {
            throw new IllegalArgumentException("pre-activation ResNet depth must be 18, 34 (basic blocks), 50, 101 "
                    + "or 152 (bottlenecks): " + depth);
        }
        if (imageSize < 8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "preact-resnet-%d takes inputs of 8 px and more (three stride-2 stages): %d", depth, imageSize));
        }
        boolean bottleneck = depth >= 50;
        int expansion = bottleneck ? 4 : 1;
        Cost cost = new Cost();
        Params p = new Params();
        Sequential net = new Sequential();
        int size = imageSize;
        // CIFAR stem: conv 3x3 stride 1 to 64; the first block's pre-activation normalises it
        net.add(Layers.conv(p.child("stem").child("conv"), channels, 64, 3, 1, false));
        cost.conv(channels, 64, 3, 1, size, size, false);
        int in = 64;
        int index = 0;
        for (int stage = 0; stage < 4; stage++) {
            int planes = 64 << stage;
            for (int b = 0; b < blocks[stage]; b++) {
                Params block = p.child("blocks", index++);
                int stride = stage > 0 && b == 0 ? 2 : 1;
                int out = Layers.outSize(size, 3, stride);
                Sequential preactivation = new Sequential().add(Layers.batchNorm(block.child("bn1"), in))
                        .add(Activation.RELU);
                cost.norm(in); // the block's pre-activation
                Sequential main = new Sequential();
                if (bottleneck) {
                    main.add(Layers.conv(block.child("conv1"), in, planes, 1, 1, false))
                            .add(Layers.batchNorm(block.child("bn2"), planes)).add(Activation.RELU)
                            .add(Layers.conv(block.child("conv2"), planes, planes, 3, stride, false))
                            .add(Layers.batchNorm(block.child("bn3"), planes)).add(Activation.RELU)
                            .add(Layers.conv(block.child("conv3"), planes, planes * expansion, 1, 1, false));
                    cost.conv(in, planes, 1, 1, size, size, false);
                    cost.norm(planes);
                    cost.conv(planes, planes, 3, 1, out, out, false);
                    cost.norm(planes);
                    cost.conv(planes, planes * expansion, 1, 1, out, out, false);
                } else {
                    main.add(Layers.conv(block.child("conv1"), in, planes, 3, stride, false))
                            .add(Layers.batchNorm(block.child("bn2"), planes)).add(Activation.RELU)
                            .add(Layers.conv(block.child("conv2"), planes, planes, 3, 1, false));
                    cost.conv(in, planes, 3, 1, out, out, false);
                    cost.norm(planes);
                    cost.conv(planes, planes, 3, 1, out, out, false);
                }
                int filters = planes * expansion;
                if (in != filters || stride != 1) {
                    // the projection sees the pre-activated input, as the main path does
                    var shortcut = Layers.conv(block.child("shortcut"), in, filters, 1, stride, false);
                    cost.conv(in, filters, 1, 1, out, out, false);
                    net.add(preactivation.add(new Residual(main, shortcut)));
                } else {
                    net.add(new Residual(preactivation.add(main), null));
                }
                in = filters;
                size = out;
            }
        }
        Layers.preActivationHead(net, p, cost, in, classes, dev.lowres.train.nn.BatchNorm.EPSILON);
        return new Network("preact-resnet-" + depth, net, p.all(), new InputShape(channels, imageSize, imageSize), classes,
                cost.parameters(), cost.macs());
    }
}
