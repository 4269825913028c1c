package dev.lowres.train.quant;

import dev.lowres.train.model.Network;
import dev.lowres.train.model.WideResNet;
import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A Wide ResNet (or a channel-pruned one) in int8 on libtorch's quantized CPU kernels: post-training quantization
 * with calibration (Jacob et al. 2018; Krishnamoorthi 2018, "Quantizing deep convolutional networks for efficient
 * inference"). Weights per output channel, symmetric qint8 ({@code scale = max |w| / 127}); activations per tensor,
 * affine quint8 with the ranges of a {@link Calibration}; biases fp32 (fbgemm quantizes them to int32 itself).
 *
 * <p>The network is taken apart as its forward pass runs: the stem's and every conv1's batch norm folded into the
 * convolution (with its ReLU fused), each pre-activation batch norm + ReLU as {@code quantized::batch_norm2d_relu},
 * conv2 and the projections as quantized convolutions, the residual sums as {@code quantized::add}, the global
 * average pool on the quantized features; the classifier (under 1% of the operations) runs in fp32 on the
 * dequantized features. {@link #floatForward} is the same decomposition in fp32, equal to the network's own
 * inference pass: it is what calibration observes.
 */
public final class Int8WideResNet implements AutoCloseable {
    /** A convolution in fp32 with its batch norm folded in (bias may be null), and the int8 pack once quantized. */
    private static final class Conv {
        final Tensor weight;
        final Tensor bias;
        final int stride;
        final int padding;
        final String point;
        IValue packed;

        Conv(Tensor weight, Tensor bias, int stride, String point) {
            this.weight = weight;
            this.bias = bias;
            this.stride = stride;
            this.padding = (int) weight.size(2) / 2;
            this.point = point;
        }

        Tensor forward(Tensor x) {
            return torch.conv2d(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias),
                    new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1);
        }
    }

    /** Inference batch norm parameters: scale, shift, mean, variance. */
    private record Norm(Tensor weight, Tensor bias, Tensor mean, Tensor var, String point) {
        Tensor forward(Tensor x) {
            return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias), new TensorOptional(mean),
                    new TensorOptional(var), false, 0.1, WideResNet.EPSILON, true);
        }
    }

    private record Block(Norm pre, Conv conv1, Conv conv2, Conv shortcut, String out) {
    }

    private final List<Tensor> owned = new ArrayList<>();
    private final Conv stem;
    private final List<Block> blocks = new ArrayList<>();
    private final Norm head;
    private final Tensor fcWeight;
    private final Tensor fcBias;
    private Map<String, double[]> qparams;

    private Int8WideResNet(Network network, Map<String, float[]> values) {
        Map<String, Param> params = new LinkedHashMap<>();
        network.params().forEach(p -> params.put(p.name(), p));
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            stem = folded(params, values, "stem.conv", "stem.bn", 1, "stem");
            int count = 0;
            while (params.containsKey("blocks." + count + ".conv1.weight")) {
                count++;
            }
            int stages = WideResNet.stages(network.input().height());
            int perStage = count / stages;
            for (int b = 0; b < count; b++) {
                String p = "blocks." + b + ".";
                int stride = b > 0 && b % perStage == 0 ? 2 : 1;
                Norm pre = params.containsKey(p + "bn1.weight") ? norm(values, p + "bn1", p + "act") : null;
                Conv conv1 = folded(params, values, p + "conv1", p + "bn2", stride, p + "mid");
                Conv conv2 = new Conv(own(tensor(params, values, p + "conv2.weight")),
                        own(tensor(params, values, p + "conv2.bias")), 1, p + "main");
                Conv shortcut = params.containsKey(p + "shortcut.weight")
                        ? new Conv(own(tensor(params, values, p + "shortcut.weight")), null, stride, p + "shortcut")
                        : null;
                blocks.add(new Block(pre, conv1, conv2, shortcut, p + "out"));
            }
            head = norm(values, "head.bn", "head.act");
            fcWeight = own(tensor(params, values, "fc.weight"));
            fcBias = own(tensor(params, values, "fc.bias"));
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(network.name() + " has no WRN blocks");
        }
    }

    /**
     * The int8 form of {@code network} with {@code values} (a {@code wrn-d-k}, possibly channel-pruned).
     *
     * @throws IllegalArgumentException for another network, saying which are supported
     */
    public static Int8WideResNet of(Network network, Map<String, float[]> values) {
        if (!network.name().startsWith("wrn-")) {
            throw new IllegalArgumentException("int8 post-training quantization is built for Wide ResNets (wrn-d-k, "
                    + "channel-pruned ones too): their convolution, batch-norm and residual pattern maps onto "
                    + "libtorch's quantized kernels; " + network.name() + " is not one");
        }
        return new Int8WideResNet(network, values);
    }

    /** The fp32 forward pass of the decomposition (inference), each quantization point shown to {@code calibration}. */
    public Tensor floatForward(Tensor x, Calibration calibration) {
        try (NoGradGuard g = new NoGradGuard()) {
            observe(calibration, "input", x);
            Tensor h = observe(calibration, stem.point, torch.relu(stem.forward(x)));
            for (Block b : blocks) {
                Tensor a = b.pre == null ? h : observe(calibration, b.pre.point, torch.relu(b.pre.forward(h)));
                Tensor mid = observe(calibration, b.conv1.point, torch.relu(b.conv1.forward(a)));
                Tensor main = observe(calibration, b.conv2.point, b.conv2.forward(mid));
                Tensor shortcut = b.shortcut == null ? h : observe(calibration, b.shortcut.point, b.shortcut.forward(h));
                h = observe(calibration, b.out, main.add(shortcut));
            }
            Tensor a = observe(calibration, head.point, torch.relu(head.forward(h)));
            Tensor pooled = torch.adaptive_avg_pool2d(a, new long[] {1, 1}).flatten(1, -1);
            return torch.linear(pooled, fcWeight, new TensorOptional(fcBias));
        }
    }

    private static Tensor observe(Calibration c, String point, Tensor x) {
        if (c != null) {
            c.observe(point, x);
        }
        return x;
    }

    /**
     * Quantizes the weights and fixes every activation's scale from calibrated ranges.
     *
     * @throws IllegalArgumentException when a point has no range (calibrated on another network)
     */
    public Int8WideResNet quantize(Map<String, double[]> ranges) {
        Map<String, double[]> q = new LinkedHashMap<>();
        ranges.forEach((k, v) -> q.put(k, Calibration.qparams(v)));
        qparams = q;
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (Conv c : allConvs()) {
                qp(c.point);
                Tensor w = c.weight.contiguous();
                long out = w.size(0);
                Tensor scales = w.abs().reshape(out, -1).amax(new long[] {1}, false).clamp_min(new Scalar(1e-12))
                        .div(new Scalar(127.0)).to(torch.ScalarType.Double);
                Tensor zeros = torch.zeros(new long[] {out}, new org.bytedeco.pytorch.TensorOptions(
                        torch.ScalarType.Long));
                Tensor qw = torch.quantize_per_channel(w, scales, zeros, 0, torch.ScalarType.QInt8);
                if (c.packed != null) {
                    c.packed.releaseReference();
                }
                c.packed = QuantizedOps.prepack(qw, c.bias, c.stride, c.padding);
            }
        }
        for (String point : List.of("input", head.point)) {
            qp(point);
        }
        return this;
    }

    private double[] qp(String point) {
        double[] p = qparams.get(point);
        if (p == null) {
            throw new IllegalArgumentException("no calibrated range for " + point + " (calibrated on another network?)");
        }
        return p;
    }

    /** Logits (fp32) of normalised images through the int8 kernels; tensors belong to the open scope. */
    public Tensor forward(Tensor x) {
        if (qparams == null) {
            throw new IllegalStateException("not quantized yet");
        }
        try (NoGradGuard g = new NoGradGuard()) {
            double[] in = qp("input");
            Tensor q = torch.quantize_per_tensor(x.contiguous(torch.MemoryFormat.ChannelsLast), in[0], (long) in[1],
                    torch.ScalarType.QUInt8);
            Tensor h = conv(q, stem, true);
            for (Block b : blocks) {
                Tensor a = b.pre == null ? h : bnRelu(h, b.pre);
                Tensor mid = conv(a, b.conv1, true);
                Tensor main = conv(mid, b.conv2, false);
                Tensor shortcut = b.shortcut == null ? h : conv(h, b.shortcut, false);
                double[] out = qp(b.out);
                h = QuantizedOps.add(main, shortcut, out[0], (long) out[1]);
            }
            Tensor a = bnRelu(h, head);
            Tensor pooled = torch.dequantize(torch.adaptive_avg_pool2d(a, new long[] {1, 1})).flatten(1, -1);
            return torch.linear(pooled, fcWeight, new TensorOptional(fcBias));
        }
    }

    private Tensor conv(Tensor q, Conv c, boolean relu) {
        double[] p = qp(c.point);
        return QuantizedOps.conv(q, c.packed, relu, p[0], (long) p[1]);
    }

    private Tensor bnRelu(Tensor q, Norm n) {
        double[] p = qp(n.point);
        return QuantizedOps.batchNormRelu(q, n.weight, n.bias, n.mean, n.var, WideResNet.EPSILON, p[0], (long) p[1]);
    }

    private Conv folded(Map<String, Param> params, Map<String, float[]> values, String conv, String bn, int stride,
                        String point) {
        Tensor w = tensor(params, values, conv + ".weight");
        Tensor gamma = tensor(params, values, bn + ".weight");
        Tensor beta = tensor(params, values, bn + ".bias");
        Tensor mean = tensor(params, values, bn + ".running_mean");
        Tensor var = tensor(params, values, bn + ".running_var");
        Tensor factor = gamma.mul(var.add(new Scalar(WideResNet.EPSILON)).rsqrt());
        Tensor weight = w.mul(factor.reshape(-1, 1, 1, 1));
        Tensor bias = beta.sub(mean.mul(factor));
        return new Conv(own(weight), own(bias), stride, point);
    }

    private Norm norm(Map<String, float[]> values, String bn, String point) {
        return new Norm(own(vector(values, bn + ".weight")), own(vector(values, bn + ".bias")),
                own(vector(values, bn + ".running_mean")), own(vector(values, bn + ".running_var")), point);
    }

    private static Tensor vector(Map<String, float[]> values, String name) {
        float[] v = values.get(name);
        return dev.lowres.train.engine.Tensors.floats(v, dev.lowres.train.engine.Device.cpu(), v.length);
    }

    private static Tensor tensor(Map<String, Param> params, Map<String, float[]> values, String name) {
        Param p = params.get(name);
        if (p == null || values.get(name) == null) {
            throw new IllegalArgumentException("no " + name + " in the network's weights");
        }
        return dev.lowres.train.engine.Tensors.floats(values.get(name), dev.lowres.train.engine.Device.cpu(),
                p.shape());
    }

    /** Keeps {@code t} beyond the open scope, until {@link #close()}. */
    private Tensor own(Tensor t) {
        Tensor kept = t.contiguous().clone();
        kept.retainReference();
        owned.add(kept);
        return kept;
    }

    @Override
    public void close() {
        for (Conv c : allConvs()) {
            if (c.packed != null) {
                c.packed.releaseReference();
                c.packed = null;
            }
        }
        owned.forEach(Tensor::releaseReference);
        owned.clear();
    }

    private List<Conv> allConvs() {
        List<Conv> out = new ArrayList<>(List.of(stem));
        for (Block b : blocks) {
            out.add(b.conv1);
            out.add(b.conv2);
            if (b.shortcut != null) {
                out.add(b.shortcut);
            }
        }
        return out;
    }
}
