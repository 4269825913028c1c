package dev.lowres.train.model;

import dev.lowres.train.nn.Activation;
import dev.lowres.train.nn.BatchNorm;
import dev.lowres.train.nn.Conv2d;
import dev.lowres.train.nn.Init;
import dev.lowres.train.nn.Layer;
import dev.lowres.train.nn.Params;
import dev.lowres.train.nn.Residual;
import dev.lowres.train.nn.Sequential;

/**
 * The Wide ResNets of the downsampled-ImageNet paper (Chrabaszcz, Loshchilov & Hutter 2017,
 * {@code WRNs_imagenet.py}), after Zagoruyko & Komodakis 2016 with He et al.'s pre-activation blocks.
 *
 * <p>WRN-d-k: a 3x3 convolution to 16 channels (then BN, ReLU); 2, 3 or 4 stages for 16, 32 or 64 px inputs
 * (the first stage at full resolution, each later one halving it) of n blocks with 16k, 32k, 64k, 128k
 * channels, where d = 2 x stages x n + 4 counts the layers: the paper's WRN-20-k at 16 px, WRN-28-k at
 * 32 px and WRN-36-k at 64 px all have n = 4; BN, ReLU, global average pooling and a fully connected layer. A block is
 * BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus a shortcut: the identity, or a 1x1 projection (no bias) of
 * the block's input in the first block of every stage (also the network's first block when its width is that
 * of the stem, k = 1, as {@code WRNs_imagenet.py}'s {@code first} block always projects); projections start from
 * Lasagne's default GlorotUniform, every other weight He-normal. The network's first block has
 * no BN-ReLU of its own (the stem ends with one). As in the Lasagne original, a convolution followed by batch
 * norm has no bias (it would be redundant) and the others do, except projections: WRN-28-2 at 32 px with
 * 1000 classes has 1,596,216 parameters (the paper: 1.6M; a port with a bias on every non-shortcut
 * convolution has 912 more). He-normal initialisation. Batch norm has the paper's epsilon, 1e-4 (the
 * Lasagne default its script keeps), not PyTorch's 1e-5.
 *
 * <p>Parameter names: {@code stem.conv}, {@code stem.bn}, {@code blocks.<i>.bn1} (absent in block 0),
 * {@code .conv1}, {@code .bn2}, {@code .conv2}, {@code .shortcut} (projections only), {@code head.bn}, {@code fc}.
 *
 * <p>A channel-pruned WRN ({@code wrn-d-k@c0,c1,...}, made by lowres-train's {@code prune.ChannelPruning}) has
 * {@code c_i} channels inside block i (conv1's outputs, bn2, conv2's inputs) instead of the stage's width; what
 * enters and leaves every block, and so every residual sum and shortcut, keeps the stage's width.
 */
public final class WideResNet {
    /** The paper's batch-norm epsilon (Lasagne's default). */
    public static final double EPSILON = 1e-4;

    private WideResNet() {
    }

    /** {@code wrn-d-k}, or {@code wrn-d-k@c0,c1,...} with inner widths. */
    public static String name(int depth, int width, int[] inner) {
        String base = "wrn-" + depth + "-" + width;
        return inner == null ? base : base + "@" + java.util.Arrays.stream(inner).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(","));
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
        return create(depth, width, null, channels, imageSize, classes);
    }

    /** The blocks of WRN-depth-k for an input size (n per stage). */
    public static int blocks(int depth, int imageSize) {
        return (depth - 4) / (2 * stages(imageSize)) * stages(imageSize);
    }

    /**
     * Builds WRN-depth-width with {@code inner[i]} channels inside block i (null: the stage's width in every block).
     *
     * @throws IllegalArgumentException when depth is not 2 x stages x n + 4 for the input size, or the inner
     *                                  widths are not one per block, each from 1 to the stage's width
     */
    public static Network create(int depth, int width, int[] inner, int channels, int imageSize, int classes) {
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
        if (inner != null && inner.length != n * stages) {
            throw new IllegalArgumentException("WRN-" + depth + "-" + width + " at " + imageSize + " px has " + n * stages
                    + " blocks; " + inner.length + " inner widths given");
        }
        Cost cost = new Cost();
        Params p = new Params();
        Sequential net = new Sequential();
        int size = imageSize;
        // stem: conv 3x3 to 16, BN, ReLU
        Params stem = p.child("stem");
        net.add(Layers.conv(stem.child("conv"), channels, 16, 3, 1, false))
                .add(BatchNorm.create(stem.child("bn"), 16, EPSILON)).add(Activation.RELU);
        cost.conv(channels, 16, 3, 1, size, size, false);
        cost.norm(16);
        int in = 16;
        int index = 0;
        for (int stage = 0; stage < stages; stage++) {
            int filters = 16 * width << stage;
            for (int b = 0; b < n; b++) {
                int mid = inner == null ? filters : inner[index];
                if (mid < 1 || mid > filters) {
                    throw new IllegalArgumentException("block " + index + " of WRN-" + depth + "-" + width + " has "
                            + filters + " channels; its inner width must be 1 to " + filters + ": " + mid);
                }
                Params block = p.child("blocks", index++);
                int stride = stage > 0 && b == 0 ? 2 : 1;
                boolean firstOfNetwork = stage == 0 && b == 0;
                int out = size / stride;
                Sequential main = new Sequential();
                if (!firstOfNetwork) {
                    main.add(BatchNorm.create(block.child("bn1"), in, EPSILON)).add(Activation.RELU);
                    cost.norm(in);
                }
                main.add(Layers.conv(block.child("conv1"), in, mid, 3, stride, false))
                        .add(BatchNorm.create(block.child("bn2"), mid, EPSILON)).add(Activation.RELU)
                        .add(Layers.conv(block.child("conv2"), mid, filters, 3, 1, true));
                cost.conv(in, mid, 3, 1, out, out, false);
                cost.norm(mid);
                cost.conv(mid, filters, 3, 1, out, out, true);
                Layer shortcut = null;
                if (firstOfNetwork || in != filters || stride != 1) {
                    // the script's projections keep Lasagne's default initialisation (GlorotUniform)
                    shortcut = Conv2d.create(block.child("shortcut"), in, filters, 1, stride, 0, 1, false,
                            new Init.GlorotUniform());
                    cost.conv(in, filters, 1, 1, out, out, false);
                }
                net.add(new Residual(main, shortcut));
                in = filters;
                size = out;
            }
        }
        Layers.preActivationHead(net, p, cost, in, classes, EPSILON);
        return new Network(name(depth, width, inner), net, p.all(), new InputShape(channels, imageSize, imageSize),
                classes, cost.parameters(), cost.macs());
    }
}
