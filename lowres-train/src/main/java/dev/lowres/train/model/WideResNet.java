package dev.lowres.train.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * The Wide ResNets of the downsampled-ImageNet paper (Chrabaszcz, Loshchilov & Hutter 2017,
 * {@code WRNs_imagenet.py}), after Zagoruyko & Komodakis 2016 with He et al.'s pre-activation blocks.
 *
 * <p>WRN-d-k: a 3x3 convolution to 16 channels (then BN, ReLU); 2, 3 or 4 stages for 16, 32 or 64 px inputs
 * (the first stage at full resolution, each later one halving it) of n blocks with 16k, 32k, 64k, 128k
 * channels, where d = 2 x stages x n + 4 counts the layers: the paper's WRN-20-k at 16 px, WRN-28-k at
 * 32 px and WRN-36-k at 64 px all have n = 4; BN, ReLU, global average pooling and a fully connected layer. A block is
 * BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus a shortcut: the identity, or a 1x1 projection (no bias) of
 * the block's input where the shape changes (the first block of every stage). The network's first block has
 * no BN-ReLU of its own (the stem ends with one). As in the Lasagne original, a convolution followed by batch
 * norm has no bias (it would be redundant) and the others do, except projections: WRN-28-2 at 32 px with
 * 1000 classes has 1,596,216 parameters (the paper: 1.6M; a port with a bias on every non-shortcut
 * convolution has 912 more). He-normal initialisation.
 */
public final class WideResNet {
    private WideResNet() {
    }

    /** Stages for an input size: 2 for 16 px (and below), 3 for 32 px, 4 for 64 px and above. */
    public static int stages(int imageSize) {
        return imageSize <= 16 ? 2 : imageSize <= 32 ? 3 : 4;
    }

    /**
     * Builds WRN-depth-width.
     *
     * @throws IllegalArgumentException when depth is not 2 x stages x n + 4 for the input size
     */
    public static Network create(int depth, int width, int channels, int imageSize, int classes) {
        int stages = stages(imageSize);
        int perBlock = 2 * stages;
        if (depth < perBlock + 4 || (depth - 4) % perBlock != 0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "WRN depth at %d px (%d stages) must be %dn + 4 (%d, %d, %d, ...): %d; the paper uses "
                            + "WRN-20-k at 16 px, WRN-28-k at 32 px, WRN-36-k at 64 px",
                    imageSize, stages, perBlock, perBlock + 4, 2 * perBlock + 4, 4 * perBlock + 4, depth));
        }
        if (width < 1) {
            throw new IllegalArgumentException("WRN width must be at least 1: " + width);
        }
        int n = (depth - 4) / perBlock;
        Cost cost = new Cost();
        SequentialBlock net = new SequentialBlock();
        int size = imageSize;
        // stem: conv 3x3 to 16, BN, ReLU
        net.add(Layers.conv(16, 3, 1, false)).add(Layers.batchNorm()).add(Layers.relu());
        cost.conv(channels, 16, 3, 1, size, size, false);
        cost.norm(16);
        int in = 16;
        for (int stage = 0; stage < stages; stage++) {
            int filters = 16 * width << stage;
            for (int b = 0; b < n; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                boolean firstOfNetwork = stage == 0 && b == 0;
                int out = size / stride;
                SequentialBlock main = new SequentialBlock();
                if (!firstOfNetwork) {
                    main.add(Layers.batchNorm()).add(Layers.relu());
                    cost.norm(in);
                }
                main.add(Layers.conv(filters, 3, stride, false)).add(Layers.batchNorm()).add(Layers.relu())
                        .add(Layers.conv(filters, 3, 1, true));
                cost.conv(in, filters, 3, 1, out, out, false);
                cost.norm(filters);
                cost.conv(filters, filters, 3, 1, out, out, true);
                Block shortcut;
                if (in != filters || stride != 1) {
                    shortcut = Layers.conv(filters, 1, stride, false);
                    cost.conv(in, filters, 1, 1, out, out, false);
                } else {
                    shortcut = Layers.identity();
                }
                net.add(Layers.residual(main, shortcut));
                in = filters;
                size = out;
            }
        }
        Layers.preActivationHead(net, cost, in, classes);
        return new Network("wrn-" + depth + "-" + width, net, new Shape(channels, imageSize, imageSize), classes,
                cost.parameters(), cost.macs());
    }
}
