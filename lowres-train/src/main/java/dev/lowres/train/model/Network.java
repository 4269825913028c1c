package dev.lowres.train.model;

import ai.djl.nn.Block;
import ai.djl.ndarray.types.Shape;

/**
 * A network ready to be initialised: its DJL block, the input it takes (C, H, W), and its costs.
 *
 * @param name the registry name, e.g. {@code wrn-28-2}
 * @param block the DJL block (uninitialised)
 * @param input the shape of one image (channels, height, width)
 * @param classes output classes
 * @param parameters trainable parameters
 * @param macs multiply-accumulates of one forward pass of one image
 */
public record Network(String name, Block block, Shape input, int classes, long parameters, long macs) {
    /** GFLOPs of one forward pass of one image (2 x MACs). */
    public double gigaflops() {
        return 2.0 * macs / 1e9;
    }
}
