package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * {@code main(x) + shortcut(x)}, the shortcut the identity when it is null.
 *
 * @param main the residual branch
 * @param shortcut the shortcut (a projection), or null for the identity
 */
public record Residual(Layer main, Layer shortcut) implements Layer {
    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor y = main.forward(x, training);
        return y.add(shortcut == null ? x : shortcut.forward(x, training));
    }
}
