package dev.lowres.train.model;

import dev.lowres.train.nn.Activation;
import dev.lowres.train.nn.Layer;
import dev.lowres.train.nn.Params;
import dev.lowres.train.nn.Residual;
import dev.lowres.train.nn.Sequential;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * Additive PyramidNets (Han, Kim & Kim 2017, "Deep Pyramidal Residual Networks"), with basic blocks, in the
 * paper's CIFAR layout.
 *
 * <p>PyramidNet-d-alpha: a 3x3 convolution to 16 channels and BN; three stages (the first at full resolution,
 * each later one halving it) of n = (d - 2) / 6 blocks, where the width grows by alpha / 3n at every block,
 * from 16 to 16 + alpha (block k has round(16 + k alpha / 3n) channels, rounding half to even as the authors'
 * Python does). A block is BN-conv3x3(stride)-BN-ReLU-conv3x3-BN (no ReLU after the addition, none on the
 * block's input) plus a parameter-free shortcut: the identity zero-padded to the block's width, after a 2x2
 * average pooling (stride 2, ceil mode) on a downsampling block. The network ends with BN, ReLU, global average
 * pooling and a fully connected layer. Convolutions have no bias; He-normal initialisation. The three stages
 * are kept at every input size, as for CIFAR: 32 px ends at 8x8, 16 px at 4x4, 64 px at 16x16 (four times
 * the 32 px MACs). PyramidNet-110-48 with 10 classes has 1.7M parameters, as in the paper's Table 1.
 *
 * <p>Parameter names: {@code stem.conv}, {@code stem.bn}, {@code blocks.<i>.bn1}, {@code .conv1}, {@code .bn2},
 * {@code .conv2}, {@code .bn3}, {@code head.bn}, {@code fc}.
 *
 * <p>It runs channels-last whatever is asked: in NCHW its training forward pass gave NaN logits in a process
 * that had run other networks before (never in a fresh one), with libtorch 2.5.1 and 2.10 alike, which points at
 * a read of uninitialised memory in a CPU kernel; channels-last gives finite logits that match a fresh process's.
 * The cause is not found yet (ModelRegistryTest keeps asking for both layouts).
 */
public final class PyramidNet {
    private PyramidNet() {
    }

    /**
     * Builds PyramidNet-depth-alpha.
     *
     * @throws IllegalArgumentException when depth is not 6n + 2, alpha is negative, or the input is under 4 px
     */
    public static Network create(int depth, int alpha, int channels, int imageSize, int classes) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("PyramidNet depth (basic blocks, 3 stages) must be 6n + 2 (8, 14, 20, "
                    + "..., 110, ...): " + depth);
        }
        if (imageSize < 4) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "pyramidnet-%d-%d takes inputs of 4 px and more (two stride-2 stages): %d", depth, alpha,
                    imageSize));
        }
        int n = (depth - 2) / 6;
        double addRate = alpha / (3.0 * n);
        Cost cost = new Cost();
        Params p = new Params();
        Sequential net = new Sequential();
        int size = imageSize;
        net.add(Layers.conv(p.child("stem").child("conv"), channels, 16, 3, 1, false))
                .add(Layers.batchNorm(p.child("stem").child("bn"), 16));
        cost.conv(channels, 16, 3, 1, size, size, false);
        cost.norm(16);
        int in = 16;
        double width = 16;
        int index = 0;
        for (int stage = 0; stage < 3; stage++) {
            for (int b = 0; b < n; b++) {
                Params block = p.child("blocks", index++);
                int stride = stage > 0 && b == 0 ? 2 : 1;
                width += addRate;
                int filters = (int) Math.rint(width);
                int out = Layers.outSize(size, 3, stride);
                Sequential main = new Sequential().add(Layers.batchNorm(block.child("bn1"), in))
                        .add(Layers.conv(block.child("conv1"), in, filters, 3, stride, false))
                        .add(Layers.batchNorm(block.child("bn2"), filters)).add(Activation.RELU)
                        .add(Layers.conv(block.child("conv2"), filters, filters, 3, 1, false))
                        .add(Layers.batchNorm(block.child("bn3"), filters));
                cost.norm(in);
                cost.conv(in, filters, 3, 1, out, out, false);
                cost.norm(filters);
                cost.conv(filters, filters, 3, 1, out, out, false);
                cost.norm(filters);
                net.add(new Residual(main, shortcut(stride, filters - in)));
                in = filters;
                size = out;
            }
        }
        Layers.preActivationHead(net, p, cost, in, classes, dev.lowres.train.nn.BatchNorm.EPSILON);
        return new Network("pyramidnet-" + depth + "-" + alpha, net, p.all(),
                new InputShape(channels, imageSize, imageSize), classes, cost.parameters(), cost.macs(), true);
    }

    /** The paper's shortcut: average pooling where the block downsamples, then zero channels appended. */
    private static Layer shortcut(int stride, int extraChannels) {
        if (stride == 1 && extraChannels == 0) {
            return null;
        }
        long[] two = {2, 2};
        long[] none = {0, 0};
        return (x, training) -> {
            // ceil mode matters only for odd sides (a last, partial window): even sides pool without it
            boolean ceil = x.size(2) % 2 == 1 || x.size(3) % 2 == 1;
            Tensor y = stride == 1 ? x
                    : torch.avg_pool2d(x, two, two, none, ceil, false, new org.bytedeco.pytorch.LongOptional());
            if (extraChannels == 0) {
                return y;
            }
            Tensor zeros = torch.zeros(new long[] {y.size(0), extraChannels, y.size(2), y.size(3)},
                    new org.bytedeco.pytorch.TensorOptions(y.scalar_type()).device(
                            new org.bytedeco.pytorch.DeviceOptional(y.device())));
            return torch.cat(new org.bytedeco.pytorch.TensorVector(y, zeros), 1);
        };
    }
}
