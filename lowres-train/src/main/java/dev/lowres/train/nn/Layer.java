package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;

/** One step of a network's forward pass. */
@FunctionalInterface
public interface Layer {
    /**
     * @param x the input
     * @param training whether batch norm uses and updates batch statistics (and dropout drops)
     */
    Tensor forward(Tensor x, boolean training);
}
