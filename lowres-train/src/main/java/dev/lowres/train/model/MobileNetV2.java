package dev.lowres.train.model;

import dev.lowres.train.nn.Activation;
import dev.lowres.train.nn.GlobalAvgPool;
import dev.lowres.train.nn.Init;
import dev.lowres.train.nn.Linear;
import dev.lowres.train.nn.Params;
import dev.lowres.train.nn.Residual;
import dev.lowres.train.nn.Sequential;

import java.util.Locale;

/**
 * MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov & Chen 2018, "MobileNetV2: Inverted Residuals and Linear
 * Bottlenecks"), with the downsamplings fitted to small inputs.
 *
 * <p>The paper's network (as torchvision builds it): a 3x3 convolution to 32 channels, BN, ReLU6; seventeen
 * inverted residual blocks, each a 1x1 expansion by t (absent where t = 1), BN, ReLU6, a depthwise 3x3
 * convolution (groups = channels, carrying the block's stride), BN, ReLU6, and a linear 1x1 projection with BN,
 * added to the input where the block keeps the shape; (t, c, n, s) = (1,16,1,1), (6,24,2,2), (6,32,3,2),
 * (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1); a 1x1 convolution to 1280 channels, BN, ReLU6, global
 * average pooling and a fully connected layer. Convolutions have no bias. A width multiplier w scales every
 * width to a multiple of 8 (and the last one only when w &gt; 1), as in the paper's code; w = 1 has 3,504,872
 * parameters with 1000 classes.
 *
 * <p>Small inputs: the network downsamples five times (the stem, then the first block of the 24-, 32-, 64-
 * and 160-channel stages), 224 px to 7x7. Here it keeps only as many of those as leave a 4x4 map or larger,
 * removing them from the front: at 32 px the stem's and the 24-channel stage's stride 2 become stride 1 (the
 * usual CIFAR adaptation), at 16 px the 32-channel stage's too, at 64 px only the stem's; 32 px, 16 px and
 * 64 px all end at 4x4, and 224 px keeps all five. The classifier's dropout (0.2 in torchvision) is left to
 * the recipe. Convolutions are He-normal initialised (fan in), the classifier normal(0, 0.01).
 *
 * <p>Parameter names: {@code stem.conv}, {@code stem.bn}, {@code blocks.<i>.expand} and {@code .bn1} (where t &gt; 1),
 * {@code .depthwise}, {@code .bn2}, {@code .project}, {@code .bn3}, {@code last.conv}, {@code last.bn}, {@code fc}.
 */
public final class MobileNetV2 {
    /** The paper's table 2: expansion t, output channels c, repeats n, stride s. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    private MobileNetV2() {
    }

    /**
     * How many of the network's five stride-2 stages an input keeps: as many as leave a 4x4 map or larger
     * (0 under 8 px, 2 at 16 px, 3 at 32 px, 4 at 64 px, 5 from 128 px).
     */
    public static int downsamplings(int imageSize) {
        int k = 0;
        while (k < 5 && (4L << (k + 1)) <= imageSize) {
            k++;
        }
        return k;
    }

    /** torchvision's {@code _make_divisible}: the nearest multiple of 8, at least 8, not under 90% of v. */
    static int divisible(double v) {
        int rounded = Math.max(8, (int) (v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }

    /**
     * Builds MobileNetV2 with width multiplier {@code width}.
     *
     * @param name the registry name ({@code mobilenetv2}, {@code mobilenetv2-0.5}, ...)
     * @throws IllegalArgumentException for a width outside (0, 4]
     */
    public static Network create(String name, double width, int channels, int imageSize, int classes) {
        if (!(width > 0 && width <= 4)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "MobileNetV2 width multiplier must be in (0, 4] (the paper uses 0.35 to 1.4): %s", width));
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("input size must be positive: " + imageSize);
        }
        int removed = 5 - downsamplings(imageSize);
        int downsampling = 0; // stride-2 positions met so far
        Cost cost = new Cost();
        Params p = new Params();
        Sequential net = new Sequential();
        int size = imageSize;
        int in = divisible(32 * width);
        int stemStride = downsampling++ < removed ? 1 : 2;
        int out = Layers.outSize(size, 3, stemStride);
        net.add(Layers.conv(p.child("stem").child("conv"), channels, in, 3, stemStride, false))
                .add(Layers.batchNorm(p.child("stem").child("bn"), in)).add(Activation.RELU6);
        cost.conv(channels, in, 3, 1, out, out, false);
        cost.norm(in);
        size = out;
        int index = 0;
        for (int[] setting : SETTINGS) {
            int t = setting[0];
            int filters = divisible(setting[1] * width);
            for (int b = 0; b < setting[2]; b++) {
                Params block = p.child("blocks", index++);
                int stride = b == 0 ? setting[3] : 1;
                if (stride == 2 && downsampling++ < removed) {
                    stride = 1;
                }
                out = Layers.outSize(size, 3, stride);
                int hidden = in * t;
                Sequential main = new Sequential();
                if (t != 1) {
                    main.add(Layers.conv(block.child("expand"), in, hidden, 1, 1, false))
                            .add(Layers.batchNorm(block.child("bn1"), hidden)).add(Activation.RELU6);
                    cost.conv(in, hidden, 1, 1, size, size, false);
                    cost.norm(hidden);
                }
                main.add(Layers.conv(block.child("depthwise"), hidden, hidden, 3, stride, false, hidden))
                        .add(Layers.batchNorm(block.child("bn2"), hidden)).add(Activation.RELU6)
                        .add(Layers.conv(block.child("project"), hidden, filters, 1, 1, false))
                        .add(Layers.batchNorm(block.child("bn3"), filters));
                cost.conv(hidden, hidden, 3, hidden, out, out, false);
                cost.norm(hidden);
                cost.conv(hidden, filters, 1, 1, out, out, false);
                cost.norm(filters);
                net.add(stride == 1 && in == filters ? new Residual(main, null) : main);
                in = filters;
                size = out;
            }
        }
        int last = divisible(1280 * Math.max(1.0, width));
        net.add(Layers.conv(p.child("last").child("conv"), in, last, 1, 1, false))
                .add(Layers.batchNorm(p.child("last").child("bn"), last)).add(Activation.RELU6);
        cost.conv(in, last, 1, 1, size, size, false);
        cost.norm(last);
        net.add(GlobalAvgPool.INSTANCE).add(Linear.create(p.child("fc"), last, classes, true, new Init.Normal(0.01)));
        cost.linear(last, classes, true, 1);
        return new Network(name, net, p.all(), new InputShape(channels, imageSize, imageSize), classes,
                cost.parameters(), cost.macs());
    }
}
