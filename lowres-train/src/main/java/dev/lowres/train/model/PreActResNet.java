package dev.lowres.train.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
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
        SequentialBlock net = new SequentialBlock();
        int size = imageSize;
        // CIFAR stem: conv 3x3 stride 1 to 64; the first block's pre-activation normalises it
        net.add(Layers.conv(64, 3, 1, false));
        cost.conv(channels, 64, 3, 1, size, size, false);
        int in = 64;
        for (int stage = 0; stage < 4; stage++) {
            int planes = 64 << stage;
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                int out = Layers.outSize(size, 3, stride);
                SequentialBlock main = new SequentialBlock();
                if (bottleneck) {
                    main.add(Layers.conv(planes, 1, 1, false)).add(Layers.batchNorm()).add(Layers.relu())
                            .add(Layers.conv(planes, 3, stride, false)).add(Layers.batchNorm()).add(Layers.relu())
                            .add(Layers.conv(planes * expansion, 1, 1, false));
                    cost.conv(in, planes, 1, 1, size, size, false);
                    cost.norm(planes);
                    cost.conv(planes, planes, 3, 1, out, out, false);
                    cost.norm(planes);
                    cost.conv(planes, planes * expansion, 1, 1, out, out, false);
                } else {
                    main.add(Layers.conv(planes, 3, stride, false)).add(Layers.batchNorm()).add(Layers.relu())
                            .add(Layers.conv(planes, 3, 1, false));
                    cost.conv(in, planes, 3, 1, out, out, false);
                    cost.norm(planes);
                    cost.conv(planes, planes, 3, 1, out, out, false);
                }
                cost.norm(in); // the block's pre-activation
                int filters = planes * expansion;
                if (in != filters || stride != 1) {
                    // the projection sees the pre-activated input, as the main path does
                    Block shortcut = Layers.conv(filters, 1, stride, false);
                    cost.conv(in, filters, 1, 1, out, out, false);
                    net.add(new SequentialBlock().add(Layers.batchNorm()).add(Layers.relu())
                            .add(Layers.residual(main, shortcut)));
                } else {
                    SequentialBlock preactivated = new SequentialBlock().add(Layers.batchNorm()).add(Layers.relu())
                            .add(main);
                    net.add(Layers.residual(preactivated, Layers.identity()));
                }
                in = filters;
                size = out;
            }
        }
        Layers.preActivationHead(net, cost, in, classes);
        return new Network("preact-resnet-" + depth, net, new Shape(channels, imageSize, imageSize), classes,
                cost.parameters(), cost.macs());
    }
}
