package dev.lowres.train.model;

import dev.lowres.train.recipe.Quantization;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A network with its tensors on a device: the parameters (fp32 master weights, trainable ones requiring
 * gradients) and buffers, owned by this object until {@link #close()}, never by the garbage collector.
 * Four-dimensional weights and the inputs may be kept channels-last (NHWC in memory), which oneDNN's CPU and
 * cuDNN's convolutions run faster; values, names and checkpoints are the same either way.
 */
public final class Model implements AutoCloseable {
    private final Network network;
    private final Device device;
    private final boolean channelsLast;
    private final List<Param> trainable;
    private final Map<String, Param> byName = new LinkedHashMap<>();
    private boolean closed;

    private Model(Network network, Device device, boolean channelsLast) {
        this.network = network;
        this.device = device;
        this.channelsLast = channelsLast;
        List<Param> t = new ArrayList<>();
        for (Param p : network.params()) {
            byName.put(p.name(), p);
            if (p.kind().trainable()) {
                t.add(p);
            }
        }
        this.trainable = Collections.unmodifiableList(t);
    }

    /**
     * Gives {@code network} its tensors on {@code device}, initialised from {@code seed} (each parameter from
     * the seed and its name).
     */
    public static Model create(Network network, Device device, long seed, boolean channelsLast) {
        Torch.load();
        Model m = new Model(network, device, channelsLast || network.channelsLastOnly());
        try (PointerScope scope = new PointerScope()) {
            for (Param p : network.params()) {
                float[] values = new float[Math.toIntExact(p.numel())];
                p.init().fill(values, p.shape(), seed, p.name());
                m.bind(p, Tensors.floats(values, device, p.shape()));
            }
        }
        return m;
    }

    private void bind(Param p, Tensor t) {
        Tensor value = channelsLast && t.dim() == 4 ? t.contiguous(torch.MemoryFormat.ChannelsLast) : t;
        if (p.kind().trainable()) {
            value.set_requires_grad(true);
        }
        p.bind(value);
    }

    public Network network() {
        return network;
    }

    public Device device() {
        return device;
    }

    public boolean channelsLast() {
        return channelsLast;
    }

    /** Every parameter and buffer, in declaration order. */
    public List<Param> params() {
        return network.params();
    }

    /** The parameters that are trained. */
    public List<Param> trainable() {
        return trainable;
    }

    /**
     * The quantization-aware training of a recipe's {@code quantize} key for this network (null for none): its first
     * convolution stays in full precision.
     */
    public dev.lowres.train.nn.DoReFa quantizers(Quantization spec) {
        if (!(spec instanceof Quantization.DoReFa d)) {
            return null;
        }
        String first = network.params().stream().filter(p -> p.prunable() && p.shape().length == 4).map(Param::name)
                .findFirst().orElse("");
        return new dev.lowres.train.nn.DoReFa(d.weightBits(), d.activationBits(), first);
    }

    /** A parameter by name, or null. */
    public Param param(String name) {
        return byName.get(name);
    }

    /**
     * The forward pass: logits (N, classes) for images (N, C, H, W) in the network's input layout (converted
     * to channels-last here when the model keeps it).
     */
    public Tensor forward(Tensor images, boolean training) {
        Tensor x = channelsLast ? images.contiguous(torch.MemoryFormat.ChannelsLast) : images;
        return network.body().forward(x, training);
    }

    /** The values of every parameter and buffer by name, as float32 row-major arrays (for checkpoints). */
    public Map<String, float[]> values() {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (Param p : network.params()) {
                out.put(p.name(), Tensors.toFloats(p.value()));
            }
        }
        return out;
    }

    /**
     * Overwrites parameters and buffers from {@code values} by name.
     *
     * @throws IllegalArgumentException naming a missing tensor or one of another shape
     */
    public void load(Map<String, float[]> values, String source) {
        try (PointerScope scope = new PointerScope(); var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Param p : network.params()) {
                float[] v = values.get(p.name());
                if (v == null) {
                    throw new IllegalArgumentException(source + " lacks " + p.name() + " (another model?)");
                }
                if (v.length != p.numel()) {
                    throw new IllegalArgumentException(source + ": " + p.name() + " has " + v.length
                            + " values, the network " + p.numel() + " " + java.util.Arrays.toString(p.shape()));
                }
                Tensors.copyInto(p.value(), v);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            network.params().forEach(Param::release);
        }
    }
}
