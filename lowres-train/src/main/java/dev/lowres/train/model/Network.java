package dev.lowres.train.model;

import dev.lowres.train.nn.Layer;
import dev.lowres.train.nn.Param;
import java.util.List;

/**
 * A network as declared: its forward pass, its parameters (shapes and initialisations, no tensors yet), the
 * input it takes and its costs. {@link Model#create} gives it tensors; a network is made fresh by
 * {@link ModelRegistry#create} for each model.
 *
 * @param name the registry name, e.g. {@code wrn-28-2}
 * @param body the forward pass
 * @param params every parameter and buffer, in declaration order
 * @param input the shape of one image
 * @param classes output classes
 * @param parameters trainable parameters (as counted while building; equals the declared trainable sizes)
 * @param macs multiply-accumulates of one forward pass of one image
 * @param channelsLastOnly whether the network must run channels-last whatever is asked (see {@link PyramidNet})
 */
public record Network(String name, Layer body, List<Param> params, InputShape input, int classes, long parameters,
                      long macs, boolean channelsLastOnly) {
    public Network {
        params = List.copyOf(params);
    }

    /** A network that runs in either memory format. */
    public Network(String name, Layer body, List<Param> params, InputShape input, int classes, long parameters,
                   long macs) {
        this(name, body, params, input, classes, parameters, macs, false);
    }

    /** GFLOPs of one forward pass of one image (2 x MACs). */
    public double gigaflops() {
        return 2.0 * macs / 1e9;
    }

    /** The sizes of the declared trainable parameters, added up. */
    public long declaredTrainable() {
        return params.stream().filter(p -> p.kind().trainable()).mapToLong(Param::numel).sum();
    }
}
